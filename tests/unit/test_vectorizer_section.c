/* test_vectorizer_section.c - the manifest's "vectorizer" section
 * (tc_vectorizer_section.h): the tiny model's section and its variations read into the
 * configuration they mean (strip_accents, norm, n-grams, booleans, files), and every
 * refusal, each with the exact message naming the manifest and the member. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/strreplace.h"
#include "../lib/tiny_model.h"
#include "tc_test.h"
#include "tc_vectorizer_section.h"

#define MANIFEST "m/manifest.json"

static const tc_listed_file FILES[] = {
    {.name = "vocab.tsv"}, {.name = "stopwords.txt"}, {.name = "linear.tsv"}};
static const tc_mjson R = {MANIFEST, FILES, sizeof FILES / sizeof *FILES};

/* Parses {"vectorizer": {<section>}} (section NULL: no vectorizer member). */
static tc_status parse(const char *section, tc_vectorizer_section *out, char *err)
{
    char *json = malloc(strlen(section ? section : "") + 32);
    if (json == NULL)
        return TC_ENOMEM;
    sprintf(json, section ? "{\"vectorizer\": {%s}}" : "{}", section);
    cJSON *root = cJSON_Parse(json);
    free(json);
    if (root == NULL)
        return tc_fail(err, TC_EINPUT, "test JSON does not parse");
    err[0] = '\0';
    tc_status st = tc_vectorizer_section_parse(&R, root, out, err);
    cJSON_Delete(root);
    return st;
}

static void test_tiny_section(void)
{
    tc_vectorizer_section s;
    char err[TC_ERR_LEN];
    TC_CHECK(parse(TINY_VEC, &s, err) == TC_OK, "tiny: %s", err);
    TC_CHECK(s.kind == TC_VECTORIZER_TFIDF && s.n_features == 5, "kind/n_features");
    const tc_vectorizer_config *c = &s.config;
    TC_CHECK(c->tokenizer.lowercase && c->tokenizer.strip_accents == TC_STRIP_NONE &&
                 c->ngram_min == 1 && c->ngram_max == 2 && !c->binary && c->sublinear_tf &&
                 c->use_idf && c->norm == TC_NORM_L2,
             "config");
    TC_CHECK(s.vocabulary == &FILES[0] && s.stop_words == NULL, "files");
    TC_CHECK(c->token_pattern == NULL, "the default token_pattern has its own tokenizer");
}

/* One variation each: what changes in the configuration. */
static void test_variations(void)
{
    static const struct {
        const char *from, *to;
    } v[] = {
        {"\"strip_accents\": null", "\"strip_accents\": \"ascii\""},
        {"\"strip_accents\": null", "\"strip_accents\": \"unicode\""},
        {"\"norm\": \"l2\"", "\"norm\": \"l1\""},
        {"\"norm\": \"l2\"", "\"norm\": null"},
        {"\"lowercase\": true", "\"lowercase\": false"},
        {"\"binary\": false, \"sublinear_tf\": true, \"use_idf\": true",
         "\"binary\": true, \"sublinear_tf\": false, \"use_idf\": false"},
        {"[1, 2]", "[3, 8]"},
        {"\"stop_words\": null", "\"stop_words\": \"stopwords.txt\""},
        {", \"smooth_idf\": true", ""},
        {"\"n_features\": 5", "\"n_features\": 4294967294"},
        {"\\\\w\\\\w+", "\\\\w+"},  /* a custom token_pattern, compiled at load */
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        char *sec = str_replace(TINY_VEC, v[i].from, v[i].to);
        TC_CHECK(sec != NULL, "stale pattern %zu", i);
        if (sec == NULL)
            continue;
        tc_vectorizer_section s;
        char err[TC_ERR_LEN];
        tc_status st = parse(sec, &s, err);
        free(sec);
        TC_CHECK(st == TC_OK, "variation %zu: %s", i, err);
        if (st != TC_OK)
            continue;
        const tc_vectorizer_config *c = &s.config;
        bool ok = true;
        switch (i) {
        case 0: ok = c->tokenizer.strip_accents == TC_STRIP_ASCII; break;
        case 1: ok = c->tokenizer.strip_accents == TC_STRIP_UNICODE; break;
        case 2: ok = c->norm == TC_NORM_L1; break;
        case 3: ok = c->norm == TC_NORM_NONE; break;
        case 4: ok = !c->tokenizer.lowercase; break;
        case 5: ok = c->binary && !c->sublinear_tf && !c->use_idf; break;
        case 6: ok = c->ngram_min == 3 && c->ngram_max == 8; break;
        case 7: ok = s.stop_words == &FILES[1]; break;
        case 8: ok = true; break;  /* smooth_idf is optional */
        case 9: ok = s.n_features == 4294967294u; break;
        case 10: ok = c->token_pattern != NULL && c->tokenizer_ops == NULL; break;
        }
        TC_CHECK(ok, "variation %zu: %s -> %s not read", i, v[i].from, v[i].to);
    }
}

