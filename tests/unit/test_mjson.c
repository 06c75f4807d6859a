/* test_mjson.c - typed reads of manifest members (tc_mjson.h): each reader's accepted
 * values and its exact refusal, with the dotted member name and the manifest's path;
 * integer bounds; plain file names; file members resolved against the listing. */
#include <cjson/cJSON.h>
#include <string.h>

#include "tc_mjson.h"
#include "tc_test.h"

#define MANIFEST "d/manifest.json"

static const tc_listed_file FILES[] = {{.name = "vocab.tsv"}, {.name = "golden.jsonl"}};
static const tc_mjson R = {MANIFEST, FILES, 2};

static const char DOC[] = "{\"s\": \"tfidf\", \"b\": true, \"n\": 3, \"z\": null, \"f\": "
                          "\"golden.jsonl\", \"u\": \"nope.txt\", \"p\": \"../x\", \"x\": 1.5}";

static void test_readers(void)
{
    cJSON *o = cJSON_Parse(DOC);
    TC_CHECK(o != NULL, "test JSON");
    if (o == NULL)
        return;
    char err[TC_ERR_LEN] = "";
    tc_status st = TC_OK;
    TC_CHECK(tc_mjson_member(&R, o, "sec.", "missing", &st, err) == NULL && st == TC_EFORMAT &&
                 strcmp(err, MANIFEST ": missing \"sec.missing\"") == 0,
             "member: %s", err);
    const char *s = NULL;
    TC_CHECK(tc_mjson_string(&R, o, "", "s", &s, err) == TC_OK && strcmp(s, "tfidf") == 0, "string");
    TC_CHECK(tc_mjson_string(&R, o, "sec.", "n", &s, err) == TC_EFORMAT &&
                 strcmp(err, MANIFEST ": \"sec.n\" must be a string") == 0,
             "string refusal: %s", err);
    TC_CHECK(tc_mjson_exact(&R, o, "", "s", "tfidf", err) == TC_OK, "exact");
    TC_CHECK(tc_mjson_exact(&R, o, "v.", "s", "hashing", err) == TC_EFORMAT &&
                 strcmp(err, MANIFEST ": unsupported v.s \"tfidf\" (this textclf supports "
                             "\"hashing\")") == 0,
             "exact refusal: %s", err);
    bool b = false;
    TC_CHECK(tc_mjson_bool(&R, o, "", "b", &b, err) == TC_OK && b, "bool");
    TC_CHECK(tc_mjson_bool(&R, o, "", "n", &b, err) == TC_EFORMAT &&
                 strcmp(err, MANIFEST ": \"n\" must be true or false") == 0,
             "bool refusal: %s", err);
    static const char *const with_null[] = {NULL, "l1", "tfidf"};
    size_t i = 9;
    TC_CHECK(tc_mjson_choice(&R, o, "", "z", with_null, 3, &i, err) == TC_OK && i == 0, "null");
    TC_CHECK(tc_mjson_choice(&R, o, "", "s", with_null, 3, &i, err) == TC_OK && i == 2, "string");
    static const char *const two[] = {"l1", "l2"};
    TC_CHECK(tc_mjson_choice(&R, o, "v.", "s", two, 2, &i, err) == TC_EFORMAT &&
                 strcmp(err, MANIFEST ": unsupported v.s \"tfidf\" (expected one of \"l1\", "
                             "\"l2\")") == 0,
             "choice refusal: %s", err);
    TC_CHECK(tc_mjson_choice(&R, o, "v.", "z", two, 2, &i, err) == TC_EFORMAT &&
                 strcmp(err, MANIFEST ": \"v.z\" must be one of \"l1\", \"l2\"") == 0,
             "choice of null: %s", err);
    cJSON_Delete(o);
}

