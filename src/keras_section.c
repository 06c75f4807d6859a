/* keras_section.c - the "keras_text_vectorization" vectorizer section (see
 * tc_keras_section.h). */
#include "tc_keras_section.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "tc_keras_tokenizer.h"

#define W "vectorizer."

/* "ngram_range": [min, max]. Keras's ngrams=None is [1, 1], ngrams=2 and (1, 2) are [1, 2],
 * (2,) is [2, 2]; the exporter refuses tuples with gaps. */
static tc_status parse_range(const tc_mjson *r, const cJSON *v, unsigned *lo_out,
                             unsigned *hi_out, char *err)
{
    tc_status st = TC_OK;
    const cJSON *ng = tc_mjson_member(r, v, W, "ngram_range", &st, err);
    if (ng == NULL)
        return st;
    size_t lo = 0, hi = 0;
    if (!cJSON_IsArray(ng) || cJSON_GetArraySize(ng) != 2 ||
        !tc_mjson_uint(cJSON_GetArrayItem(ng, 0), 1e9, &lo) ||
        !tc_mjson_uint(cJSON_GetArrayItem(ng, 1), 1e9, &hi) || lo < 1 || lo > hi || hi > 8)
        return tc_fail(err, TC_EFORMAT,
                       "%s: \"vectorizer.ngram_range\" must be [min, max] with 1 <= min <= max <= 8",
                       r->path);
    *lo_out = (unsigned)lo;
    *hi_out = (unsigned)hi;
    return TC_OK;
}

tc_status tc_keras_vectorizer_parse(const tc_mjson *r, const cJSON *v,
                                    tc_vectorizer_section *out, char *err)
{
    static const char *const standardize[] = {NULL, "lower_and_strip_punctuation", "lower",
                                              "strip_punctuation"};
    static const char *const modes[] = {"tf_idf", "count", "multi_hot"};
    size_t std_i = 0, mode_i = 0, nf = 0;
    const char *oov = NULL;
    tc_vectorizer_config cfg;
    memset(&cfg, 0, sizeof cfg);
    tc_status st;
    if ((st = tc_mjson_exact(r, v, W, "split", "whitespace", err)) != TC_OK ||
        (st = tc_mjson_exact(r, v, W, "dtype", "float32", err)) != TC_OK ||
        (st = tc_mjson_choice(r, v, W, "standardize", standardize, 4, &std_i, err)) != TC_OK ||
        (st = tc_mjson_choice(r, v, W, "output_mode", modes, 3, &mode_i, err)) != TC_OK ||
        (st = tc_mjson_string(r, v, W, "oov_token", &oov, err)) != TC_OK)
        return st;
    if (oov[0] == '\0' || strpbrk(oov, " \t\n\v\f\r") != NULL)
        return tc_fail(err, TC_EFORMAT,
                       "%s: \"vectorizer.oov_token\" must be a non-empty string without "
                       "whitespace",
                       r->path);
    if ((st = parse_range(r, v, &cfg.ngram_min, &cfg.ngram_max, err)) != TC_OK)
        return st;
    const cJSON *nfj = tc_mjson_member(r, v, W, "n_features", &st, err);
    if (nfj == NULL)
        return st;
    if (!tc_mjson_uint(nfj, 4294967294.0, &nf) || nf == 0)
        return tc_fail(err, TC_EFORMAT, "%s: \"vectorizer.n_features\" must be a positive integer",
                       r->path);
    const tc_listed_file *vocab = NULL;
    if ((st = tc_mjson_file(r, v, W, "vocabulary", &vocab, err)) != TC_OK)
        return st;
    out->keras.lower = std_i == 1 || std_i == 2;
    out->keras.strip_punctuation = std_i == 1 || std_i == 3;
    cfg.tokenizer_ops = &tc_keras_tokenizer;
    cfg.tokenizer_options = &out->keras;
    cfg.binary = mode_i == 2;    /* multi_hot: 1 for every term present */
    cfg.use_idf = mode_i == 0;   /* tf_idf: count * idf, no norm, no sublinear tf */
    cfg.norm = TC_NORM_NONE;
    cfg.oov_term = oov;
    cfg.float32 = true;
    out->config = cfg;
    out->n_features = nf;
    out->vocabulary = vocab;
    out->stop_words = NULL;
    return TC_OK;
}
