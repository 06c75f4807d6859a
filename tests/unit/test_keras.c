/* test_keras.c - Keras TextVectorization models: the tokenizer family
 * (tc_keras_tokenizer.h) on the cases the real layer was checked on, the
 * "keras_text_vectorization" section (tc_keras_section.h) and its refusals, the OOV column
 * and float32 values of the vectorizer, and the manifest's "golden_tolerance". */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/strreplace.h"
#include "../lib/tiny_model.h"
#include "tc_keras_tokenizer.h"
#include "tc_test.h"
#include "tc_vectorizer.h"
#include "tc_vectorizer_section.h"

/* Tokens of text joined by '|'. */
static tc_status tokens_of(bool lower, bool strip, const char *text, size_t len, char *out,
                           size_t cap, char *err)
{
    tc_keras_tokenizer_options o = {lower, strip};
    tc_keras_tokenizer_scratch *s = tc_keras_tokenizer_scratch_new();
    if (s == NULL)
        return TC_ENOMEM;
    tc_token_list tl;
    tc_status st = tc_keras_tokenize(&o, s, text, len, &tl, err);
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; st == TC_OK && i < tl.count && n + tl.tokens[i].len + 2 < cap; i++) {
        if (i > 0)
            out[n++] = '|';
        memcpy(out + n, tl.text + tl.tokens[i].off, tl.tokens[i].len);
        n += tl.tokens[i].len;
        out[n] = '\0';
    }
    tc_keras_tokenizer_scratch_free(&s);
    return st;
}

/* Each case as TensorFlow 2.21 gives it (tests/parity/test_keras_parity.py compares the
 * whole corpus): ASCII-only lowercasing, the 32 ASCII punctuation bytes, six whitespace
 * bytes. */
static void test_tokenizer(void)
{
    static const struct {
        bool lower, strip;
        const char *in, *want;
    } c[] = {
        {true, true, "Hello, WORLD! It's 10/10.", "hello|world|its|1010"},
        {true, false, "Hello, WORLD!", "hello,|world!"},
        {false, true, "Hello, WORLD!", "Hello|WORLD"},
        {false, false, "  Hello,\tWORLD!  ", "Hello,|WORLD!"},
        /* no Unicode case mapping: É, Σ, İ, Ａ stay */
        {true, true, "\xc3\x89T\xc3\x89 \xce\xa3OFO\xce\xa3 \xc4\xb0STANBUL \xef\xbc\xa1",
         "\xc3\x89t\xc3\x89|\xce\xa3ofo\xce\xa3|\xc4\xb0stanbul|\xef\xbc\xa1"},
        /* \v \f \r split; U+00A0, U+0085, U+2003, U+3000 and \x1c do not */
        {false, false, "a\vb\fc\rd\ne", "a|b|c|d|e"},
        {false, false, "a\xc2\xa0" "b c\xc2\x85" "d e\xe2\x80\x83" "f g\xe3\x80\x80h i\x1cj",
         "a\xc2\xa0" "b|c\xc2\x85" "d|e\xe2\x80\x83" "f|g\xe3\x80\x80h|i\x1cj"},
        /* punctuation goes before the split: "a.b" is one token, "..." none; non-ASCII
         * punctuation stays */
        {true, true, "a.b ... [UNK] \xc2\xabq\xc2\xbb \xe2\x80\x94", "ab|unk|\xc2\xabq\xc2\xbb|\xe2\x80\x94"},
        {true, true, "", ""},
        {true, true, " \t\n ", ""},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        char got[256], err[TC_ERR_LEN];
        tc_status st = tokens_of(c[i].lower, c[i].strip, c[i].in, strlen(c[i].in), got,
                                 sizeof got, err);
        TC_CHECK(st == TC_OK && strcmp(got, c[i].want) == 0, "case %zu: got \"%s\" want \"%s\"",
                 i, got, c[i].want);
    }
    /* a NUL byte is text, not a separator */
    char got[64], err[TC_ERR_LEN];
    TC_CHECK(tokens_of(false, false, "a\0b c", 5, got, sizeof got, err) == TC_OK &&
                 memcmp(got, "a\0b|c", 6) == 0,
             "NUL inside a token");
    TC_CHECK(tokens_of(true, true, "ok \xc3\x28", 5, got, sizeof got, err) == TC_EINPUT &&
                 strstr(err, "invalid UTF-8 at byte 3") != NULL,
             "invalid UTF-8: %s", err);
}

/* ---- the manifest section ----------------------------------------------------------- */

#define MANIFEST "m/manifest.json"
static const tc_listed_file FILES[] = {{.name = "vocab.tsv"}, {.name = "linear.tsv"}};
static const tc_mjson R = {MANIFEST, FILES, 2};

