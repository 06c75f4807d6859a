/* test_vectorizer.c - TfidfVectorizer.transform semantics (counts, n-grams over the
 * stop-word-filtered tokens, binary, sublinear tf, idf, l1/l2/none, ascending columns)
 * against values worked out by hand and against a brute-force reference written here;
 * load errors of every stage coming out with file:line. The file formats' checks are
 * in test_vocab_file.c, duplicate terms in test_vocab_index.c, other tokenizer
 * families in test_tokens.c. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/model_fixture.h"
#include "tc_buf.h"
#include "tc_test.h"
#include "tc_tokenizer.h"
#include "tc_vectorizer.h"

/* column: 0 bad, 1 good movie, 2 good, 3 movie, 4 very good, 5 naïve café, 6 naïve */
static const char VOCAB[] = "textclf-vocab\t1\t7\n"
                            "1.5\tbad\n"
                            "3.0\tgood movie\n"
                            "1.5\tgood\n"
                            "1.25\tmovie\n"
                            "2.0\tvery good\n"
                            "2.5\tnaïve café\n"
                            "1.75\tnaïve\n";
static const double IDF[] = {1.5, 3.0, 1.5, 1.25, 2.0, 2.5, 1.75};

static tc_vectorizer_config base_cfg(void)
{
    tc_vectorizer_config c;
    memset(&c, 0, sizeof c);
    c.tokenizer.lowercase = true;
    c.tokenizer.strip_accents = TC_STRIP_NONE;
    c.ngram_min = 1;
    c.ngram_max = 2;
    c.use_idf = true;
    c.norm = TC_NORM_L2;
    return c;
}

/* The vectorizer of vocab[0..len) and stop words `stop` (NULL: none); NULL, with a
 * failed check, if it does not load. */
static tc_vectorizer *load_text(const tc_vectorizer_config *cfg, const char *vocab, size_t len,
                                const char *stop)
{
    tc_vectorizer *v = NULL;
    char err[TC_ERR_LEN] = "";
    tc_status st = tc_vectorizer_load_mem(cfg, "vocab.tsv", vocab, len, "stop.txt", stop,
                                          stop ? strlen(stop) : 0, &v, err);
    TC_CHECK(st == TC_OK, "load: %s", err);
    return v;
}

static tc_vectorizer *load(const tc_vectorizer_config *cfg, const char *stop)
{
    return load_text(cfg, VOCAB, strlen(VOCAB), stop);
}

/* Compares a transform result with expected dense values (7 columns). */
static void expect_row(const tc_sparse *x, const double want[7], const char *what)
{
    size_t k = 0;
    for (uint32_t j = 0; j < 7; j++) {
        double got = 0.0;
        if (k < x->nnz && x->index[k] == j)
            got = x->value[k++];
        TC_CHECK(fabs(got - want[j]) <= 1e-15 * fmax(1.0, fabs(want[j])),
                 "%s: column %u = %.17g, expected %.17g", what, j, got, want[j]);
    }
    TC_CHECK(k == x->nnz, "%s: %zu stray entries", what, x->nnz - k);
    for (size_t i = 1; i < x->nnz; i++)
        TC_CHECK(x->index[i - 1] < x->index[i], "%s: columns not ascending", what);
    for (size_t i = 0; i < x->nnz; i++)
        TC_CHECK(x->value[i] != 0.0, "%s: explicit zero stored", what);
}

static void normalize(double v[7], tc_norm norm)
{
    double s = 0.0;
    for (int j = 0; j < 7; j++)
        s += norm == TC_NORM_L2 ? v[j] * v[j] : fabs(v[j]);
    if (norm == TC_NORM_L2)
        s = sqrt(s);
    if (norm != TC_NORM_NONE && s > 0.0)
        for (int j = 0; j < 7; j++)
            v[j] /= s;
}

