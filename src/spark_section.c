/* spark_section.c - the manifest's "spark" vectorizer members (tc_spark_section.h). */
#include "tc_spark_section.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#define W "vectorizer."

static tc_status fail_member(const tc_mjson *r, const char *key, const char *want, char *err)
{
    return tc_fail(err, TC_EFORMAT, "%s: \"vectorizer.%s\" must be %s", r->path, key, want);
}

/* "tokenizer" and, for RegexTokenizer, its parameters. */
static tc_status parse_tokenizer(const tc_mjson *r, const cJSON *v, tc_spark_tokenizer_options *o,
                                 const char **pattern_out, char *err)
{
    static const char *const kinds[] = {"Tokenizer", "RegexTokenizer"};
    size_t k = 0;
    tc_status st = tc_mjson_choice(r, v, W, "tokenizer", kinds, 2, &k, err);
    if (st != TC_OK)
        return st;
    memset(o, 0, sizeof *o);
    if (k == 0) {
        o->kind = TC_SPARK_TOKENIZER;
        o->lowercase = true;
        return TC_OK;
    }
    const char *pattern = NULL;
    if ((st = tc_mjson_string(r, v, W, "pattern", &pattern, err)) != TC_OK ||
        (st = tc_mjson_bool(r, v, W, "gaps", &o->gaps, err)) != TC_OK ||
        (st = tc_mjson_bool(r, v, W, "to_lowercase", &o->lowercase, err)) != TC_OK)
        return st;
    if (pattern[0] == '\0')
        return fail_member(r, "pattern", "a non-empty regular expression", err);
    /* the default pattern splits by the hand-written path; any other through PCRE2 */
    o->kind = strcmp(pattern, "\\s+") == 0 && o->gaps ? TC_SPARK_REGEX_GAPS : TC_SPARK_REGEX_PCRE2;
    *pattern_out = o->kind == TC_SPARK_REGEX_PCRE2 ? pattern : NULL;
    const cJSON *m = tc_mjson_member(r, v, W, "min_token_length", &st, err);
    size_t ml = 0;
    if (m == NULL)
        return st;
    if (!tc_mjson_uint(m, 2147483647.0, &ml))
        return fail_member(r, "min_token_length", "an integer in 0..2^31-1", err);
    o->min_token_length = (uint32_t)ml;
    return TC_OK;
}

/* An optional file member: JSON null or a listed file name. */
static tc_status optional_file(const tc_mjson *r, const cJSON *v, const char *key,
                               const tc_listed_file **out, char *err)
{
    tc_status st;
    const cJSON *j = tc_mjson_member(r, v, W, key, &st, err);
    if (j == NULL)
        return st;
    *out = NULL;
    if (cJSON_IsNull(j))
        return TC_OK;
    if (!cJSON_IsString(j))
        return fail_member(r, key, "null or a file name", err);
    return tc_mjson_file(r, v, W, key, out, err);
}

static tc_status parse_tf(const tc_mjson *r, const cJSON *v, tc_vectorizer_section *out,
                          char *err)
{
    static const char *const tfs[] = {"HashingTF", "CountVectorizer"};
    size_t k = 0;
    tc_status st = tc_mjson_choice(r, v, W, "tf", tfs, 2, &k, err);
    if (st != TC_OK)
        return st;
    tc_spark_vectorizer_config *c = &out->spark;
    c->tf = k == 0 ? TC_SPARK_TF_HASHING : TC_SPARK_TF_COUNT;
    if (k == 0)
        return tc_mjson_exact(r, v, W, "hash", "spark_murmur3_x86_32", err);
    if ((st = tc_mjson_file(r, v, W, "vocabulary", &out->spark_vocabulary, err)) != TC_OK)
        return st;
    const cJSON *m = tc_mjson_member(r, v, W, "min_tf", &st, err);
    if (m == NULL)
        return st;
    if (!cJSON_IsNumber(m) || !isfinite(m->valuedouble) || m->valuedouble < 0.0)
        return fail_member(r, "min_tf", "a number >= 0", err);
    c->min_tf = m->valuedouble;
    return TC_OK;
}

tc_status tc_spark_section_parse(const tc_mjson *r, const cJSON *v, tc_vectorizer_section *out,
                                 char *err)
{
    tc_spark_vectorizer_config *c = &out->spark;
    memset(c, 0, sizeof *c);
    tc_status st;
    size_t nf = 0, ng = 0;
    if ((st = parse_tokenizer(r, v, &c->tokenizer, &c->pattern, err)) != TC_OK ||
        (st = optional_file(r, v, "stop_words", &out->stop_words, err)) != TC_OK)
        return st;
    const cJSON *j = tc_mjson_member(r, v, W, "ngram", &st, err);
    if (j == NULL)
        return st;
    if (!tc_mjson_uint(j, 2, &ng) || ng < 1)
        return fail_member(r, "ngram", "1 or 2", err);
    c->ngram = (unsigned)ng;
    if ((st = parse_tf(r, v, out, err)) != TC_OK ||
        (st = tc_mjson_bool(r, v, W, "binary", &c->binary, err)) != TC_OK ||
        (st = optional_file(r, v, "idf", &out->spark_idf, err)) != TC_OK)
        return st;
    if ((j = tc_mjson_member(r, v, W, "norm_p", &st, err)) == NULL)
        return st;
    size_t p = 0;
    if (!cJSON_IsNull(j) && (!tc_mjson_uint(j, 2, &p) || p < 1))
        return fail_member(r, "norm_p", "null, 1 or 2", err);
    c->norm_p = (unsigned)p;
    if ((j = tc_mjson_member(r, v, W, "n_features", &st, err)) == NULL)
        return st;
    if (!tc_mjson_uint(j, 2147483647.0, &nf) || nf == 0)
        return fail_member(r, "n_features", "an integer in 1..2^31-1", err);
    c->n_features = (uint32_t)nf;
    out->n_features = nf;
    return TC_OK;
}
