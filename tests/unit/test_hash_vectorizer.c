/* test_hash_vectorizer.c - scikit-learn's HashingVectorizer (+ TfidfTransformer) through
 * tc_vectorizer_load_hashing_mem: rows against what scikit-learn 1.2 printed for the same
 * texts and parameters (columns and repr values), the cancelled column scikit-learn keeps,
 * stop words, and the load refusals. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_char_ngrams.h"
#include "tc_hash_vectorizer.h"
#include "tc_test.h"
#include "tc_vectorizer.h"

static const char TEXT[] = "The cat sat on the mat, the caf\xc3\xa9";

static tc_vectorizer_config hashing(uint32_t n, bool alternate_sign, tc_norm norm)
{
    tc_vectorizer_config c;
    memset(&c, 0, sizeof c);
    c.tokenizer.lowercase = true;
    c.ngram_min = c.ngram_max = 1;
    c.hash_features = n;
    c.alternate_sign = alternate_sign;
    c.norm = norm;
    return c;
}

typedef struct cell {
    uint32_t col;
    double value;
} cell;

/* Loads cfg, transforms text and compares with want[0..n) exactly (relative 1e-15 for
 * the normalised values). */
static void check_row(const char *name, const tc_vectorizer_config *cfg, const char *stop,
                      const char *idf, const char *text, const cell *want, size_t n)
{
    char err[TC_ERR_LEN] = "";
    tc_vectorizer *v = NULL;
    tc_status st = tc_vectorizer_load_hashing_mem(cfg, "stop.txt", stop, stop ? strlen(stop) : 0,
                                                  "idf.txt", idf, idf ? strlen(idf) : 0, &v, err);
    TC_CHECK(st == TC_OK, "%s: load: %s", name, err);
    if (st != TC_OK)
        return;
    TC_CHECK(tc_vectorizer_n_features(v) == cfg->hash_features, "%s: n_features", name);
    tc_vectorizer_scratch *s = tc_vectorizer_scratch_new();
    tc_sparse row;
    st = tc_vectorizer_transform(v, s, text, strlen(text), &row, err);
    TC_CHECK(st == TC_OK, "%s: transform: %s", name, err);
    if (st == TC_OK) {
        TC_CHECK(row.nnz == n, "%s: nnz %zu, want %zu", name, row.nnz, n);
        for (size_t i = 0; i < n && i < row.nnz; i++) {
            TC_CHECK(row.index[i] == want[i].col, "%s: entry %zu column %u, want %u", name, i,
                     row.index[i], want[i].col);
            TC_CHECK(fabs(row.value[i] - want[i].value) <= 1e-15 * fabs(want[i].value),
                     "%s: column %u value %.17g, want %.17g", name, want[i].col, row.value[i],
                     want[i].value);
        }
        TC_CHECK(row.sum_descending == cfg->use_idf, "%s: sum order", name);
    }
    tc_vectorizer_scratch_free(&s);
    tc_vectorizer_free(&v);
}

static void test_signed_counts_and_bigrams(void)
{
    tc_vectorizer_config c = hashing(1024, true, TC_NORM_NONE);
    c.ngram_max = 2;
    static const cell want[] = {{38, -1}, {158, -3}, {322, 1}, {353, 1}, {358, 1},
                                {567, -1}, {744, -1}, {776, 1}, {778, 1}, {807, 1},
                                {907, -1}, {948, 1}, {1006, -1}};
    check_row("counts", &c, NULL, NULL, TEXT, want, sizeof want / sizeof *want);
    c.norm = TC_NORM_L2;
    const double a = 0.2182178902359924, b = 0.6546536707079772;
    const cell l2[] = {{38, -a}, {158, -b}, {322, a}, {353, a}, {358, a}, {567, -a}, {744, -a},
                       {776, a}, {778, a}, {807, a}, {907, -a}, {948, a}, {1006, -a}};
    check_row("l2", &c, NULL, NULL, TEXT, l2, sizeof l2 / sizeof *l2);
}

static void test_cancelled_column_stays(void)
{
    /* "w0" and "w68" share column 1 of 8 with opposite signs: scikit-learn keeps a 0 entry,
     * and binary turns it into 1 */
    tc_vectorizer_config c = hashing(8, true, TC_NORM_NONE);
    static const cell zero[] = {{1, 0.0}}, one[] = {{1, 1.0}};
    check_row("cancelled", &c, NULL, NULL, "w0 w68", zero, 1);
    c.binary = true;
    check_row("cancelled binary", &c, NULL, NULL, "w0 w68", one, 1);
}

static void test_stop_words_before_ngrams(void)
{
    tc_vectorizer_config c = hashing(1024, true, TC_NORM_NONE);
    c.ngram_max = 2;
    static const cell want[] = {{353, 1}, {567, -1}, {588, -1}, {776, 1}, {807, 1},
                                {907, -1}, {948, 1}, {950, -1}, {1006, -1}};
    check_row("stop words", &c, "textclf-stopwords\t1\t1\nthe\n", NULL, TEXT, want,
              sizeof want / sizeof *want);
}