static void run_case(const tc_vectorizer_config *cfg, const char *stop, const char *text,
                     const double tf[7], const char *what)
{
    tc_vectorizer *v = load(cfg, stop);
    tc_vectorizer_scratch *s = tc_vectorizer_scratch_new();
    if (v == NULL || s == NULL) {
        TC_CHECK(false, "%s: setup", what);
        tc_vectorizer_free(&v);
        tc_vectorizer_scratch_free(&s);
        return;
    }
    double want[7];
    for (int j = 0; j < 7; j++) {
        double x = tf[j];
        if (x != 0.0 && cfg->binary)
            x = 1.0;
        if (x != 0.0 && cfg->sublinear_tf)
            x = 1.0 + log(x);
        if (cfg->use_idf)
            x *= IDF[j];
        want[j] = x;
    }
    normalize(want, cfg->norm);
    tc_sparse x;
    char err[TC_ERR_LEN] = "";
    tc_status st = tc_vectorizer_transform(v, s, text, strlen(text), &x, err);
    TC_CHECK(st == TC_OK, "%s: transform: %s", what, err);
    if (st == TC_OK)
        expect_row(&x, want, what);
    /* the scratch is reusable: same result a second time, after another text */
    tc_vectorizer_transform(v, s, "bad bad bad movie", 17, &x, err);
    st = tc_vectorizer_transform(v, s, text, strlen(text), &x, err);
    if (st == TC_OK)
        expect_row(&x, want, what);
    tc_vectorizer_scratch_free(&s);
    tc_vectorizer_free(&v);
}

static void test_weighting_by_hand(void)
{
    /* "Good movie, GOOD!" -> tokens good movie good: good 2, movie 1, "good movie" 1 */
    const char *text = "Good movie, GOOD!";
    const double tf[7] = {0, 1, 2, 1, 0, 0, 0};
    static const struct {
        bool binary, sublinear, idf;
        tc_norm norm;
        const char *name;
    } weighting[] = {
        {false, false, true, TC_NORM_L2, "l2 idf"},
        {false, true, true, TC_NORM_L2, "l2 idf sublinear"},
        {true, true, true, TC_NORM_L2, "l2 idf binary sublinear"},
        {true, false, true, TC_NORM_L2, "binary"},
        {false, false, true, TC_NORM_L1, "l1"},
        {false, false, true, TC_NORM_NONE, "no norm"},
        {false, false, false, TC_NORM_NONE, "counts only"},
        {false, false, false, TC_NORM_L2, "l2 without idf"},
    };
    tc_vectorizer_config c;
    for (size_t i = 0; i < sizeof weighting / sizeof *weighting; i++) {
        c = base_cfg();
        c.binary = weighting[i].binary;
        c.sublinear_tf = weighting[i].sublinear;
        c.use_idf = weighting[i].idf;
        c.norm = weighting[i].norm;
        run_case(&c, NULL, text, tf, weighting[i].name);
    }
    /* n-gram ranges */
    c = base_cfg();
    c.ngram_min = c.ngram_max = 1;
    const double uni[7] = {0, 0, 2, 1, 0, 0, 0};
    run_case(&c, NULL, text, uni, "unigrams only");
    c.ngram_min = 2;
    c.ngram_max = 3;
    const double bi[7] = {0, 1, 0, 0, 0, 0, 0};
    run_case(&c, NULL, text, bi, "bigrams and trigrams only");
    /* no token in the vocabulary / empty text: empty row */
    c = base_cfg();
    const double none[7] = {0};
    run_case(&c, NULL, "", none, "empty text");
    run_case(&c, NULL, "x y z unknown words, a b", none, "all out of vocabulary");
    /* UTF-8 terms: lowercase applies, bigram joined with one space */
    const double utf[7] = {0, 0, 0, 0, 0, 1, 2};
    run_case(&c, NULL, "NAÏVE café   naïve", utf, "UTF-8 unigram + bigram");
}

static void test_stop_words(void)
{
    const char *stop = "textclf-stopwords\t1\t2\nmovie\nnot\n";
    tc_vectorizer_config c = base_cfg();
    /* "movie" removed before n-grams: good good -> good 2, "good good" not in vocab */
    const double t1[7] = {0, 0, 2, 0, 0, 0, 0};
    run_case(&c, stop, "good movie good", t1, "stop word removed");
    /* bigram formed across a removed stop word, as sklearn does */
    const double t2[7] = {0, 0, 1, 0, 1, 0, 0};
    run_case(&c, stop, "very not good", t2, "bigram across removed stop word");
    /* stop words apply after lowercasing */
    run_case(&c, stop, "very NOT good", t2, "stop word after lowercase");
}

/* Longer n-grams whose prefixes are not terms themselves, with every n-gram range that
 * reaches them: the vectorizer must still walk those prefixes (its bigram filter holds
 * the first two words of every term, not just the two-word terms). */
