/* test_tokens.c - the tokenizer seam (tc_tokens.h): scikit-learn's tokenizer behind
 * tc_tokenizer_ops gives exactly what tc_tokenize gives; a family of the test's own
 * (a split at a separator that keeps empty fields, so tokens of length 0 occur)
 * drives the vectorizer, which copies its options at load and reports them; a
 * scratch moves between vectorizers of different families; a family named without
 * options is refused. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_test.h"
#include "tc_tokenizer.h"
#include "tc_tokens.h"
#include "tc_vectorizer.h"

/* column: 0 bad, 1 good movie, 2 good, 3 movie */
static const char VOCAB[] = "textclf-vocab\t1\t4\n1.5\tbad\n3.0\tgood movie\n1.5\tgood\n1.25\tmovie\n";

static tc_vectorizer_config base_cfg(void)
{
    tc_vectorizer_config c;
    memset(&c, 0, sizeof c);
    c.tokenizer.lowercase = true;
    c.ngram_min = 1;
    c.ngram_max = 2;
    c.use_idf = false;
    c.norm = TC_NORM_NONE;
    return c;
}

static tc_vectorizer *load_text(const tc_vectorizer_config *cfg, const char *vocab, size_t len)
{
    tc_vectorizer *v = NULL;
    char err[TC_ERR_LEN] = "";
    tc_status st = tc_vectorizer_load_mem(cfg, "vocab.tsv", vocab, len, NULL, NULL, 0, &v, err);
    TC_CHECK(st == TC_OK, "load: %s", err);
    return v;
}

/* tc_sklearn_tokenizer.tokenize == tc_tokenize, tokens, text and errors alike. */
static void test_sklearn_family(void)
{
    const tc_tokenizer_ops *ops = &tc_sklearn_tokenizer;
    TC_CHECK(ops->options_size == sizeof(tc_tokenizer_options) && ops->name != NULL,
             "options_size %zu", ops->options_size);
    static const char *const texts[] = {"", "a", "Good movie, GOOD!", "naïve CAFÉ ΣΑΣ", "x\xff y"};
    void *a = ops->scratch_new();
    tc_tokenizer_scratch *b = tc_tokenizer_scratch_new();
    for (size_t i = 0; a != NULL && b != NULL && i < sizeof texts / sizeof *texts; i++)
        for (int strip = 0; strip < 3; strip++) {
            tc_tokenizer_options o = {strip != 1, (tc_strip_accents)strip, false};
            tc_token_list x = {0}, y = {0};
            char ex[TC_ERR_LEN] = "", ey[TC_ERR_LEN] = "";
            size_t len = strlen(texts[i]);
            tc_status sx = ops->tokenize(&o, a, texts[i], len, &x, ex);
            tc_status sy = tc_tokenize(&o, b, texts[i], len, &y, ey);
            bool same = sx == sy && strcmp(ex, ey) == 0 && x.count == y.count;
            for (size_t k = 0; same && sx == TC_OK && k < x.count; k++)
                same = x.tokens[k].len == y.tokens[k].len &&
                       memcmp(x.text + x.tokens[k].off, y.text + y.tokens[k].off,
                              x.tokens[k].len) == 0;
            TC_CHECK(same, "text %zu strip %d: status %d/%d, %zu/%zu tokens", i, strip, (int)sx,
                     (int)sy, x.count, y.count);
        }
    TC_CHECK(a != NULL && b != NULL, "scratch_new");
    ops->scratch_free(a);
    ops->scratch_free(NULL);
    tc_tokenizer_scratch_free(&b);
}

/* A tokenizer family of the test's own, behind tc_tokenizer_ops: splits the text at
 * every `sep` byte and keeps the empty fields (as Java's String.split does inside a
 * string), so tokens of length 0 reach the vectorizer. */
typedef struct split_options {
    char sep;
} split_options;

typedef struct split_scratch {
    char *text;
    tc_token *tok;
} split_scratch;

static void *split_scratch_new(void) { return calloc(1, sizeof(split_scratch)); }

static void split_scratch_free(void *p)
{
    split_scratch *s = p;
    if (s != NULL) {
        free(s->text);
        free(s->tok);
    }
    free(s);
}

static tc_status split_tokenize(const void *options, void *scratch, const char *text, size_t len,
                                tc_token_list *out, char *err)
{
    const split_options *o = options;
    split_scratch *s = scratch;
    free(s->text);
    free(s->tok);
    s->text = malloc(len + TC_TOKEN_PAD);
    s->tok = malloc((len + 1) * sizeof *s->tok);
    if (s->text == NULL || s->tok == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    memcpy(s->text, text, len);
    memset(s->text + len, 0x55, TC_TOKEN_PAD);  /* the pad's values are unspecified */
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= len; i++)
        if (i == len || text[i] == o->sep) {
            s->tok[n++] = (tc_token){(uint32_t)start, (uint32_t)(i - start)};
            start = i + 1;
        }
    out->text = s->text;
    out->tokens = s->tok;
    out->count = n;
    return TC_OK;
}