static void test_char_ngrams_hash_unescaped(void)
{
    /* the char analyzers' tokens come escaped (tc_char_ngrams.h); scikit-learn hashes the
     * n-grams themselves: spaces, TAB and 0x01 included */
    tc_char_ngram_options o;
    memset(&o, 0, sizeof o);
    o.pre.lowercase = true;
    o.word_bounded = true;
    o.min_n = 2;
    o.max_n = 3;
    tc_vectorizer_config c = hashing(4096, true, TC_NORM_NONE);
    c.tokenizer_ops = &tc_char_ngram_tokenizer;
    c.tokenizer_options = &o;
    static const cell wb[] = {{191, 1}, {643, 1}, {1065, -1}, {1662, -1}, {1701, 1},
                              {1813, 1}, {1878, -1}, {1935, 1}, {2209, -1}, {2726, 1},
                              {2881, -1}, {3202, -1}, {3327, -1}};
    check_row("char_wb", &c, NULL, NULL, "Ab c\x01\td", wb, sizeof wb / sizeof *wb);
    o.word_bounded = false;
    o.min_n = 1;
    o.max_n = 2;
    static const cell ch[] = {{509, -1}, {643, 1}, {1330, -1}, {2465, -1}, {2482, 1},
                              {2726, 1}, {2968, 1}, {3494, -1}, {3565, -1}};
    check_row("char", &c, NULL, NULL, "a\tb  c", ch, sizeof ch / sizeof *ch);
}

static const char IDF16[] =
    "textclf-idf\t1\t16\n2.6094379124341005\n2.6094379124341005\n2.6094379124341005\n"
    "2.6094379124341005\n1.916290731874155\n1.916290731874155\n2.6094379124341005\n"
    "1.5108256237659907\n2.6094379124341005\n2.6094379124341005\n2.6094379124341005\n"
    "1.916290731874155\n2.6094379124341005\n2.6094379124341005\n1.916290731874155\n"
    "2.6094379124341005\n";

static void test_tfidf_after_normalised_hashing(void)
{
    /* HashingVectorizer(16, alternate_sign=False) -> TfidfTransformer(sublinear_tf=True) */
    tc_vectorizer_config c = hashing(16, false, TC_NORM_L2);
    c.hash_norm = TC_NORM_L2;
    c.sublinear_tf = c.use_idf = true;
    static const cell want[] = {{4, -0.3616279864881416}, {7, 0.22647836726418052},
                                {8, -0.4924335135809307}, {11, -0.3616279864881416},
                                {14, 0.6668336993889521}};
    check_row("tfidf", &c, NULL, IDF16, TEXT, want, sizeof want / sizeof *want);
}

static void refused(const char *name, const tc_vectorizer_config *c, const char *idf,
                    const char *needle)
{
    char err[TC_ERR_LEN] = "";
    tc_vectorizer *v = NULL;
    tc_status st = tc_vectorizer_load_hashing_mem(c, NULL, NULL, 0, "idf.txt", idf,
                                                  idf ? strlen(idf) : 0, &v, err);
    TC_CHECK(st == TC_EFORMAT && v == NULL && strstr(err, needle) != NULL,
             "%s: status %d, err \"%s\", want \"%s\"", name, (int)st, err, needle);
    tc_vectorizer_free(&v);
}

static void test_refusals(void)
{
    tc_vectorizer_config c = hashing(0, true, TC_NORM_L2);
    refused("no columns", &c, NULL, "outside 1..2147483647");
    c = hashing(16, false, TC_NORM_L2);
    c.use_idf = true;
    refused("idf missing", &c, NULL, "use_idf without an idf file");
    c.use_idf = false;
    refused("idf unused", &c, IDF16, "an idf file without use_idf");
    c.use_idf = true;
    c.hash_features = 15;
    refused("idf count", &c, IDF16, "16 values, but the model has 15 features");
    c.hash_features = 2;
    refused("idf zero", &c, "textclf-idf\t1\t2\n1.5\n0.0\n", "idf.txt:3: idf must be > 0");
    refused("idf header", &c, "textclf-spark-idf\t1\t2\n1.5\n1.0\n", "idf.txt:1: header");
    c.ngram_max = 9;
    refused("ngrams", &c, "textclf-idf\t1\t2\n1.5\n1.0\n", "ngram_range [1, 9]");
    /* the vocabulary loader refuses a hashing config, and the reverse */
    char err[TC_ERR_LEN] = "";
    tc_vectorizer *v = NULL;
    c = hashing(16, true, TC_NORM_NONE);
    TC_CHECK(tc_vectorizer_load_mem(&c, "vocab.tsv", "textclf-vocab\t1\t1\n1\tab\n", 22, NULL,
                                    NULL, 0, &v, err) == TC_EFORMAT &&
                 strstr(err, "no vocabulary") != NULL,
             "vocabulary loader: %s", err);
    tc_vectorizer_free(&v);
}

TC_TESTS(TC_TEST(test_signed_counts_and_bigrams), TC_TEST(test_cancelled_column_stays),
         TC_TEST(test_stop_words_before_ngrams), TC_TEST(test_tfidf_after_normalised_hashing),
         TC_TEST(test_char_ngrams_hash_unescaped), TC_TEST(test_refusals))