static void test_ngrams_with_prefixes_that_are_not_terms(void)
{
    static const char vocab[] = "textclf-vocab\t1\t4\n"
                                "2\talpha beta gamma\n"
                                "3\tbeta gamma\n"
                                "1.5\tdelta epsilon zeta eta\n"
                                "4\tomega\n";
    const char *text = "Alpha beta gamma delta epsilon zeta eta, beta gamma omega alpha beta";
    for (unsigned lo = 1; lo <= 4; lo++)
        for (unsigned hi = lo; hi <= 4; hi++) {
            tc_vectorizer_config c = base_cfg();
            c.ngram_min = lo;
            c.ngram_max = hi;
            c.use_idf = false;
            c.norm = TC_NORM_NONE;
            tc_vectorizer *v = load_text(&c, vocab, sizeof vocab - 1, NULL);
            if (v == NULL)
                continue;
            char err[TC_ERR_LEN];
            tc_vectorizer_scratch *s = tc_vectorizer_scratch_new();
            tc_sparse x = {0};
            TC_CHECK(s != NULL &&
                         tc_vectorizer_transform(v, s, text, strlen(text), &x, err) == TC_OK,
                     "transform: %s", err);
            /* counts of columns 0..3: n-gram lengths 3, 2, 4, 1 */
            const unsigned len_of[4] = {3, 2, 4, 1};
            const double count_of[4] = {1, 2, 1, 1};
            size_t k = 0;
            for (uint32_t col = 0; col < 4; col++) {
                double want = len_of[col] >= lo && len_of[col] <= hi ? count_of[col] : 0.0;
                double got = k < x.nnz && x.index[k] == col ? x.value[k++] : 0.0;
                TC_CHECK(got == want, "ngram_range (%u, %u) column %u: got %g, want %g", lo, hi,
                         (unsigned)col, got, want);
            }
            TC_CHECK(k == x.nnz, "ngram_range (%u, %u): %zu extra columns", lo, hi, x.nnz - k);
            tc_vectorizer_scratch_free(&s);
            tc_vectorizer_free(&v);
        }
}

static void test_invalid_utf8_and_config(void)
{
    tc_vectorizer_config c = base_cfg();
    tc_vectorizer *v = load(&c, NULL);
    tc_vectorizer_scratch *s = tc_vectorizer_scratch_new();
    if (v != NULL && s != NULL) {
        tc_sparse x;
        char err[TC_ERR_LEN] = "";
        tc_status st = tc_vectorizer_transform(v, s, "good \xff movie", 12, &x, err);
        TC_CHECK(st == TC_EINPUT, "invalid UTF-8 -> TC_EINPUT, got %d", (int)st);
        st = tc_vectorizer_transform(v, s, "good movie", 10, &x, err);
        TC_CHECK(st == TC_OK && x.nnz == 3, "scratch usable after an error (nnz %zu)", x.nnz);
        TC_CHECK(tc_vectorizer_n_features(v) == 7, "n_features");
        TC_CHECK(tc_vectorizer_config_of(v)->ngram_max == 2, "config_of");
    }
    tc_vectorizer_scratch_free(&s);
    tc_vectorizer_free(&v);
    static const unsigned bad[][2] = {{0, 1}, {2, 1}, {1, 9}, {9, 9}};
    for (size_t i = 0; i < 4; i++) {
        c.ngram_min = bad[i][0];
        c.ngram_max = bad[i][1];
        char err[TC_ERR_LEN] = "";
        tc_status st = tc_vectorizer_load_mem(&c, "vocab.tsv", VOCAB, strlen(VOCAB), NULL, NULL,
                                              0, &v, err);
        TC_CHECK(st == TC_EFORMAT && strstr(err, "ngram_range") != NULL, "ngram [%u, %u]: %s",
                 bad[i][0], bad[i][1], err);
    }
}

/* Transforms text's bytes into *x; on failure a failed check, and text is freed. */
static bool transform_buf(const tc_vectorizer *v, tc_vectorizer_scratch *s, tc_buf *text,
                          tc_sparse *x)
{
    char err[TC_ERR_LEN] = "";
    if (tc_vectorizer_transform(v, s, text->data, text->len, x, err) == TC_OK)
        return true;
    TC_CHECK(false, "transform: %s", err);
    tc_buf_free(text);
    return false;
}

