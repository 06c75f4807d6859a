/* vectorizer_section.c - the manifest's "vectorizer" section (see
 * tc_vectorizer_section.h): one parser per kind, picked by "type" from TYPES. */
#include "tc_vectorizer_section.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <string.h>

#include "tc_keras_section.h"
#include "tc_spark_section.h"
#include "tc_char_ngrams.h"

#define W "vectorizer."

/* The members a "hashing" section has instead of "vocabulary": the HashingVectorizer's
 * own, and the TfidfTransformer's idf file (null without use_idf). */
static tc_status parse_hashing_members(const tc_mjson *r, const cJSON *v, size_t n_features,
                                       tc_vectorizer_config *cfg, const tc_listed_file **idf,
                                       char *err)
{
    static const char *const norms[] = {NULL, "l1", "l2"};
    size_t norm_i = 0;
    tc_status st;
    if (n_features > INT32_MAX)
        return tc_fail(err, TC_EFORMAT, "%s: \"vectorizer.n_features\" of a hashing vectorizer "
                       "must be at most %d", r->path, INT32_MAX);
    cfg->hash_features = (uint32_t)n_features;
    if ((st = tc_mjson_bool(r, v, W, "alternate_sign", &cfg->alternate_sign, err)) != TC_OK ||
        (st = tc_mjson_choice(r, v, W, "hashing_norm", norms, 3, &norm_i, err)) != TC_OK)
        return st;
    cfg->hash_norm = norm_i == 1 ? TC_NORM_L1 : norm_i == 2 ? TC_NORM_L2 : TC_NORM_NONE;
    const cJSON *f = tc_mjson_member(r, v, W, "idf", &st, err);
    if (f == NULL)
        return st;
    if (cJSON_IsNull(f) != !cfg->use_idf)
        return tc_fail(err, TC_EFORMAT, "%s: \"vectorizer.idf\" must be %s", r->path,
                       cfg->use_idf ? "a file name when use_idf is true" : "null without use_idf");
    *idf = NULL;
    return cJSON_IsNull(f) ? TC_OK : tc_mjson_file(r, v, W, "idf", idf, err);
}

/* The members of a "tfidf" section (hashing false) or a "hashing" one after "type", in
 * the order they are checked. */
