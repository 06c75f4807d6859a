/* test_spark_files.c - Spark models' terms and idf files: lookups (the empty term too)
 * and each refusal, naming file and line; and the vectorizer over them (CountVectorizer
 * with minTF, idf and l2 against hand-computed rows). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tc_spark_files.h"
#include "tc_spark_vectorizer.h"
#include "tc_test.h"

static tc_status terms(const char *s, tc_spark_terms **t, char *err)
{
    return tc_spark_terms_parse("terms.txt", s, strlen(s), t, err);
}

static void test_terms(void)
{
    tc_spark_terms *t = NULL;
    char err[TC_ERR_LEN];
    TC_CHECK(terms("textclf-spark-terms\t1\t3\nhello\n\nw\xc3\xb6rld\n", &t, err) == TC_OK, "%s", err);
    if (t == NULL)
        return;
    TC_CHECK(tc_spark_terms_count(t) == 3, "count");
    TC_CHECK(tc_spark_terms_find(t, "hello", 5) == 0 && tc_spark_terms_find(t, "", 0) == 1 &&
             tc_spark_terms_find(t, "w\xc3\xb6rld", 6) == 2 && tc_spark_terms_find(t, "x", 1) == -1,
             "find");
    tc_spark_terms_free(&t);
}

static void refused(const char *text, const char *want)
{
    tc_spark_terms *t = NULL;
    char err[TC_ERR_LEN] = "";
    tc_status st = terms(text, &t, err);
    TC_CHECK(st == TC_EFORMAT && strstr(err, want) != NULL, "[%s]: %s (want %s)", text, err, want);
    tc_spark_terms_free(&t);
}

static void test_terms_refusals(void)
{
    refused("textclf-vocab\t1\t1\na\n", "terms.txt:1: header");
    refused("textclf-spark-terms\t1\t2\na\na\n", "terms.txt:3: duplicate term");
    refused("textclf-spark-terms\t1\t1\na\nb\n", "terms.txt:3: more terms");
    refused("textclf-spark-terms\t1\t2\na\n", "header says 2 terms");
    refused("textclf-spark-terms\t1\t1\na\r\n", "terms.txt:2: carriage return");
    refused("textclf-spark-terms\t1\t1\n\xff\n", "terms.txt:2: invalid UTF-8");
    refused("textclf-spark-terms\t1\t1\na", "terms.txt:2: last line has no line feed");
}

static void test_idf_refusals(void)
{
    double *v = NULL;
    char err[TC_ERR_LEN];
    const char *ok = "textclf-spark-idf\t1\t2\n0.0\n1.5\n";
    TC_CHECK(tc_spark_idf_parse("idf.txt", ok, strlen(ok), 2, &v, err) == TC_OK && v[1] == 1.5,
             "%s", err);
    free(v);
    const char *bad[] = {"textclf-spark-idf\t1\t2\n0.0\n-1.5\n", "textclf-spark-idf\t1\t2\n0.0\nnan\n",
                         "textclf-spark-idf\t1\t3\n0.0\n1.5\n", "textclf-spark-idf\t1\t2\n0.0\n"};
    const char *want[] = {"idf.txt:3: not a finite number", "idf.txt:3: not a finite number",
                          "3 values, but the model has 2", "header says 2 values"};
    for (size_t i = 0; i < 4; i++) {
        err[0] = '\0';
        TC_CHECK(tc_spark_idf_parse("idf.txt", bad[i], strlen(bad[i]), 2, &v, err) == TC_EFORMAT &&
                     strstr(err, want[i]) != NULL, "case %zu: %s", i, err);
    }
}

static void test_count_vectorizer(void)
{
    const char *vocab = "textclf-spark-terms\t1\t3\na\nb\n\n";
    const char *idf = "textclf-spark-idf\t1\t3\n2.0\n0.5\n1.0\n";
    tc_spark_vectorizer_config c = {.tokenizer = {.kind = TC_SPARK_TOKENIZER, .lowercase = true},
                                    .ngram = 1, .tf = TC_SPARK_TF_COUNT, .n_features = 3,
                                    .min_tf = 2.0, .norm_p = 2};
    tc_spark_vectorizer *v = NULL;
    char err[TC_ERR_LEN];
    TC_CHECK(tc_spark_vectorizer_load(&c, "terms.txt", vocab, strlen(vocab), NULL, NULL, 0, "idf.txt",
                                      idf, strlen(idf), &v, err) == TC_OK, "%s", err);
    if (v == NULL)
        return;
    tc_spark_vectorizer_scratch *s = tc_spark_vectorizer_scratch_new();
    tc_sparse x;
    /* tokens: a, b, b, "", "", a, c, A -> a:3 b:2 "":2 (all >= minTF 2); c unknown */
    const char *doc = "a b b   a c A";
    TC_CHECK(tc_spark_vectorizer_transform(v, s, doc, strlen(doc), &x, err) == TC_OK, "%s", err);
    double a = 3 * 2.0, b = 2 * 0.5, e = 2 * 1.0, n = sqrt(a * a + b * b + e * e);
    TC_CHECK(x.nnz == 3 && x.index[0] == 0 && x.index[1] == 1 && x.index[2] == 2, "columns");
    if (x.nnz == 3) {
        TC_CHECK_NEAR(x.value[0], a / n, 1e-15);
        TC_CHECK_NEAR(x.value[1], b / n, 1e-15);
        TC_CHECK_NEAR(x.value[2], e / n, 1e-15);
    }
    tc_spark_vectorizer_scratch_free(&s);
    tc_spark_vectorizer_free(&v);
    c.ngram = 3;
    TC_CHECK(tc_spark_vectorizer_load(&c, "terms.txt", vocab, strlen(vocab), NULL, NULL, 0, NULL,
                                      NULL, 0, &v, err) == TC_EFORMAT && strstr(err, "NGram"),
             "ngram 3: %s", err);
}

TC_TESTS(TC_TEST(test_terms), TC_TEST(test_terms_refusals), TC_TEST(test_idf_refusals),
         TC_TEST(test_count_vectorizer))
