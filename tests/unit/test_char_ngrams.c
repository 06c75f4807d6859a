/* test_char_ngrams.c - scikit-learn's char and char_wb analyzers (tc_char_ngrams.h): the
 * n-grams of a few texts (whitespace runs, single non-space whitespace, Unicode spaces,
 * final sigma, accents, the escape byte itself, the empty text) compared with what
 * scikit-learn 1.2's build_analyzer() gives, escaped as vocab.tsv holds them. The
 * expected lists were printed by CountVectorizer(...).build_analyzer() and sorted. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tc_char_ngrams.h"
#include "tc_test.h"

static const struct {
    bool wb;
    unsigned lo, hi;
    bool lower;  /* false: lowercase=False, strip_accents="unicode" */
    const char *text, *want;  /* want: the sorted n-grams joined by '|' */
    size_t n;
} CASES[] = {
    {false, 1, 2, true, "Ab \011\343\200\200c\011d", "\001s|\001sc|\001t|\001td|a|ab|b|b\001s|c|c\001t|d", 11},
    {true, 2, 4, true, "ab  \316\243c\342\200\250\303\251 x", "\001sa|\001sab|\001sab\001s|\001sx|\001sx\001s|\001s\303\251|\001s\303\251\001s|\001s\317\203|\001s\317\203c|\001s\317\203c\001s|ab|ab\001s|b\001s|c\001s|x\001s|\303\251\001s|\317\203c|\317\203c\001s", 18},
    {true, 3, 3, true, "a bb ccc", "\001sa\001s|\001sbb|\001scc|bb\001s|cc\001s|ccc", 6},
    {false, 3, 5, true, "x\001y z", "\001\001y\001s|\001\001y\001sz|x\001\001y|x\001\001y\001s|x\001\001y\001sz|y\001sz", 6},
    {true, 1, 1, true, "", "", 0},
    {true, 2, 3, false, "Caf\303\251 NA\303\217VE\015\012", "\001sC|\001sCa|\001sN|\001sNA|AI|AIV|Ca|Caf|E\001s|IV|IVE|NA|NAI|VE|VE\001s|af|afe|e\001s|fe|fe\001s", 20},
};

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_against_sklearn(void)
{
    void *s = tc_char_ngram_tokenizer.scratch_new();
    TC_CHECK(s != NULL, "scratch");
    for (size_t c = 0; s != NULL && c < sizeof CASES / sizeof *CASES; c++) {
        tc_char_ngram_options o;
        memset(&o, 0, sizeof o);
        o.pre.lowercase = CASES[c].lower;
        o.pre.strip_accents = CASES[c].lower ? TC_STRIP_NONE : TC_STRIP_UNICODE;
        o.word_bounded = CASES[c].wb;
        o.min_n = CASES[c].lo;
        o.max_n = CASES[c].hi;
        tc_token_list tl;
        char err[TC_ERR_LEN];
        tc_status st = tc_char_ngram_tokenizer.tokenize(&o, s, CASES[c].text,
                                                        strlen(CASES[c].text), &tl, err);
        TC_CHECK(st == TC_OK, "case %zu: %s", c, err);
        if (st != TC_OK)
            continue;
        TC_CHECK(tl.count == CASES[c].n, "case %zu: %zu n-grams, sklearn %zu", c, tl.count,
                 CASES[c].n);
        char **g = calloc(tl.count + 1, sizeof *g);
        size_t total = 1;
        for (size_t i = 0; g != NULL && i < tl.count; i++) {
            g[i] = strndup(tl.text + tl.tokens[i].off, tl.tokens[i].len);
            total += tl.tokens[i].len + 1;
        }
        if (g == NULL)
            continue;
        qsort(g, tl.count, sizeof *g, cmp);
        char *joined = calloc(total, 1);
        for (size_t i = 0; joined != NULL && i < tl.count; i++) {
            if (i > 0)
                strcat(joined, "|");
            strcat(joined, g[i]);
        }
        TC_CHECK(joined != NULL && strcmp(joined, CASES[c].want) == 0,
                 "case %zu: got \"%s\"", c, joined ? joined : "(oom)");
        for (size_t i = 0; i < tl.count; i++)
            free(g[i]);
        free(g);
        free(joined);
    }
    tc_char_ngram_tokenizer.scratch_free(s);
}

static void test_refusals(void)
{
    void *s = tc_char_ngram_tokenizer.scratch_new();
    tc_char_ngram_options o;
    memset(&o, 0, sizeof o);
    o.min_n = 2;
    o.max_n = 33;
    tc_token_list tl;
    char err[TC_ERR_LEN];
    TC_CHECK(tc_char_ngram_tokenizer.tokenize(&o, s, "abc", 3, &tl, err) == TC_EINPUT,
             "range above 32 refused");
    o.max_n = 3;
    TC_CHECK(tc_char_ngram_tokenizer.tokenize(&o, s, "a\xff", 2, &tl, err) == TC_EINPUT &&
                 strstr(err, "invalid UTF-8 at byte offset 1") != NULL, "invalid UTF-8: %s", err);
    tc_char_ngram_tokenizer.scratch_free(s);
}

TC_TESTS(TC_TEST(test_against_sklearn), TC_TEST(test_refusals))