static tc_status parse_sklearn(const tc_mjson *r, const cJSON *v, bool hashing,
                               tc_vectorizer_section *out, char *err)
{
    tc_vectorizer_config cfg;
    memset(&cfg, 0, sizeof cfg);
    static const char *const strip[] = {NULL, "ascii", "unicode"};
    static const char *const norms[] = {NULL, "l1", "l2"};
    size_t strip_i = 0, norm_i = 0, nf = 0;
    tc_status st;
    /* "char"/"char_wb": tc_char_ngrams.h, no token pattern (scikit-learn ignores it) */
    static const char *const analyzers[] = {"word", "char", "char_wb"};
    static const char *const no_pattern[] = {NULL};
    size_t an = 0, unused = 0;
    const char *pattern = NULL;
    if ((st = tc_mjson_choice(r, v, W, "analyzer", analyzers, 3, &an, err)) != TC_OK)
        return st;
    st = an == 0 ? tc_mjson_string(r, v, W, "token_pattern", &pattern, err)
                 : tc_mjson_choice(r, v, W, "token_pattern", no_pattern, 1, &unused, err);
    /* "word": the default pattern has its own tokenizer; any other is checked and
     * compiled when the vectorizer loads (tc_py_regex.h) */
    if (pattern != NULL && strcmp(pattern, "(?u)\\b\\w\\w+\\b") != 0)
        cfg.token_pattern = pattern;
    if (st != TC_OK ||
        (st = tc_mjson_exact(r, v, W, "dtype", "float64", err)) != TC_OK ||
        (st = tc_mjson_bool(r, v, W, "lowercase", &cfg.tokenizer.lowercase, err)) != TC_OK ||
        (st = tc_mjson_choice(r, v, W, "strip_accents", strip, 3, &strip_i, err)) != TC_OK ||
        (st = tc_mjson_choice(r, v, W, "norm", norms, 3, &norm_i, err)) != TC_OK ||
        (st = tc_mjson_bool(r, v, W, "binary", &cfg.binary, err)) != TC_OK ||
        (st = tc_mjson_bool(r, v, W, "sublinear_tf", &cfg.sublinear_tf, err)) != TC_OK ||
        (st = tc_mjson_bool(r, v, W, "use_idf", &cfg.use_idf, err)) != TC_OK)
        return st;
    cfg.tokenizer.strip_accents =
        strip_i == 1 ? TC_STRIP_ASCII : strip_i == 2 ? TC_STRIP_UNICODE : TC_STRIP_NONE;
    cfg.norm = norm_i == 1 ? TC_NORM_L1 : norm_i == 2 ? TC_NORM_L2 : TC_NORM_NONE;
    /* smooth_idf is informational (the idf is in the vocabulary), but typed */
    const cJSON *smooth = cJSON_GetObjectItemCaseSensitive(v, "smooth_idf");
    if (smooth != NULL && !cJSON_IsBool(smooth))
        return tc_fail(err, TC_EFORMAT, "%s: \"vectorizer.smooth_idf\" must be true or false",
                       r->path);
    const cJSON *ng = tc_mjson_member(r, v, W, "ngram_range", &st, err);
    if (ng == NULL)
        return st;
    size_t lo = 0, hi = 0;
    const unsigned limit = an == 0 ? 8u : TC_CHAR_NGRAM_LIMIT;
    if (!cJSON_IsArray(ng) || cJSON_GetArraySize(ng) != 2 ||
        !tc_mjson_uint(cJSON_GetArrayItem(ng, 0), 1e9, &lo) ||
        !tc_mjson_uint(cJSON_GetArrayItem(ng, 1), 1e9, &hi) || lo < 1 || lo > hi || hi > limit)
        return tc_fail(err, TC_EFORMAT,
                       "%s: \"vectorizer.ngram_range\" must be [min, max] with 1 <= min <= max <= %u",
                       r->path, limit);
    cfg.ngram_min = (unsigned)lo;
    cfg.ngram_max = (unsigned)hi;
    if (an != 0) {  /* each token is a whole character n-gram */
        out->char_options.pre = cfg.tokenizer;
        out->char_options.word_bounded = an == 2;
        out->char_options.min_n = (unsigned)lo;
        out->char_options.max_n = (unsigned)hi;
        cfg.tokenizer_ops = &tc_char_ngram_tokenizer;
        cfg.ngram_min = cfg.ngram_max = 1;
    }
    const cJSON *nfj = tc_mjson_member(r, v, W, "n_features", &st, err);
    if (nfj == NULL)
        return st;
    if (!tc_mjson_uint(nfj, 4294967294.0, &nf) || nf == 0)
        return tc_fail(err, TC_EFORMAT, "%s: \"vectorizer.n_features\" must be a positive integer",
                       r->path);
    const tc_listed_file *vocab = NULL, *stop = NULL, *idf = NULL;
    st = hashing ? parse_hashing_members(r, v, nf, &cfg, &idf, err)
                 : tc_mjson_file(r, v, W, "vocabulary", &vocab, err);
    if (st != TC_OK)
        return st;
    const cJSON *sw = tc_mjson_member(r, v, W, "stop_words", &st, err);
    if (sw == NULL)
        return st;
    if (!cJSON_IsNull(sw) && an != 0)
        return tc_fail(err, TC_EFORMAT, "%s: \"vectorizer.stop_words\" must be null for "
                       "analyzer \"%s\" (scikit-learn uses stop words with \"word\" only)",
                       r->path, analyzers[an]);
    if (!cJSON_IsNull(sw)) {
        if (!cJSON_IsString(sw))
            return tc_fail(err, TC_EFORMAT,
                           "%s: \"vectorizer.stop_words\" must be null or a file name", r->path);
        if ((st = tc_mjson_file(r, v, W, "stop_words", &stop, err)) != TC_OK)
            return st;
    }
    out->config = cfg;
    out->n_features = nf;
    out->vocabulary = vocab;
    out->stop_words = stop;
    out->idf = idf;
    return TC_OK;
}

static tc_status parse_tfidf(const tc_mjson *r, const cJSON *v, tc_vectorizer_section *out,
                             char *err)
{
    return parse_sklearn(r, v, false, out, err);
}

static tc_status parse_hashing(const tc_mjson *r, const cJSON *v, tc_vectorizer_section *out,
                               char *err)
{
    return parse_sklearn(r, v, true, out, err);
}