static const char KERAS_VEC[] =
    "\"type\": \"keras_text_vectorization\", \"vocabulary\": \"vocab.tsv\", \"n_features\": 5, "
    "\"standardize\": \"lower_and_strip_punctuation\", \"split\": \"whitespace\", "
    "\"ngram_range\": [1, 2], \"output_mode\": \"tf_idf\", \"oov_token\": \"[UNK]\", "
    "\"dtype\": \"float32\"";

static tc_status parse_section(const char *section, tc_vectorizer_section *out, char *err)
{
    char *json = malloc(strlen(section) + 32);
    if (json == NULL)
        return TC_ENOMEM;
    sprintf(json, "{\"vectorizer\": {%s}}", section);
    cJSON *root = cJSON_Parse(json);
    free(json);
    if (root == NULL)
        return tc_fail(err, TC_EINPUT, "test JSON does not parse");
    err[0] = '\0';
    tc_status st = tc_vectorizer_section_parse(&R, root, out, err);
    cJSON_Delete(root);
    return st;
}

static void test_section(void)
{
    tc_vectorizer_section s;
    char err[TC_ERR_LEN];
    TC_CHECK(parse_section(KERAS_VEC, &s, err) == TC_OK, "parse: %s", err);
    const tc_vectorizer_config *c = &s.config;
    TC_CHECK(s.kind == TC_VECTORIZER_KERAS && s.n_features == 5 && s.vocabulary == &FILES[0] &&
                 s.stop_words == NULL,
             "kind, n_features, files");
    TC_CHECK(c->tokenizer_ops == &tc_keras_tokenizer && c->tokenizer_options == &s.keras &&
                 s.keras.lower && s.keras.strip_punctuation,
             "tokenizer");
    TC_CHECK(c->ngram_min == 1 && c->ngram_max == 2 && c->use_idf && !c->binary &&
                 !c->sublinear_tf && c->norm == TC_NORM_NONE && c->float32,
             "tf_idf config");
    static const struct {
        const char *from, *to;
        bool lower, strip, binary, idf;
    } v[] = {
        {"\"lower_and_strip_punctuation\"", "\"lower\"", true, false, false, true},
        {"\"lower_and_strip_punctuation\"", "\"strip_punctuation\"", false, true, false, true},
        {"\"lower_and_strip_punctuation\"", "null", false, false, false, true},
        {"\"tf_idf\"", "\"count\"", true, true, false, false},
        {"\"tf_idf\"", "\"multi_hot\"", true, true, true, false},
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        char *sec = str_replace(KERAS_VEC, v[i].from, v[i].to);
        TC_CHECK(sec != NULL && parse_section(sec, &s, err) == TC_OK && s.keras.lower == v[i].lower &&
                     s.keras.strip_punctuation == v[i].strip && s.config.binary == v[i].binary &&
                     s.config.use_idf == v[i].idf,
                 "variation %zu: %s", i, err);
        free(sec);
    }
}

static void test_section_refusals(void)
{
    static const struct {
        const char *from, *to, *want;
    } r[] = {
        {"\"whitespace\"", "\"character\"",
         "unsupported vectorizer.split \"character\" (this textclf supports \"whitespace\")"},
        {"\"float32\"", "\"float64\"", "vectorizer.dtype \"float64\""},
        {"\"tf_idf\"", "\"int\"", "vectorizer.output_mode"},
        {"\"lower_and_strip_punctuation\"", "\"upper\"", "vectorizer.standardize"},
        {"\"[UNK]\"", "\"\"", "\"vectorizer.oov_token\" must be a non-empty string without whitespace"},
        {"\"[UNK]\"", "\"[ UNK]\"", "\"vectorizer.oov_token\" must be a non-empty string"},
        {"\"[UNK]\"", "7", "vectorizer.oov_token"},
        {"[1, 2]", "[0, 2]", "\"vectorizer.ngram_range\" must be [min, max]"},
        {"[1, 2]", "[2, 9]", "\"vectorizer.ngram_range\" must be [min, max]"},
        {"\"n_features\": 5", "\"n_features\": 0", "\"vectorizer.n_features\" must be a positive"},
        {"\"vocab.tsv\"", "\"v.tsv\"", "v.tsv"},
        {", \"oov_token\": \"[UNK]\"", "", "missing \"vectorizer.oov_token\""},
    };
    for (size_t i = 0; i < sizeof r / sizeof *r; i++) {
        char *sec = str_replace(KERAS_VEC, r[i].from, r[i].to);
        tc_vectorizer_section s;
        char err[TC_ERR_LEN] = "";
        tc_status st = sec ? parse_section(sec, &s, err) : TC_ENOMEM;
        TC_CHECK(st == TC_EFORMAT && strncmp(err, MANIFEST ": ", strlen(MANIFEST) + 2) == 0 &&
                     strstr(err, r[i].want) != NULL,
                 "refusal %zu: %s", i, err);
        free(sec);
    }
}