static void test_refusals(void)
{
    static const struct {
        const char *from, *to;  /* from NULL: the section is `to` verbatim */
        const char *want;       /* the message, after "m/manifest.json: " */
    } cases[] = {
        {"\"tfidf\"", "\"count\"",
         "unsupported vectorizer.type \"count\" (expected one of \"tfidf\", "
         "\"keras_text_vectorization\", \"spark\", \"union\", \"hashing\")"},
        {"\"type\": \"tfidf\"", "\"type\": 1",
         "\"vectorizer.type\" must be one of \"tfidf\", \"keras_text_vectorization\", \"spark\", "
         "\"union\""},
        {"\"type\": \"tfidf\", ", "", "missing \"vectorizer.type\""},
        {"\"word\"", "\"chars\"",
         "unsupported vectorizer.analyzer \"chars\" (expected one of \"word\", \"char\", "
         "\"char_wb\")"},
        {"\"word\"", "\"char\"",
         "unsupported vectorizer.token_pattern \"(?u)\\b\\w\\w+\\b\" (expected one of null)"},
        {"\"token_pattern\": \"(?u)\\\\b\\\\w\\\\w+\\\\b\"", "\"token_pattern\": 1",
         "\"vectorizer.token_pattern\" must be a string"},
        {"\"float64\"", "\"float32\"", "unsupported vectorizer.dtype \"float32\""},
        {"\"strip_accents\": null", "\"strip_accents\": \"latin\"",
         "unsupported vectorizer.strip_accents \"latin\" (expected one of null, \"ascii\", "
         "\"unicode\")"},
        {"\"strip_accents\": null", "\"strip_accents\": false",
         "\"vectorizer.strip_accents\" must be one of null, \"ascii\", \"unicode\""},
        {"\"norm\": \"l2\"", "\"norm\": \"max\"", "unsupported vectorizer.norm \"max\""},
        {"\"binary\": false", "\"binary\": 0", "\"vectorizer.binary\" must be true or false"},
        {"\"lowercase\": true, ", "", "missing \"vectorizer.lowercase\""},
        {"\"smooth_idf\": true", "\"smooth_idf\": \"yes\"",
         "\"vectorizer.smooth_idf\" must be true or false"},
        {"[1, 2]", "[0, 2]",
         "\"vectorizer.ngram_range\" must be [min, max] with 1 <= min <= max <= 8"},
        {"[1, 2]", "[2, 1]", "\"vectorizer.ngram_range\" must be"},
        {"[1, 2]", "[1, 9]", "\"vectorizer.ngram_range\" must be"},
        {"[1, 2]", "[1]", "\"vectorizer.ngram_range\" must be"},
        {"[1, 2]", "[1, 2.5]", "\"vectorizer.ngram_range\" must be"},
        {"[1, 2]", "\"1,2\"", "\"vectorizer.ngram_range\" must be"},
        {"\"ngram_range\": [1, 2], ", "", "missing \"vectorizer.ngram_range\""},
        {"\"n_features\": 5", "\"n_features\": 0",
         "\"vectorizer.n_features\" must be a positive integer"},
        {"\"n_features\": 5", "\"n_features\": 4294967295",
         "\"vectorizer.n_features\" must be a positive integer"},
        {"\"n_features\": 5", "\"n_features\": -5", "\"vectorizer.n_features\" must be"},
        {"\"stop_words\": null", "\"stop_words\": 3",
         "\"vectorizer.stop_words\" must be null or a file name"},
        {"\"stop_words\": null", "\"stop_words\": \"none.txt\"",
         "\"vectorizer.stop_words\" names \"none.txt\", which is not listed in \"files\""},
        {"\"vocab.tsv\"", "\"../vocab.tsv\"",
         "\"vectorizer.vocabulary\": \"../vocab.tsv\" is not a plain file name inside the "
         "model directory"},
        {"\"vocab.tsv\"", "\"other.tsv\"",
         "\"vectorizer.vocabulary\" names \"other.tsv\", which is not listed in \"files\""},
        {"\"vocabulary\": \"vocab.tsv\", ", "", "missing \"vectorizer.vocabulary\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *sec = str_replace(TINY_VEC, cases[i].from, cases[i].to);
        TC_CHECK(sec != NULL, "stale pattern %zu", i);
        if (sec == NULL)
            continue;
        tc_vectorizer_section s;
        char err[TC_ERR_LEN], want[TC_ERR_LEN];
        tc_status st = parse(sec, &s, err);
        free(sec);
        snprintf(want, sizeof want, MANIFEST ": %s", cases[i].want);
        TC_CHECK(st == TC_EFORMAT && strncmp(err, want, strlen(want)) == 0,
                 "case %zu: %d \"%.200s\", expected \"%.200s\"", i, (int)st, err, want);
    }
    tc_vectorizer_section s;
    char err[TC_ERR_LEN];
    TC_CHECK(parse(NULL, &s, err) == TC_EFORMAT &&
                 strcmp(err, MANIFEST ": missing \"vectorizer\"") == 0,
             "no section: %s", err);
    cJSON *root = cJSON_Parse("{\"vectorizer\": [1]}");
    TC_CHECK(tc_vectorizer_section_parse(&R, root, &s, err) == TC_EFORMAT &&
                 strcmp(err, MANIFEST ": \"vectorizer\" must be an object") == 0,
             "array section: %s", err);
    cJSON_Delete(root);
}

/* analyzer "char"/"char_wb": the char n-gram family with its range, tokens counted as
 * unigrams; no token pattern, no stop words, n-grams up to 32 characters. */
static void test_char_analyzers(void)
{
    char *a = str_replace(TINY_VEC, "\"(?u)\\\\b\\\\w\\\\w+\\\\b\", \"analyzer\": \"word\", "
                                    "\"ngram_range\": [1, 2]",
                          "null, \"analyzer\": \"char_wb\", \"ngram_range\": [2, 30]");
    TC_CHECK(a != NULL, "stale pattern");
    if (a == NULL)
        return;
    tc_vectorizer_section s;
    char err[TC_ERR_LEN];
    TC_CHECK(parse(a, &s, err) == TC_OK, "char_wb: %s", err);
    TC_CHECK(s.config.tokenizer_ops == &tc_char_ngram_tokenizer && s.config.ngram_min == 1 &&
                 s.config.ngram_max == 1 && s.char_options.word_bounded &&
                 s.char_options.min_n == 2 && s.char_options.max_n == 30 &&
                 s.char_options.pre.lowercase, "char_wb options");
    static const struct {
        const char *from, *to, *want;
    } bad[] = {
        {"[2, 30]", "[2, 33]", "\"vectorizer.ngram_range\" must be [min, max] with 1 <= min <= "
                               "max <= 32"},
        {"\"stop_words\": null", "\"stop_words\": \"vocab.tsv\"",
         "\"vectorizer.stop_words\" must be null for analyzer \"char_wb\""},
        {"null, \"analyzer\"", "\"\\\\S+\", \"analyzer\"",
         "unsupported vectorizer.token_pattern \"\\S+\" (expected one of null)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *sec = str_replace(a, bad[i].from, bad[i].to);
        TC_CHECK(sec != NULL, "stale pattern %zu", i);
        if (sec == NULL)
            continue;
        char want[TC_ERR_LEN];
        tc_status st = parse(sec, &s, err);
        free(sec);
        snprintf(want, sizeof want, MANIFEST ": %s", bad[i].want);
        TC_CHECK(st == TC_EFORMAT && strncmp(err, want, strlen(want)) == 0,
                 "case %zu: %d \"%.200s\"", i, (int)st, err);
    }
    free(a);
}

/* "union": two "tfidf" parts (a word one and a char_wb one), columns added up. */
static void test_union(void)
{
    char *charpart = str_replace(TINY_VEC, "\"(?u)\\\\b\\\\w\\\\w+\\\\b\", \"analyzer\": \"word\"",
                                 "null, \"analyzer\": \"char_wb\"");
    size_t need = strlen(TINY_VEC) + (charpart ? strlen(charpart) : 0) + 128;
    char *u = malloc(need);
    TC_CHECK(charpart != NULL && u != NULL, "setup");
    if (charpart == NULL || u == NULL) {
        free(charpart);
        free(u);
        return;
    }
    snprintf(u, need, "\"type\": \"union\", \"n_features\": 10, \"parts\": [{%s}, {%s}]",
             TINY_VEC, charpart);
    tc_vectorizer_section s;
    char err[TC_ERR_LEN];
    TC_CHECK(parse(u, &s, err) == TC_OK, "union: %s", err);
    TC_CHECK(s.kind == TC_VECTORIZER_UNION && s.n_parts == 2 && s.n_features == 10 &&
                 s.parts[0].config.tokenizer_ops == NULL &&
                 s.parts[1].config.tokenizer_ops == &tc_char_ngram_tokenizer &&
                 s.parts[1].config.tokenizer_options == &s.parts[1].char_options &&
                 s.parts[1].char_options.word_bounded && s.parts[0].vocabulary != NULL,
             "union parts");
    static const struct {
        const char *from, *to, *want;
    } bad[] = {
        {"\"n_features\": 10, ", "\"n_features\": 11, ",
         "\"vectorizer.n_features\" must be the sum of the parts' (10)"},
        {"\"parts\": [{", "\"parts\": [3, {", "\"vectorizer.parts\"[0] must be an object"},
        {"\"parts\": [", "\"parts\": [], \"x\": [", "\"vectorizer.parts\" must be an array of 2 to 8"},
        {"\"parts\": [{", "\"parts\": [\"x\", {", "\"vectorizer.parts\"[0] must be an object"},
        {"[{\"type\": \"tfidf\"", "[{\"type\": \"union\"",
         "unsupported vectorizer.parts[].type \"union\""},
        {"\"parts\": ", "\"prats\": ", "missing \"vectorizer.parts\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *sec = str_replace(u, bad[i].from, bad[i].to);
        TC_CHECK(sec != NULL, "stale pattern %zu", i);
        if (sec == NULL)
            continue;
        char want[TC_ERR_LEN];
        tc_status st = parse(sec, &s, err);
        free(sec);
        snprintf(want, sizeof want, MANIFEST ": %s", bad[i].want);
        TC_CHECK(st == TC_EFORMAT && strncmp(err, want, strlen(want)) == 0,
                 "case %zu: %d \"%.200s\"", i, (int)st, err);
    }
    free(charpart);
    free(u);
}

/* "hashing": the HashingVectorizer's members instead of "vocabulary", the idf file with
 * use_idf, as a section and as a union part; and each refusal. */
static void test_hashing(void)
{
    char *h = str_replace(TINY_VEC, "\"type\": \"tfidf\", \"vocabulary\": \"vocab.tsv\"",
                          "\"type\": \"hashing\", \"alternate_sign\": true, \"hashing_norm\": "
                          "\"l1\", \"idf\": \"vocab.tsv\"");
    TC_CHECK(h != NULL, "setup");
    if (h == NULL)
        return;
    tc_vectorizer_section s;
    char err[TC_ERR_LEN];
    TC_CHECK(parse(h, &s, err) == TC_OK, "hashing: %s", err);
    TC_CHECK(s.kind == TC_VECTORIZER_HASHING && s.n_features == 5 &&
                 s.config.hash_features == 5 && s.config.alternate_sign &&
                 s.config.hash_norm == TC_NORM_L1 && s.config.use_idf &&
                 s.idf == &FILES[0] && s.vocabulary == NULL,
             "hashing config");
    char u[2048];
    snprintf(u, sizeof u, "\"type\": \"union\", \"n_features\": 10, \"parts\": [{%s}, {%s}]",
             TINY_VEC, h);
    TC_CHECK(parse(u, &s, err) == TC_OK, "hashing part: %s", err);
    TC_CHECK(s.kind == TC_VECTORIZER_UNION && s.parts[1].config.hash_features == 5 &&
                 s.parts[1].idf == &FILES[0] && s.parts[1].vocabulary == NULL &&
                 s.parts[0].config.hash_features == 0,
             "hashing part config");
    static const struct {
        const char *from, *to, *want;
    } bad[] = {
        {"\"idf\": \"vocab.tsv\"", "\"idf\": null",
         "\"vectorizer.idf\" must be a file name when use_idf is true"},
        {"\"use_idf\": true", "\"use_idf\": false", "\"vectorizer.idf\" must be null without use_idf"},
        {"\"idf\": \"vocab.tsv\"", "\"idf\": \"nope.tsv\"", "nope.tsv"},
        {"\"alternate_sign\": true", "\"alternate_sign\": 1", "\"vectorizer.alternate_sign\""},
        {"\"hashing_norm\": \"l1\"", "\"hashing_norm\": \"max\"", "vectorizer.hashing_norm \"max\""},
        {"\"n_features\": 5", "\"n_features\": 2147483648",
         "\"vectorizer.n_features\" of a hashing vectorizer must be at most 2147483647"},
        {", \"idf\": \"vocab.tsv\"", "", "missing \"vectorizer.idf\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *sec = str_replace(h, bad[i].from, bad[i].to);
        TC_CHECK(sec != NULL, "stale pattern %zu", i);
        if (sec == NULL)
            continue;
        TC_CHECK(parse(sec, &s, err) == TC_EFORMAT && strstr(err, bad[i].want) != NULL &&
                     strstr(err, MANIFEST) != NULL,
                 "case %zu: \"%s\" (want \"%s\")", i, err, bad[i].want);
        free(sec);
    }
    free(h);
}

TC_TESTS(TC_TEST(test_tiny_section), TC_TEST(test_variations), TC_TEST(test_refusals),
         TC_TEST(test_char_analyzers), TC_TEST(test_union), TC_TEST(test_hashing))