/* Brute-force reference: tokens from the tokenizer, n-grams by string building,
 * vocabulary by linear search, weights in plain double arithmetic. */
static void test_random_against_reference(void)
{
    static const char *const words[] = {"alpha", "beta", "gamma", "delta", "épsilon", "zeta",
                                        "eta",   "theta", "iota", "kappa", "λάμδα",   "mu"};
    const size_t nw = sizeof words / sizeof *words;
    /* vocabulary: every word, and every pair and some triples of the first six */
    tc_buf vocab = TC_BUF_INIT;
    char terms[400][64];
    double idf[400];
    size_t nt = 0;
    for (size_t i = 0; i < nw; i++)
        snprintf(terms[nt++], 64, "%s", words[i]);
    for (size_t i = 0; i < 6; i++)
        for (size_t j = 0; j < 6; j++)
            snprintf(terms[nt++], 64, "%s %s", words[i], words[j]);
    for (size_t i = 0; i < 6; i++)
        snprintf(terms[nt++], 64, "%s %s %s", words[i], words[(i + 1) % 6], words[(i + 2) % 6]);
    tc_buf_printf(&vocab, "textclf-vocab\t1\t%zu\n", nt);
    for (size_t t = 0; t < nt; t++) {
        idf[t] = 1.0 + (double)((t * 7919) % 97) / 13.0;
        tc_buf_printf(&vocab, "%.17g\t%s\n", idf[t], terms[t]);
    }
    uint64_t rng = 12345;
    size_t mismatches = 0;
    char first[300] = "";
    for (int cfgi = 0; cfgi < 24; cfgi++) {
        tc_vectorizer_config c = base_cfg();
        c.ngram_min = 1 + (unsigned)(cfgi % 3 == 2);
        c.ngram_max = 1 + (unsigned)(cfgi % 3);
        if (c.ngram_max < c.ngram_min)
            c.ngram_max = c.ngram_min;
        c.sublinear_tf = cfgi & 4;
        c.binary = cfgi & 8;
        c.use_idf = !(cfgi & 16);
        c.norm = (tc_norm)(cfgi % 3);
        const char *stop = cfgi & 1 ? "textclf-stopwords\t1\t2\ndelta\neta\n" : NULL;
        tc_vectorizer *v = load_text(&c, vocab.data, vocab.len, stop);
        if (v == NULL)
            continue;
        char err[TC_ERR_LEN];
        tc_vectorizer_scratch *s = tc_vectorizer_scratch_new();
        tc_tokenizer_scratch *ts = tc_tokenizer_scratch_new();
        for (int doc = 0; doc < 60 && s != NULL && ts != NULL; doc++) {
            tc_buf text = TC_BUF_INIT;
            int len = (int)(rng % 40);
            for (int k = 0; k < len; k++) {
                rng = rng * 6364136223846793005u + 1442695040888963407u;
                const char *w = words[(rng >> 33) % (rng % 3 ? 6 : nw)];
                tc_buf_append_str(&text, w);
                tc_buf_append_str(&text, (rng >> 20) % 5 == 0 ? ", " : " ");
            }
            rng = rng * 6364136223846793005u + 1442695040888963407u;
            if (text.data == NULL)
                tc_buf_append_str(&text, "");
            /* reference */
            tc_token_list tl;
            tc_tokenize(&c.tokenizer, ts, text.data, text.len, &tl, err);
            char toks[64][64];
            size_t n = 0;
            for (size_t i = 0; i < tl.count && n < 64; i++) {
                char w[64];
                snprintf(w, sizeof w, "%.*s", (int)tl.tokens[i].len, tl.text + tl.tokens[i].off);
                if (stop != NULL && (strcmp(w, "delta") == 0 || strcmp(w, "eta") == 0))
                    continue;
                strcpy(toks[n++], w);
            }
            double dense[400] = {0};
            for (unsigned g = c.ngram_min; g <= c.ngram_max; g++)
                for (size_t i = 0; i + g <= n; i++) {
                    char key[200] = "";
                    for (unsigned k = 0; k < g; k++) {
                        if (k)
                            strcat(key, " ");
                        strcat(key, toks[i + k]);
                    }
                    for (size_t t = 0; t < nt; t++)
                        if (strcmp(key, terms[t]) == 0)
                            dense[t] += 1.0;
                }
            double sum = 0.0;
            for (size_t t = 0; t < nt; t++) {
                if (dense[t] == 0.0)
                    continue;
                if (c.binary)
                    dense[t] = 1.0;
                if (c.sublinear_tf)
                    dense[t] = 1.0 + log(dense[t]);
                if (c.use_idf)
                    dense[t] *= idf[t];
                sum += c.norm == TC_NORM_L2 ? dense[t] * dense[t] : fabs(dense[t]);
            }
            if (c.norm == TC_NORM_L2)
                sum = sqrt(sum);
            if (c.norm != TC_NORM_NONE && sum > 0)
                for (size_t t = 0; t < nt; t++)
                    dense[t] /= sum;
            tc_sparse x;
            if (!transform_buf(v, s, &text, &x))
                continue;
            size_t k = 0;
            for (size_t t = 0; t < nt; t++) {
                double got = 0.0;
                if (k < x.nnz && x.index[k] == t)
                    got = x.value[k++];
                if (!(fabs(got - dense[t]) <= 1e-14 * fmax(1.0, fabs(dense[t])))) {
                    if (mismatches++ == 0)
                        snprintf(first, sizeof first, "cfg %d text \"%.80s\" col %zu: %.17g vs %.17g",
                                 cfgi, text.data, t, got, dense[t]);
                }
            }
            if (k != x.nnz)
                mismatches++;
            tc_buf_free(&text);
        }
        tc_tokenizer_scratch_free(&ts);
        tc_vectorizer_scratch_free(&s);
        tc_vectorizer_free(&v);
    }
    TC_CHECK(mismatches == 0, "%zu mismatches with the reference; first: %s", mismatches, first);
    tc_buf_free(&vocab);
}

