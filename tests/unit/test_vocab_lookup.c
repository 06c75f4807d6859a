/* test_vocab_lookup.c - a document's n-grams looked up in the vocabulary index, from
 * token lists built here (so they can hold what no tokenizer of today makes: empty
 * tokens, words with and without a bigram filter hit): the term nodes found, as a
 * multiset of columns, against a brute-force reference that joins the tokens with
 * spaces and searches the term list, for random documents and every n-gram range
 * 1 <= min <= max <= 4, with stop words; hits[] sized exactly as the contract says
 * (ASan checks the writes). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_buf.h"
#include "tc_test.h"
#include "tc_vocab_lookup.h"

/* "" is a token of length 0; "x" is in no term; "s" is a stop word (also a term). */
static const char *const WORDS[] = {"a", "b", "", "ab", "a_word_longer_than_16", "x", "s",
                                    "ünï"};
enum { NW = sizeof WORDS / sizeof *WORDS, MAXT = 512 };

typedef struct vocab {
    char terms[MAXT][80];
    size_t n;
} vocab;

static void add_term(vocab *v, const char *const *w, size_t n)
{
    char *t = v->terms[v->n++];
    t[0] = '\0';
    for (size_t k = 0; k < n; k++) {
        if (k)
            strcat(t, " ");
        strcat(t, w[k]);
    }
}

/* Terms: each word but "x"; bigrams of the words 0..4 but a few; some trigrams and
 * 4-grams (with empty parts among them); "s" as a term, so dropping it matters. */
static void make_vocab(vocab *v)
{
    v->n = 0;
    for (size_t i = 0; i < NW; i++)
        if (strcmp(WORDS[i], "x") != 0 && WORDS[i][0] != '\0')
            add_term(v, &WORDS[i], 1);
    for (size_t i = 0; i < 5; i++)
        for (size_t j = 0; j < 5; j++)
            if ((i * 5 + j) % 4 != 3) {
                const char *w[2] = {WORDS[i], WORDS[j]};
                add_term(v, w, 2);
            }
    for (size_t i = 0; i < 5; i++) {
        const char *w3[3] = {WORDS[i], WORDS[(i + 2) % 5], WORDS[(i + 1) % 5]};
        add_term(v, w3, 3);
        const char *w4[4] = {WORDS[i], WORDS[(i + 1) % 5], WORDS[(i + 3) % 5], WORDS[i]};
        add_term(v, w4, 4);
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Columns of the in-vocabulary n-grams of the tokens w[0..n) (stop word "s" dropped). */
static size_t reference(const vocab *v, const char *const *w, size_t n, unsigned lo,
                        unsigned hi, uint32_t *out)
{
    const char *kept[64];
    size_t k = 0, m = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(w[i], "s") != 0)
            kept[k++] = w[i];
    for (unsigned g = lo; g <= hi; g++)
        for (size_t i = 0; i + g <= k; i++) {
            char key[400] = "";
            for (unsigned q = 0; q < g; q++) {
                if (q)
                    strcat(key, " ");
                strcat(key, kept[i + q]);
            }
            for (size_t t = 0; t < v->n; t++)
                if (strcmp(key, v->terms[t]) == 0)
                    out[m++] = (uint32_t)t;
        }
    return m;
}

static void test_random_against_reference(void)
{
    static vocab v;
    make_vocab(&v);
    tc_buf text = TC_BUF_INIT;
    tc_buf_printf(&text, "textclf-vocab\t1\t%zu\n", v.n);
    for (size_t t = 0; t < v.n; t++)
        tc_buf_printf(&text, "%g\t%s\n", 1.0 + (double)(t % 7), v.terms[t]);
    tc_vocab_file f;
    tc_vocab_index *ix = NULL;
    char err[TC_ERR_LEN] = "";
    tc_status st = tc_vocab_file_parse("v", text.data, text.len, &f, err);
    if (st == TC_OK) {
        st = tc_vocab_index_build("v", &f, &ix, err);
        tc_vocab_file_release(&f);
    }
    static const tc_stop_word stop[] = {{"s", 1}};
    if (st == TC_OK)
        st = tc_vocab_index_add_stop_words(ix, "s", stop, 1, err);
    tc_vocab_lookup_scratch *s = tc_vocab_lookup_scratch_new();
    TC_CHECK(st == TC_OK && s != NULL, "setup: %s", err);
    uint64_t rng = 2024;
    size_t docs = 0, bad = 0, total = 0;
    char first[300] = "";
    for (int d = 0; st == TC_OK && s != NULL && d < 3000; d++) {
        rng = rng * 6364136223846793005u + 1442695040888963407u;
        size_t n = (size_t)(rng >> 33) % 40;
        unsigned lo = 1 + (unsigned)(rng >> 20) % 4, hi = lo + (unsigned)(rng >> 24) % (5 - lo);
        const char *w[64];
        tc_buf doc = TC_BUF_INIT;
        tc_token toks[64];
        for (size_t i = 0; i < n; i++) {
            rng = rng * 6364136223846793005u + 1442695040888963407u;
            w[i] = WORDS[(rng >> 33) % ((rng >> 20) % 3 ? 5 : NW)];
            toks[i] = (tc_token){(uint32_t)doc.len, (uint32_t)strlen(w[i])};
            tc_buf_append_str(&doc, w[i]);
            tc_buf_append_char(&doc, (char)('!' + (rng >> 50) % 20));  /* any separator */
        }
        tc_buf_append_str(&doc, "\xff\xff\xff\xff\xff\xff\xff\xff");  /* TC_TOKEN_PAD */
        tc_token_list tl = {doc.data, toks, n};
        uint32_t *hits = malloc((n * (hi - lo + 1) + (n == 0)) * sizeof *hits);
        uint32_t want[200];
        size_t nh = 0;
        if (hits == NULL ||
            tc_vocab_lookup(ix, s, &tl, lo, hi, hits, &nh, err) != TC_OK) {
            TC_CHECK(false, "lookup: %s", err);
            free(hits);
            tc_buf_free(&doc);
            break;
        }
        const unsigned cb = tc_vocab_index_nodes(ix)->class_bits;
        for (size_t i = 0; i < nh; i++)
            hits[i] >>= cb;
        size_t nw = reference(&v, w, n, lo, hi, want);
        qsort(hits, nh, sizeof *hits, cmp_u32);
        qsort(want, nw, sizeof *want, cmp_u32);
        if ((nh != nw || memcmp(hits, want, nh * sizeof *hits) != 0) && bad++ == 0)
            snprintf(first, sizeof first, "doc %d, %zu tokens, range (%u, %u): %zu hits, want %zu",
                     d, n, lo, hi, nh, nw);
        total += nw;
        docs++;
        free(hits);
        tc_buf_free(&doc);
    }
    TC_CHECK(bad == 0, "%zu documents differ; first: %s", bad, first);
    TC_CHECK(docs == 3000 && total > 20000, "%zu documents, %zu hits in all", docs, total);
    tc_vocab_lookup_scratch_free(&s);
    tc_vocab_lookup_scratch_free(&s);
    tc_vocab_index_free(&ix);
    tc_buf_free(&text);
}

TC_TESTS(TC_TEST(test_random_against_reference))