static const tc_tokenizer_ops split_tokenizer = {"split", sizeof(split_options),
                                                  split_scratch_new, split_scratch_free,
                                                  split_tokenize};

static void test_split_family_drives_vectorizer(void)
{
    /* columns: 0 "a", 1 "b", 2 "a  b" (a, the empty word, b), 3 " b" (the empty word, b),
     * 4 "ab" */
    static const char vocab[] = "textclf-vocab\t1\t5\n1\ta\n1\tb\n1\ta  b\n1\t b\n1\tab\n";
    tc_vectorizer_config c = base_cfg();
    c.ngram_max = 3;
    split_options opt = {','};
    c.tokenizer_ops = &split_tokenizer;
    c.tokenizer_options = &opt;
    tc_vectorizer *v = load_text(&c, vocab, sizeof vocab - 1);
    opt.sep = ';';  /* the vectorizer copied the options at load */
    tc_vectorizer_scratch *s = tc_vectorizer_scratch_new();
    if (v == NULL || s == NULL) {
        TC_CHECK(false, "setup");
        goto out;
    }
    TC_CHECK(tc_vectorizer_config_of(v)->tokenizer_ops == &split_tokenizer &&
                 ((const split_options *)tc_vectorizer_config_of(v)->tokenizer_options)->sep == ',',
             "config_of reports the family and the copied options");
    /* tokens a | "" | b | ab | "" | b: a 1, b 2, ab 1, "a  b" 1, " b" 2 */
    static const char text[] = "a,,b,ab,,b";
    const double want[5] = {1, 2, 1, 2, 1};
    tc_sparse x = {0};
    char err[TC_ERR_LEN] = "";
    tc_status st = tc_vectorizer_transform(v, s, text, sizeof text - 1, &x, err);
    TC_CHECK(st == TC_OK && x.nnz == 5, "transform: %s (nnz %zu)", err, x.nnz);
    for (size_t k = 0; st == TC_OK && k < x.nnz && k < 5; k++)
        TC_CHECK(x.index[k] == k && x.value[k] == want[k], "column %zu: %u = %g, want %g", k,
                 x.index[k], x.value[k], want[k]);
    /* the same scratch then serves a vectorizer of another family (scikit-learn's) */
    c = base_cfg();
    tc_vectorizer *w = load_text(&c, VOCAB, strlen(VOCAB));
    st = w != NULL ? tc_vectorizer_transform(w, s, "bad movie", 9, &x, err) : TC_EINPUT;
    TC_CHECK(st == TC_OK && x.nnz == 2 && x.index[0] == 0 && x.index[1] == 3,
             "scikit-learn's family after the split family: %s", err);
    tc_vectorizer_free(&w);
out:
    tc_vectorizer_scratch_free(&s);
    tc_vectorizer_free(&v);
}

/* Options in the config's family fields win over cfg.tokenizer; a family without
 * options is refused. */
static void test_sklearn_family_named_in_config(void)
{
    tc_vectorizer_config c = base_cfg();  /* cfg.tokenizer: lowercase */
    tc_tokenizer_options sk = {false, TC_STRIP_NONE, true};
    c.tokenizer_ops = &tc_sklearn_tokenizer;
    c.tokenizer_options = &sk;
    tc_vectorizer *w = load_text(&c, VOCAB, strlen(VOCAB));
    tc_vectorizer_scratch *s = tc_vectorizer_scratch_new();
    tc_sparse y = {0};
    char err[TC_ERR_LEN] = "";
    tc_status st = w != NULL && s != NULL
                       ? tc_vectorizer_transform(w, s, "GOOD movie good", 15, &y, err)
                       : TC_EINPUT;
    TC_CHECK(st == TC_OK && y.nnz == 2 && y.index[0] == 2 && y.index[1] == 3,
             "lowercase=false through tc_sklearn_tokenizer: %s (nnz %zu)", err, y.nnz);
    tc_vectorizer_free(&w);
    c.tokenizer_options = NULL;
    char lerr[TC_ERR_LEN] = "";
    TC_CHECK(tc_vectorizer_load_mem(&c, "vocab.tsv", VOCAB, strlen(VOCAB), NULL, NULL, 0, &w,
                                    lerr) == TC_EFORMAT &&
                 w == NULL && strstr(lerr, "without options") != NULL,
             "a family without options: %s", lerr);
    tc_vectorizer_scratch_free(&s);
}

TC_TESTS(TC_TEST(test_sklearn_family), TC_TEST(test_split_family_drives_vectorizer),
         TC_TEST(test_sklearn_family_named_in_config))