/* Counting at scale: 6,000 columns with very uneven idf (a few frequent words, some
 * whose exp(-idf) underflows), documents of 1..5,000 tokens that repeat the frequent
 * words, so that the count sort sees empty, crowded and skipped buckets. The row must
 * hold every distinct column once, ascending, with count * idf exactly. */
static void test_counts_at_scale(void)
{
    enum { NT = 6000 };
    static double idf[NT];
    static unsigned want[NT];
    tc_buf vocab = TC_BUF_INIT;
    tc_buf_printf(&vocab, "textclf-vocab\t1\t%d\n", NT);
    for (unsigned t = 0; t < NT; t++) {
        idf[t] = t < 8 ? 1.0 + t / 1024.0 : t % 7 == 0 ? 900.0 : 2.0 + (t % 300) / 8.0;
        tc_buf_printf(&vocab, "%.17g\tw%04u\n", idf[t], t);
    }
    tc_vectorizer_config c = base_cfg();
    c.ngram_max = 1;
    c.norm = TC_NORM_NONE;
    tc_vectorizer *v = load_text(&c, vocab.data, vocab.len, NULL);
    tc_vectorizer_scratch *s = tc_vectorizer_scratch_new();
    static const size_t sizes[] = {1, 31, 32, 33, 64, 200, 1000, 2047, 2048, 5000};
    uint64_t rng = 99;
    size_t bad = 0;
    char first[200] = "";
    for (size_t d = 0; v != NULL && s != NULL && d < 3 * sizeof sizes / sizeof *sizes; d++) {
        const size_t n = sizes[d % (sizeof sizes / sizeof *sizes)];
        tc_buf text = TC_BUF_INIT;
        memset(want, 0, sizeof want);
        for (size_t k = 0; k < n; k++) {
            rng = rng * 6364136223846793005u + 1442695040888963407u;
            unsigned t = (unsigned)((rng >> 33) % 10 < 6 ? (rng >> 40) % 8 : (rng >> 35) % NT);
            want[t]++;
            tc_buf_printf(&text, "w%04u ", t);
        }
        tc_sparse x;
        if (!transform_buf(v, s, &text, &x))
            continue;
        size_t k = 0;
        for (uint32_t t = 0; t < NT; t++) {
            if (want[t] == 0)
                continue;
            bool ok = k < x.nnz && x.index[k] == t && x.value[k] == (double)want[t] * idf[t];
            if (!ok && bad++ == 0)
                snprintf(first, sizeof first, "%zu tokens: column %u (count %u) not at %zu",
                         n, t, want[t], k);
            k++;
        }
        if (k != x.nnz && bad++ == 0)
            snprintf(first, sizeof first, "%zu tokens: %zu columns, want %zu", n, x.nnz, k);
        tc_buf_free(&text);
    }
    TC_CHECK(bad == 0, "%zu rows wrong; first: %s", bad, first);
    tc_vectorizer_scratch_free(&s);
    tc_vectorizer_free(&v);
    tc_buf_free(&vocab);
}