/* "union": {"n_features": N, "parts": [{"type": "tfidf", ...}, ...]}. */
static tc_status parse_union(const tc_mjson *r, const cJSON *v, tc_vectorizer_section *out,
                             char *err)
{
    tc_status st = TC_OK;
    const cJSON *parts = tc_mjson_member(r, v, W, "parts", &st, err);
    if (parts == NULL)
        return st;
    size_t n = cJSON_IsArray(parts) ? (size_t)cJSON_GetArraySize(parts) : 0;
    if (n < 2 || n > TC_UNION_MAX_PARTS)
        return tc_fail(err, TC_EFORMAT, "%s: \"vectorizer.parts\" must be an array of 2 to %u "
                       "vectorizer sections", r->path, TC_UNION_MAX_PARTS);
    size_t total = 0, nf = 0, i = 0;
    for (const cJSON *p = parts->child; p != NULL; p = p->next, i++) {
        static const char *const part_types[] = {"tfidf", "hashing"};
        size_t pt = 0;
        if (!cJSON_IsObject(p))
            return tc_fail(err, TC_EFORMAT, "%s: \"vectorizer.parts\"[%zu] must be an object",
                           r->path, i);
        if ((st = tc_mjson_choice(r, p, "vectorizer.parts[].", "type", part_types, 2, &pt,
                                  err)) != TC_OK)
            return st;
        tc_vectorizer_section one;
        memset(&one, 0, sizeof one);
        if ((st = parse_sklearn(r, p, pt == 1, &one, err)) != TC_OK)
            return st;
        tc_vectorizer_part *d = &out->parts[i];
        d->config = one.config;
        d->vocabulary = one.vocabulary;
        d->stop_words = one.stop_words;
        d->idf = one.idf;
        d->char_options = one.char_options;
        d->n_features = one.n_features;
        total += one.n_features;
    }
    const cJSON *nfj = tc_mjson_member(r, v, W, "n_features", &st, err);
    if (nfj == NULL)
        return st;
    if (!tc_mjson_uint(nfj, 4294967294.0, &nf) || nf != total)
        return tc_fail(err, TC_EFORMAT, "%s: \"vectorizer.n_features\" must be the sum of the "
                       "parts' (%zu)", r->path, total);
    out->n_parts = n;
    out->n_features = nf;
    return TC_OK;
}

typedef tc_status (*section_parser)(const tc_mjson *r, const cJSON *v, tc_vectorizer_section *out,
                                    char *err);

/* "type" -> parser; index i is tc_vectorizer_kind i. */
static const char *const TYPES[] = {"tfidf", "keras_text_vectorization", "spark", "union",
                                    "hashing"};
static const section_parser PARSERS[] = {parse_tfidf, tc_keras_vectorizer_parse,
                                         tc_spark_section_parse, parse_union, parse_hashing};
#define N_KINDS (sizeof TYPES / sizeof *TYPES)
_Static_assert(N_KINDS == sizeof PARSERS / sizeof *PARSERS, "a parser per type");

tc_status tc_vectorizer_section_parse(const tc_mjson *r, const cJSON *root,
                                      tc_vectorizer_section *out, char *err)
{
    const cJSON *v = NULL;
    size_t k = 0;
    tc_status st = tc_mjson_section(r, root, "vectorizer", TYPES, N_KINDS, &v, &k, err);
    if (st != TC_OK)
        return st;
    tc_vectorizer_section s;
    memset(&s, 0, sizeof s);
    s.kind = (tc_vectorizer_kind)k;
    if ((st = PARSERS[k](r, v, &s, err)) != TC_OK)
        return st;
    *out = s;
    if (out->kind == TC_VECTORIZER_KERAS)  /* the options now live in *out */
        out->config.tokenizer_options = &out->keras;
    if (out->config.tokenizer_ops == &tc_char_ngram_tokenizer)  /* into *out, not s */
        out->config.tokenizer_options = &out->char_options;
    for (size_t i = 0; i < out->n_parts; i++)
        if (out->parts[i].config.tokenizer_ops == &tc_char_ngram_tokenizer)
            out->parts[i].config.tokenizer_options = &out->parts[i].char_options;
    return TC_OK;
}