/* ---- the model: OOV column, float32 values, golden tolerance ------------------------- */

/* columns: 0 [UNK], 1 good, 2 bad, 3 good film, 4 film; idf as float32 values */
static const char K_VOCAB[] = "textclf-vocab\t1\t5\n"
                              "1.5\t[UNK]\n"
                              "0.10000000149011612\tgood\n"
                              "3.0\tbad\n"
                              "0.5\tgood film\n"
                              "2.0\tfilm\n";
static const char K_LINEAR[] = "textclf-linear\t1\nrows\t1\nfeatures\t5\nintercept\t-0.25\n"
                               "weights\n0.5\n1.0\n-2.0\n0.75\n0.125\n";

/* "Good, GOOD good Film!! ça ok" -> good good good film ça ok; bigrams good good (x2),
 * good film, film ça, ça ok. In the vocabulary: good x3, film, good film; everything else
 * (ça, ok and four bigrams) is one more in column 0: 6 OOV n-grams. */
static const char K_TEXT[] = "Good, GOOD good Film!! \xc3\xa7" "a ok";

static double k_decision(void)
{
    /* Keras: float32(count) * float32(idf), each product rounded to float32 */
    const double x0 = (double)(6.0f * 1.5f), x1 = (double)(3.0f * 0.1f),
                 x3 = (double)(1.0f * 0.5f), x4 = (double)(1.0f * 2.0f);
    return -0.25 + x0 * 0.5 + x1 * 1.0 + x3 * 0.75 + x4 * 0.125;
}

static void k_spec(tiny_spec *sp, tc_buf *golden, double p1_offset, const char *extra)
{
    double p1 = 1.0 / (1.0 + exp(-k_decision())) + p1_offset;
    tc_buf_clear(golden);
    tc_buf_printf(golden,
                  "{\"text\": \"Good, GOOD good Film!! \\u00e7a ok\", \"label\": \"positive\", "
                  "\"probabilities\": {\"negative\": %.17g, \"positive\": %.17g}}\n",
                  1.0 - p1, p1);
    memset(sp, 0, sizeof *sp);
    sp->vocab = K_VOCAB;
    sp->linear = K_LINEAR;
    sp->golden = golden->data;
    sp->vec = KERAS_VEC;
    sp->golden_member = extra;
}

static void test_oov_column_and_float32(void)
{
    tc_buf g = TC_BUF_INIT;
    tiny_spec sp;
    k_spec(&sp, &g, 0.0, "\"golden\": \"golden.jsonl\",\n\"golden_tolerance\": 1e-5,\n");
    tiny_loaded t;
    char err[TC_ERR_LEN] = "";
    TC_CHECK(tiny_load(&sp, NULL, &t, err) == TC_OK, "load: %s", err);
    if (t.m != NULL) {
        tc_vectorizer_scratch *vs = tc_vectorizer_scratch_new();
        tc_sparse x;
        TC_CHECK(vs != NULL && tc_vectorizer_transform(tc_model_vectorizer(t.m), vs, K_TEXT,
                                                       strlen(K_TEXT), &x, err) == TC_OK,
                 "transform: %s", err);
        double dense[5] = {0};
        for (size_t i = 0; vs != NULL && i < x.nnz; i++)
            dense[x.index[i]] = x.value[i];
        TC_CHECK(x.nnz == 4 && dense[0] == 9.0 && dense[1] == (double)(3.0f * 0.1f) &&
                     dense[1] != 3.0 * 0.10000000149011612 && dense[2] == 0.0 &&
                     dense[3] == 0.5 && dense[4] == 2.0,
                 "row: nnz %zu, %.17g %.17g %.17g %.17g %.17g", x.nnz, dense[0], dense[1],
                 dense[2], dense[3], dense[4]);
        /* no n-gram at all: column 0 stays empty */
        TC_CHECK(tc_vectorizer_transform(tc_model_vectorizer(t.m), vs, "!!", 2, &x, err) ==
                         TC_OK && x.nnz == 0,
                 "empty row");
        /* the OOV token itself lands in column 0 too (as in Keras, where it is OOV) */
        TC_CHECK(tc_vectorizer_transform(tc_model_vectorizer(t.m), vs, "[UNK]", 5, &x, err) ==
                         TC_OK && x.nnz == 1 && x.index[0] == 0 && x.value[0] == 1.5,
                 "unk is column 0 (stripped: unk, OOV)");
        tc_vectorizer_scratch_free(&vs);
        tc_prediction p;
        TC_CHECK(tc_model_predict(t.m, t.ws, K_TEXT, strlen(K_TEXT), &p, err) == TC_OK &&
                     fabs(p.values[1] - 1.0 / (1.0 + exp(-k_decision()))) < 1e-15,
                 "predict");
        TC_CHECK(tc_model_golden_tolerance(t.m) == 1e-5, "tolerance %g",
                 tc_model_golden_tolerance(t.m));
    }
    tiny_unload(&t);
    tc_buf_free(&g);
}

