/* test_vocab_index.c - building the vocabulary index: every kind of duplicate term
 * refused with both lines named (one-word terms, which go in most frequent first;
 * bigrams, whose frequent eighth goes first; longer n-grams; terms of more parts than
 * any n-gram range; late in a large file), and what the tables hold: each word's node
 * (term node = column and idf class, decoded back to the term's idf; n-gram-only
 * words above TC_TERM_LIMIT; stop words TC_NODE_STOP, also over a vocabulary word),
 * each n-gram's edge chain, the bigram filter only with multi-word terms. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_buf.h"
#include "tc_edgetab_inline.h"
#include "tc_test.h"
#include "tc_vocab_index.h"
#include "tc_wordtab_inline.h"

/* Parses and indexes text; the status, err filled. */
static tc_status build(const char *name, const char *text, size_t len, tc_vocab_index **ix,
                       char *err)
{
    tc_vocab_file f;
    tc_status st = tc_vocab_file_parse(name, text, len, &f, err);
    if (st != TC_OK)
        return st;
    st = tc_vocab_index_build(name, &f, ix, err);
    TC_CHECK(f.idf == NULL, "the index takes the idf array");
    tc_vocab_file_release(&f);
    return st;
}

static void test_duplicate_terms(void)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"textclf-vocab\t1\t3\n1.0\tgood movie\n2.0\tx\n1.0\tgood movie\n",
         "vocab.tsv:4: duplicate term \"good movie\" (first at line 2)"},
        /* one-word terms go in by idf: the later copy (lower idf) goes in first, and the
         * message still names the later line as the duplicate */
        {"textclf-vocab\t1\t3\n3.0\tgood\n1.0\tbad\n1.0\tgood\n",
         "vocab.tsv:4: duplicate term \"good\" (first at line 2)"},
        {"textclf-vocab\t1\t3\n1.0\tgood\n1.0\tbad\n3.0\tgood\n",
         "vocab.tsv:4: duplicate term \"good\" (first at line 2)"},
        /* the most frequent eighth of the bigrams goes in first: same for two-word terms */
        {"textclf-vocab\t1\t9\n3.0\tgood movie\n2.0\ta b\n2.0\tc d\n2.0\te f\n2.0\tg h\n"
         "2.0\ti j\n2.0\tk l\n2.0\tm n\n1.0\tgood movie\n",
         "vocab.tsv:10: duplicate term \"good movie\" (first at line 2)"},
        {"textclf-vocab\t1\t4\n1.0\ta b c\n1.0\ta b\n1.0\tb c\n1.0\ta b c\n",
         "vocab.tsv:5: duplicate term \"a b c\" (first at line 2)"},
        {"textclf-vocab\t1\t3\n1.0\t1 2 3 4 5 6 7 8 9\n1.0\tx\n2.0\t1 2 3 4 5 6 7 8 9\n",
         "vocab.tsv:4: duplicate term \"1 2 3 4 5 6 7 8 9\" (first at line 2)"},
        /* words and n-grams with an empty part (two spaces) are terms like any other */
        {"textclf-vocab\t1\t3\n1.0\ta  b\n1.0\ta\n1.0\ta  b\n",
         "vocab.tsv:4: duplicate term \"a  b\" (first at line 2)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tc_vocab_index *ix = NULL;
        char err[TC_ERR_LEN] = "";
        tc_status st = build("vocab.tsv", cases[i].text, strlen(cases[i].text), &ix, err);
        TC_CHECK(st == TC_EFORMAT && ix == NULL && strcmp(err, cases[i].want) == 0,
                 "case %zu: status %d \"%s\", expected \"%s\"", i, (int)st, err, cases[i].want);
        tc_vocab_index_free(&ix);
    }
    /* a duplicate far into a large file (past the loader's batches) names both lines */
    tc_buf big = TC_BUF_INIT;
    tc_buf_printf(&big, "textclf-vocab\t1\t%d\n", 10001);
    for (int i = 0; i < 10000; i++)
        tc_buf_printf(&big, "1.5\tterm%d\n", i);
    tc_buf_printf(&big, "1.5\tterm%d\n", 4321);
    tc_vocab_index *ix = NULL;
    char err[TC_ERR_LEN] = "";
    tc_status st = build("big.tsv", big.data, big.len, &ix, err);
    TC_CHECK(st == TC_EFORMAT &&
                 strcmp(err, "big.tsv:10002: duplicate term \"term4321\" (first at line 4323)") == 0,
             "late duplicate: %s", err);
    tc_vocab_index_free(&ix);
    tc_buf_free(&big);
}

static uint32_t word(const tc_vocab_index *ix, const char *w)
{
    return tc_wordtab_find(tc_vocab_index_words(ix), w, strlen(w));
}

static uint64_t pair_hash(const char *a, const char *b)
{
    uint64_t ha = tc_wordtab_hash(a, strlen(a), tc_wordtab_enc(a, strlen(a)));
    return tc_edgetab_pair_hash(ha, tc_wordtab_hash(b, strlen(b), tc_wordtab_enc(b, strlen(b))));
}