/* "type": one kind -> as exact; several -> as choice. */
static void test_kind(void)
{
    cJSON *o = cJSON_Parse("{\"type\": \"hashing\"}");
    char err[TC_ERR_LEN] = "";
    size_t k = 9;
    static const char *const one[] = {"tfidf"};
    static const char *const two[] = {"tfidf", "hashing"};
    TC_CHECK(tc_mjson_kind(&R, o, "vectorizer.", two, 2, &k, err) == TC_OK && k == 1, "two: %s",
             err);
    TC_CHECK(tc_mjson_kind(&R, o, "vectorizer.", one, 1, &k, err) == TC_EFORMAT &&
                 strcmp(err, MANIFEST ": unsupported vectorizer.type \"hashing\" (this textclf "
                             "supports \"tfidf\")") == 0,
             "one: %s", err);
    cJSON_Delete(o);
    o = cJSON_Parse("{\"type\": \"tfidf\"}");
    k = 9;
    TC_CHECK(tc_mjson_kind(&R, o, "vectorizer.", one, 1, &k, err) == TC_OK && k == 0, "one ok");
    cJSON_Delete(o);
    /* a section: an object member with a type */
    o = cJSON_Parse("{\"vectorizer\": {\"type\": \"hashing\"}, \"classifier\": []}");
    const cJSON *sec = NULL;
    TC_CHECK(tc_mjson_section(&R, o, "vectorizer", two, 2, &sec, &k, err) == TC_OK && k == 1 &&
                 sec == cJSON_GetObjectItemCaseSensitive(o, "vectorizer"),
             "section: %s", err);
    TC_CHECK(tc_mjson_section(&R, o, "vectorizer", one, 1, &sec, &k, err) == TC_EFORMAT &&
                 strstr(err, ": unsupported vectorizer.type \"hashing\"") != NULL,
             "section type: %s", err);
    TC_CHECK(tc_mjson_section(&R, o, "classifier", two, 2, &sec, &k, err) == TC_EFORMAT &&
                 strcmp(err, MANIFEST ": \"classifier\" must be an object") == 0,
             "section not an object: %s", err);
    TC_CHECK(tc_mjson_section(&R, o, "golden", two, 2, &sec, &k, err) == TC_EFORMAT &&
                 strcmp(err, MANIFEST ": missing \"golden\"") == 0,
             "no section: %s", err);
    cJSON_Delete(o);
}

static void test_numbers_and_names(void)
{
    static const struct {
        const char *json;
        double max;
        bool ok;
        size_t want;
    } u[] = {
        {"0", 5, true, 0},      {"5", 5, true, 5},       {"6", 5, false, 0},
        {"-1", 5, false, 0},    {"2.5", 5, false, 0},    {"\"3\"", 5, false, 0},
        {"true", 5, false, 0},  {"1e3", 1e9, true, 1000}, {"9007199254740992", 9007199254740992.0, true,
                                                            9007199254740992u},
    };
    for (size_t i = 0; i < sizeof u / sizeof *u; i++) {
        cJSON *j = cJSON_Parse(u[i].json);
        size_t got = 77;
        bool ok = tc_mjson_uint(j, u[i].max, &got);
        TC_CHECK(ok == u[i].ok && (!ok || got == u[i].want) && (ok || got == 77),
                 "uint %s: %d %zu", u[i].json, ok, got);
        cJSON_Delete(j);
    }
    TC_CHECK(tc_mjson_plain_name("vocab.tsv") && tc_mjson_plain_name("...") &&
                 tc_mjson_plain_name(".hidden"),
             "plain names refused");
    TC_CHECK(!tc_mjson_plain_name("") && !tc_mjson_plain_name(".") && !tc_mjson_plain_name("..") &&
                 !tc_mjson_plain_name("a/b") && !tc_mjson_plain_name("a\\b") &&
                 !tc_mjson_plain_name("/etc"),
             "non-plain names accepted");
}

static void test_files(void)
{
    cJSON *o = cJSON_Parse(DOC);
    char err[TC_ERR_LEN] = "";
    const tc_listed_file *f = NULL;
    TC_CHECK(tc_mjson_find_file(&R, "vocab.tsv") == &FILES[0] &&
                 tc_mjson_find_file(&R, "vocab") == NULL,
             "find");
    TC_CHECK(tc_mjson_file(&R, o, "", "f", &f, err) == TC_OK && f == &FILES[1], "file: %s", err);
    TC_CHECK(tc_mjson_file(&R, o, "c.", "u", &f, err) == TC_EFORMAT &&
                 strcmp(err, MANIFEST ": \"c.u\" names \"nope.txt\", which is not listed in "
                             "\"files\"") == 0,
             "unlisted: %s", err);
    TC_CHECK(tc_mjson_file(&R, o, "c.", "p", &f, err) == TC_EFORMAT &&
                 strcmp(err, MANIFEST ": \"c.p\": \"../x\" is not a plain file name inside the "
                             "model directory") == 0,
             "not plain: %s", err);
    TC_CHECK(tc_mjson_file(&R, o, "c.", "x", &f, err) == TC_EFORMAT &&
                 strcmp(err, MANIFEST ": \"c.x\" must be a string") == 0,
             "number: %s", err);
    cJSON_Delete(o);
}

TC_TESTS(TC_TEST(test_readers), TC_TEST(test_kind), TC_TEST(test_numbers_and_names),
         TC_TEST(test_files))