static void test_golden_tolerance(void)
{
    tc_buf g = TC_BUF_INIT;
    tiny_spec sp;
    tiny_loaded t;
    char err[TC_ERR_LEN] = "";
    /* golden 5e-6 off: inside a 1e-5 tolerance, outside the default 1e-9 */
    k_spec(&sp, &g, 5e-6, "\"golden\": \"golden.jsonl\",\n\"golden_tolerance\": 1e-5,\n");
    TC_CHECK(tiny_load(&sp, NULL, &t, err) == TC_OK, "1e-5 accepts 5e-6: %s", err);
    tiny_unload(&t);
    k_spec(&sp, &g, 5e-6, NULL);
    TC_CHECK(tiny_load(&sp, NULL, &t, err) == TC_EMISMATCH &&
                 strstr(err, "golden.jsonl:1: model does not reproduce") != NULL,
             "default 1e-9 refuses 5e-6: %s", err);
    tiny_unload(&t);
    k_spec(&sp, &g, 2e-5, "\"golden\": \"golden.jsonl\",\n\"golden_tolerance\": 1e-5,\n");
    TC_CHECK(tiny_load(&sp, NULL, &t, err) == TC_EMISMATCH, "1e-5 refuses 2e-5: %s", err);
    tiny_unload(&t);
    static const char *const bad[] = {"0.001", "0", "-1e-5", "\"1e-5\"", "null", "1e-13"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char member[128];
        snprintf(member, sizeof member,
                 "\"golden\": \"golden.jsonl\",\n\"golden_tolerance\": %s,\n", bad[i]);
        k_spec(&sp, &g, 0.0, member);
        TC_CHECK(tiny_load(&sp, NULL, &t, err) == TC_EFORMAT &&
                     strstr(err, "manifest.json: \"golden_tolerance\" must be a number from "
                                 "1e-12 to 0.0001") != NULL,
                 "golden_tolerance %s: %s", bad[i], err);
        tiny_unload(&t);
    }
    tc_buf_free(&g);
}

static void test_loader_refusals(void)
{
    tc_buf g = TC_BUF_INIT;
    tiny_spec sp;
    tiny_loaded t;
    char err[TC_ERR_LEN] = "";
    /* the OOV token must be the first term */
    k_spec(&sp, &g, 0.0, NULL);
    char *vec = str_replace(KERAS_VEC, "\"[UNK]\"", "\"good\"");
    sp.vec = vec;
    TC_CHECK(tiny_load(&sp, NULL, &t, err) == TC_EFORMAT &&
                 strstr(err, "OOV token \"good\" is not the vocabulary's first term") != NULL,
             "oov not first: %s", err);
    tiny_unload(&t);
    free(vec);
    /* ... and a term of the vocabulary */
    vec = str_replace(KERAS_VEC, "\"[UNK]\"", "\"<oov>\"");
    sp.vec = vec;
    TC_CHECK(tiny_load(&sp, NULL, &t, err) == TC_EFORMAT &&
                 strstr(err, "OOV token \"<oov>\" is not the vocabulary's first term") != NULL,
             "oov missing: %s", err);
    tiny_unload(&t);
    free(vec);
    /* n_features must match the vocabulary */
    vec = str_replace(KERAS_VEC, "\"n_features\": 5", "\"n_features\": 6");
    sp.vec = vec;
    TC_CHECK(tiny_load(&sp, NULL, &t, err) == TC_EFORMAT &&
                 strstr(err, "\"vectorizer.n_features\" is 6 but ") != NULL &&
                 strstr(err, "vocab.tsv has 5 terms") != NULL,
             "n_features: %s", err);
    tiny_unload(&t);
    free(vec);
    tc_buf_free(&g);
}

TC_TESTS(TC_TEST(test_tokenizer), TC_TEST(test_section), TC_TEST(test_section_refusals),
         TC_TEST(test_oov_column_and_float32), TC_TEST(test_golden_tolerance),
         TC_TEST(test_loader_refusals))
