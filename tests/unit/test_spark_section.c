/* test_spark_section.c - the "spark" kind of the manifest's vectorizer section
 * (tc_spark_section.h): a full section read into its configuration, the tokenizer and
 * tf variants, and every refusal with the member it names. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/strreplace.h"
#include "tc_test.h"
#include "tc_vectorizer_section.h"

static const tc_listed_file FILES[] = {
    {.name = "terms.txt"}, {.name = "stopwords.txt"}, {.name = "idf.txt"}, {.name = "linear.tsv"}};
static const tc_mjson R = {"m/manifest.json", FILES, sizeof FILES / sizeof *FILES};

#define HASHING                                                                             \
    "\"type\": \"spark\", \"n_features\": 262144, \"tokenizer\": \"Tokenizer\", "            \
    "\"stop_words\": \"stopwords.txt\", \"ngram\": 2, \"tf\": \"HashingTF\", "               \
    "\"hash\": \"spark_murmur3_x86_32\", \"binary\": true, \"idf\": \"idf.txt\", \"norm_p\": 2"
#define COUNT                                                                               \
    "\"type\": \"spark\", \"n_features\": 3, \"tokenizer\": \"RegexTokenizer\", "            \
    "\"pattern\": \"\\\\s+\", \"gaps\": true, \"to_lowercase\": false, "                     \
    "\"min_token_length\": 2, \"stop_words\": null, \"ngram\": 1, "                          \
    "\"tf\": \"CountVectorizer\", \"vocabulary\": \"terms.txt\", \"min_tf\": 0.5, "          \
    "\"binary\": false, \"idf\": null, \"norm_p\": null"

static cJSON *root;  /* kept while a section's pattern is looked at */

static tc_status parse(const char *section, tc_vectorizer_section *out, char *err)
{
    char *json = malloc(strlen(section) + 32);
    if (json == NULL)
        return TC_ENOMEM;
    sprintf(json, "{\"vectorizer\": {%s}}", section);
    cJSON_Delete(root);
    root = cJSON_Parse(json);
    free(json);
    if (root == NULL)
        return tc_fail(err, TC_EINPUT, "test JSON does not parse");
    err[0] = '\0';
    return tc_vectorizer_section_parse(&R, root, out, err);
}

static void test_sections(void)
{
    tc_vectorizer_section s;
    char err[TC_ERR_LEN];
    TC_CHECK(parse(HASHING, &s, err) == TC_OK, "hashing: %s", err);
    const tc_spark_vectorizer_config *c = &s.spark;
    TC_CHECK(s.kind == TC_VECTORIZER_SPARK && s.n_features == 262144 &&
                 c->tokenizer.kind == TC_SPARK_TOKENIZER && c->tokenizer.lowercase &&
                 c->ngram == 2 && c->tf == TC_SPARK_TF_HASHING && c->binary && c->norm_p == 2 &&
                 s.stop_words == &FILES[1] && s.spark_idf == &FILES[2] &&
                 s.spark_vocabulary == NULL,
             "hashing config");
    TC_CHECK(parse(COUNT, &s, err) == TC_OK, "count: %s", err);
    TC_CHECK(c->tokenizer.kind == TC_SPARK_REGEX_GAPS && !c->tokenizer.lowercase &&
                 c->tokenizer.min_token_length == 2 && c->tf == TC_SPARK_TF_COUNT &&
                 c->min_tf == 0.5 && c->norm_p == 0 && s.spark_vocabulary == &FILES[0] &&
                 s.spark_idf == NULL && s.stop_words == NULL && c->pattern == NULL,
             "count config");
    char *pc = str_replace(COUNT, "\"gaps\": true", "\"gaps\": false");
    TC_CHECK(pc && parse(pc, &s, err) == TC_OK && c->tokenizer.kind == TC_SPARK_REGEX_PCRE2 &&
                 c->pattern != NULL && strcmp(c->pattern, "\\s+") == 0 && !c->tokenizer.gaps,
             "gaps false goes to PCRE2: %s", err);
    free(pc);
}

static void test_refusals(void)
{
    static const struct {
        const char *base, *from, *to, *member;
    } v[] = {
        {HASHING, "\"Tokenizer\"", "\"NLTK\"", "vectorizer.tokenizer"},
        {HASHING, "\"ngram\": 2", "\"ngram\": 3", "vectorizer.ngram"},
        {HASHING, "\"ngram\": 2", "\"ngram\": 0", "vectorizer.ngram"},
        {HASHING, "\"norm_p\": 2", "\"norm_p\": 3", "vectorizer.norm_p"},
        {HASHING, "\"norm_p\": 2", "\"norm_p\": \"l2\"", "vectorizer.norm_p"},
        {HASHING, "\"HashingTF\"", "\"FeatureHasher\"", "vectorizer.tf"},
        {HASHING, "spark_murmur3_x86_32", "sklearn_murmur3", "vectorizer.hash"},
        {HASHING, "\"idf\": \"idf.txt\"", "\"idf\": \"other.txt\"", "idf"},
        {HASHING, "\"idf\": \"idf.txt\"", "\"idf\": 1", "vectorizer.idf"},
        {HASHING, "\"binary\": true", "\"binary\": 1", "vectorizer.binary"},
        {HASHING, "\"n_features\": 262144", "\"n_features\": 0", "vectorizer.n_features"},
        {HASHING, "\"n_features\": 262144", "\"n_features\": 2147483648", "vectorizer.n_features"},
        {COUNT, "\"min_tf\": 0.5", "\"min_tf\": -1", "vectorizer.min_tf"},
        {COUNT, "\"vocabulary\": \"terms.txt\", ", "", "vectorizer.vocabulary"},
        {COUNT, "\"pattern\": \"\\\\s+\"", "\"pattern\": \"\"", "vectorizer.pattern"},
        {COUNT, "\"min_token_length\": 2", "\"min_token_length\": -1",
         "vectorizer.min_token_length"},
        {COUNT, "\"to_lowercase\": false, ", "", "vectorizer.to_lowercase"},
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        char *sec = str_replace(v[i].base, v[i].from, v[i].to);
        TC_CHECK(sec != NULL, "stale pattern %zu", i);
        if (sec == NULL)
            continue;
        tc_vectorizer_section s;
        char err[TC_ERR_LEN];
        tc_status st = parse(sec, &s, err);
        free(sec);
        TC_CHECK(st == TC_EFORMAT && strstr(err, "m/manifest.json") && strstr(err, v[i].member),
                 "case %zu: status %d, %s (want %s)", i, (int)st, err, v[i].member);
    }
    cJSON_Delete(root);
    root = NULL;
}

TC_TESTS(TC_TEST(test_sections), TC_TEST(test_refusals))