/* Each stage's refusal comes out of tc_vectorizer_load_mem as it was made, naming the
 * file and line: the vocabulary's syntax, a duplicate term (found while indexing), the
 * stop words' syntax and duplicates; the vocabulary is checked before the stop words. */
static void test_load_errors_name_file_and_line(void)
{
    static const struct {
        const char *vocab, *stop, *want;
    } cases[] = {
        {"textclf-vocab\t1\t2\n1.0\tx\nabc\ty\n", NULL, "vocab.tsv:3: bad idf \"abc\""},
        {"textclf-vocab\t1\t3\n1.0\tgood movie\n2.0\tx\n1.0\tgood movie\n", NULL,
         "vocab.tsv:4: duplicate term \"good movie\" (first at line 2)"},
        {"textclf-vocab\t1\t1\n1.0\tx\n", "textclf-stopwords\t1\t2\nthe\n\n",
         "stop.txt:3: empty word"},
        {"textclf-vocab\t1\t1\n1.0\tx\n", "textclf-stopwords\t1\t2\nthe\nthe\n",
         "stop.txt:3: duplicate stop word \"the\" (first at line 2)"},
        {"textclf-vocab\t1\t1\n1.0\tx\n1.0\ty\n", "textclf-stopwords\t1\t1\nthe\tx\n",
         "vocab.tsv:3: more terms than the header's count 1"},
    };
    tc_vectorizer_config c = base_cfg();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tc_vectorizer *v = NULL;
        char err[TC_ERR_LEN] = "";
        const char *stop = cases[i].stop;
        tc_status st = tc_vectorizer_load_mem(&c, "vocab.tsv", cases[i].vocab,
                                              strlen(cases[i].vocab), "stop.txt", stop,
                                              stop ? strlen(stop) : 0, &v, err);
        TC_CHECK(st == TC_EFORMAT && v == NULL && strncmp(err, cases[i].want, strlen(cases[i].want)) == 0,
                 "case %zu: status %d \"%s\", expected \"%s\"", i, (int)st, err, cases[i].want);
        tc_vectorizer_free(&v);
    }
}

static void test_load_from_files(void)
{
    char dir[256];
    TC_CHECK(fx_mkdtemp(dir, sizeof dir), "mkdtemp");
    fx_write_str(dir, "vocab.tsv", VOCAB);
    fx_write_str(dir, "stop.txt", "textclf-stopwords\t1\t1\nmovie\n");
    char vp[320], sp[320];
    snprintf(vp, sizeof vp, "%s/vocab.tsv", dir);
    snprintf(sp, sizeof sp, "%s/stop.txt", dir);
    tc_vectorizer_config c = base_cfg();
    tc_vectorizer *v = NULL;
    char err[TC_ERR_LEN] = "";
    TC_CHECK(tc_vectorizer_load(&c, vp, sp, &v, err) == TC_OK && v != NULL &&
                 tc_vectorizer_n_features(v) == 7,
             "load from files: %s", err);
    tc_vectorizer_free(&v);
    snprintf(sp, sizeof sp, "%s/missing.txt", dir);
    tc_status st = tc_vectorizer_load(&c, vp, sp, &v, err);
    TC_CHECK(st == TC_EIO && strstr(err, sp) == err, "missing stop file: %s", err);
    fx_rmdir(dir);
}

TC_TESTS(TC_TEST(test_weighting_by_hand), TC_TEST(test_stop_words),
         TC_TEST(test_ngrams_with_prefixes_that_are_not_terms),
         TC_TEST(test_invalid_utf8_and_config), TC_TEST(test_random_against_reference),
         TC_TEST(test_counts_at_scale), TC_TEST(test_load_errors_name_file_and_line),
         TC_TEST(test_load_from_files))