/* The node of n-gram "w0 w1 ... " by walking its edges; TC_NODE_NONE if absent. */
static uint32_t ngram(const tc_vocab_index *ix, const char *const *w, size_t n)
{
    const tc_edgetab *e = tc_vocab_index_edges(ix);
    uint32_t node = word(ix, w[0]);
    for (size_t k = 1; k < n && node != TC_NODE_NONE; k++) {
        uint32_t wn = word(ix, w[k]);
        if (wn == TC_NODE_NONE)
            return TC_NODE_NONE;
        uint64_t key = tc_edgetab_key(node, wn);
        uint32_t b = k == 1 ? tc_edgetab_bucket_of_hash(e, pair_hash(w[0], w[1]))
                            : tc_edgetab_bucket_of(e, key);
        node = tc_edgetab_find(e, key, b);
    }
    return node;
}

static void test_tables(void)
{
    static const char text[] = "textclf-vocab\t1\t6\n"
                               "1.5\tbad\n"          /* 0 */
                               "3.0\tgood movie\n"   /* 1 */
                               "1.5\tgood\n"         /* 2 */
                               "2.0\tvery good movie\n" /* 3: "very good" is no term */
                               "2.5\tthe\n"          /* 4: made a stop word below */
                               "2.5\tnaïve café\n";  /* 5 */
    static const double idf[] = {1.5, 3.0, 1.5, 2.0, 2.5, 2.5};
    tc_vocab_index *ix = NULL;
    char err[TC_ERR_LEN] = "";
    if (build("v", text, sizeof text - 1, &ix, err) != TC_OK) {
        TC_CHECK(false, "build: %s", err);
        return;
    }
    const tc_idf_classes *nodes = tc_vocab_index_nodes(ix);
    TC_CHECK(tc_vocab_index_n_terms(ix) == 6 && tc_vocab_index_count_map(ix) != NULL, "n_terms");
    TC_CHECK(nodes->class_bits > 0 && nodes->n_classes == 4, "4 idf classes (%zu)",
             nodes->n_classes);
    const char *terms[][3] = {{"bad"}, {"good", "movie"}, {"good"}, {"very", "good", "movie"},
                              {"the"}, {"naïve", "café"}};
    const size_t parts[] = {1, 2, 1, 3, 1, 2};
    for (uint32_t j = 0; j < 6; j++) {
        uint32_t tn = ngram(ix, terms[j], parts[j]);
        TC_CHECK(tn < TC_TERM_LIMIT && tn >> nodes->class_bits == j &&
                     nodes->idf_tab[tn & nodes->class_mask] == idf[j],
                 "term %u: node %u", j, tn);
        TC_CHECK(parts[j] == 1 || tc_edgetab_filter_has(tc_vocab_index_edges(ix),
                                                        pair_hash(terms[j][0], terms[j][1])),
                 "term %u: its first two words pass the bigram filter", j);
    }
    TC_CHECK(word(ix, "movie") >= TC_TERM_LIMIT && word(ix, "movie") < TC_NODE_LIMIT &&
                 word(ix, "very") >= TC_TERM_LIMIT && word(ix, "naïve") >= TC_TERM_LIMIT,
             "n-gram-only words are not term nodes");
    const char *very_good[] = {"very", "good"}, *movie_good[] = {"movie", "good"};
    uint32_t prefix = ngram(ix, very_good, 2);
    TC_CHECK(prefix >= TC_TERM_LIMIT && prefix != TC_NODE_NONE, "prefix \"very good\": %u",
             prefix);
    TC_CHECK(ngram(ix, movie_good, 2) == TC_NODE_NONE && word(ix, "café au") == TC_NODE_NONE,
             "absent n-grams");
    static const tc_stop_word stop[] = {{"the", 3}, {"a", 1}};
    TC_CHECK(tc_vocab_index_add_stop_words(ix, "s", stop, 2, err) == TC_OK, "stop words: %s", err);
    TC_CHECK(word(ix, "the") == TC_NODE_STOP && word(ix, "a") == TC_NODE_STOP &&
                 word(ix, "bad") < TC_TERM_LIMIT,
             "stop words, also over a vocabulary word");
    tc_vocab_index_free(&ix);
    TC_CHECK(ix == NULL, "free clears the pointer");
    /* one-word terms only: no bigram filter */
    static const char uni[] = "textclf-vocab\t1\t2\n1\ta\n2\tb\n";
    TC_CHECK(build("u", uni, sizeof uni - 1, &ix, err) == TC_OK &&
                 tc_vocab_index_edges(ix)->filter == NULL,
             "unigram vocabulary: %s", err);
    tc_vocab_index_free(&ix);
}

TC_TESTS(TC_TEST(test_duplicate_terms), TC_TEST(test_tables))
