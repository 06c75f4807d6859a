/* test_capi.c - the public C API (textclf.h) on the committed models/sentiment-en (run
 * from the repository root, or set TEXTCLF_TEST_MODEL): open errors, description,
 * batches with bad texts (per-row status, the rest kept), NULL outputs, threads and
 * concurrent callers giving identical bytes, decision values tied to probabilities,
 * argument errors, and many small calls through the scratch pool (leaks: ASan run). */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_test.h"
#include "tc_textfile.h"
#include "textclf.h"

static textclf_model *g_m;
static const char *g_dir;

#define N_MANY 3000
static char *g_many_buf;
static textclf_text g_many[N_MANY];

/* Texts of varied length and content, some non-ASCII, from a fixed word list. */
static void make_many(void)
{
    static const char *const words[] = {"good", "film", "awful", "plot", "caf\xc3\xa9",
                                        "superb", "boring", "\xce\xa3\xce\x9f\xce\xa6\xce\x9f\xce\xa3",
                                        "not", "great", "acting", "the", "waste", "moving"};
    const size_t nw = sizeof words / sizeof *words;
    size_t cap = (size_t)N_MANY * 400, used = 0;
    g_many_buf = malloc(cap);
    uint32_t x = 12345;
    for (size_t i = 0; i < N_MANY; i++) {
        size_t start = used, n = 1 + i % 60;
        for (size_t j = 0; j < n; j++) {
            x = x * 1103515245u + 12345u;
            const char *w = words[(x >> 16) % nw];
            size_t wl = strlen(w);
            memcpy(g_many_buf + used, w, wl);
            used += wl;
            g_many_buf[used++] = ' ';
        }
        g_many[i].data = g_many_buf + start;
        g_many[i].len = used - start;
    }
}

static void test_open_errors(void)
{
    char err[TEXTCLF_ERR_LEN] = "";
    textclf_model *m = (textclf_model *)&err;  /* must be left alone on failure */
    TC_CHECK(textclf_open(NULL, &m, err) == TEXTCLF_EINVAL, "NULL dir");
    TC_CHECK(textclf_open(g_dir, NULL, err) == TEXTCLF_EINVAL, "NULL out");
    TC_CHECK(textclf_open(g_dir, NULL, NULL) == TEXTCLF_EINVAL, "NULL err is allowed");
    int rc = textclf_open("/nonexistent/textclf-model", &m, err);
    TC_CHECK(rc == TEXTCLF_EIO, "missing dir: %d (%s)", rc, err);
    TC_CHECK(strstr(err, "/nonexistent/textclf-model/manifest.json") != NULL, "message: %s", err);
    TC_CHECK(m == (textclf_model *)&err, "out written on failure");
    textclf_close(NULL);
}

static void test_describe(void)
{
    TC_CHECK(textclf_abi_version() == TEXTCLF_ABI_VERSION, "abi");
    TC_CHECK(strcmp(textclf_version(), "1.0.0") == 0, "version %s", textclf_version());
    TC_CHECK(textclf_n_classes(g_m) == 2, "n_classes");
    TC_CHECK(strcmp(textclf_class_name(g_m, 0), "negative") == 0 &&
                 strcmp(textclf_class_name(g_m, 1), "positive") == 0, "class names");
    TC_CHECK(textclf_class_name(g_m, 2) == NULL, "class 2");
    TC_CHECK(textclf_output_kind(g_m) == TEXTCLF_PROBABILITIES, "output kind");
    TC_CHECK(textclf_decision_width(g_m) == 1, "decision width");
    TC_CHECK(textclf_n_classes(NULL) == 0 && textclf_class_name(NULL, 0) == NULL &&
                 textclf_decision_width(NULL) == 0, "NULL model");
    size_t len = 0;
    const char *json = textclf_manifest_json(g_m, &len);
    char path[512], err[TC_ERR_LEN];
    snprintf(path, sizeof path, "%s/manifest.json", g_dir);
    char *file = NULL;
    size_t flen = 0;
    TC_CHECK(tc_read_file(path, (size_t)1 << 20, &file, &flen, err) == TC_OK, "%s", err);
    TC_CHECK(json != NULL && file != NULL && len == flen && memcmp(json, file, len) == 0 &&
                 json[len] == '\0', "manifest bytes differ from %s", path);
    tc_file_free(file);
    TC_CHECK(strcmp(textclf_status_name(TEXTCLF_EINPUT), "malformed input") == 0 &&
                 strcmp(textclf_status_name(-1), "unknown status") == 0, "status names");
}

static void test_batch_with_bad_texts(void)
{
    const textclf_text texts[] = {{"a fine film", 11}, {"bad \xff", 5}, {"", 0}, {NULL, 0},
                                  {"trunc \xe2\x82", 8}, {"awful, awful", 12}};
    const size_t n = sizeof texts / sizeof *texts;
    int32_t labels[6], status[6];
    double values[12];
    char err[TEXTCLF_ERR_LEN] = "";
    int rc = textclf_predict(g_m, texts, n, 1, labels, values, status, err);
    TC_CHECK(rc == TEXTCLF_EINPUT, "rc %d", rc);
    TC_CHECK(strcmp(err, "texts[1]: invalid UTF-8 at byte offset 4") == 0, "err: %s", err);
    const int32_t want_status[] = {0, TEXTCLF_EINPUT, 0, 0, TEXTCLF_EINPUT, 0};
    for (size_t i = 0; i < n; i++) {
        TC_CHECK(status[i] == want_status[i], "status[%zu] = %d", i, status[i]);
        if (want_status[i] != 0) {
            TC_CHECK(labels[i] == -1 && isnan(values[2 * i]) && isnan(values[2 * i + 1]),
                     "failed row %zu not marked", i);
            continue;
        }
        /* the same text alone, without status or labels */
        double alone[2];
        TC_CHECK(textclf_predict(g_m, &texts[i], 1, 1, NULL, alone, NULL, NULL) == 0,
                 "alone %zu", i);
        TC_CHECK(memcmp(alone, values + 2 * i, sizeof alone) == 0, "row %zu differs alone", i);
        TC_CHECK(labels[i] == (values[2 * i + 1] > values[2 * i] ? 1 : 0), "label %zu", i);
        TC_CHECK_NEAR(values[2 * i] + values[2 * i + 1], 1.0, 1e-15);
    }
    /* the only bad text in the middle: its index is the one reported */
    rc = textclf_predict(g_m, texts + 2, 3, 2, NULL, NULL, NULL, err);
    TC_CHECK(rc == TEXTCLF_EINPUT && strncmp(err, "texts[2]: invalid UTF-8", 23) == 0,
             "rc %d err %s", rc, err);
    TC_CHECK(textclf_predict(g_m, texts, 1, 1, labels, NULL, NULL, NULL) == 0 && labels[0] == 1,
             "labels only");
}

static void test_threads_identical(void)
{
    double *a = malloc(sizeof(double) * 2 * N_MANY), *b = malloc(sizeof(double) * 2 * N_MANY);
    int32_t *la = malloc(sizeof(int32_t) * N_MANY), *lb = malloc(sizeof(int32_t) * N_MANY);
    char err[TEXTCLF_ERR_LEN] = "";
    TC_CHECK(textclf_predict(g_m, g_many, N_MANY, 1, la, a, NULL, err) == 0, "%s", err);
    const unsigned threads[] = {2, 3, 0, 1000};
    for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
        memset(b, 0, sizeof(double) * 2 * N_MANY);
        TC_CHECK(textclf_predict(g_m, g_many, N_MANY, threads[t], lb, b, NULL, err) == 0, "%s",
                 err);
        TC_CHECK(memcmp(a, b, sizeof(double) * 2 * N_MANY) == 0 &&
                     memcmp(la, lb, sizeof(int32_t) * N_MANY) == 0,
                 "threads=%u differs", threads[t]);
    }
    free(a);
    free(b);
    free(la);
    free(lb);
}

typedef struct caller {
    size_t first;
    double values[2 * 500];
    int rc;
} caller;

static void *call_many(void *arg)
{
    caller *c = arg;
    for (int rep = 0; rep < 5 && c->rc == 0; rep++)
        c->rc = textclf_predict(g_m, g_many + c->first, 500, 2, NULL, c->values, NULL, NULL);
    return NULL;
}

static void test_concurrent_callers(void)
{
    caller cs[4];
    pthread_t tid[4];
    for (int i = 0; i < 4; i++) {
        cs[i].first = (size_t)i * 500;
        cs[i].rc = 0;
        TC_CHECK(pthread_create(&tid[i], NULL, call_many, &cs[i]) == 0, "pthread_create");
    }
    for (int i = 0; i < 4; i++)
        pthread_join(tid[i], NULL);
    for (int i = 0; i < 4; i++) {
        double want[2 * 500];
        TC_CHECK(cs[i].rc == 0, "caller %d rc %d", i, cs[i].rc);
        TC_CHECK(textclf_predict(g_m, g_many + cs[i].first, 500, 1, NULL, want, NULL, NULL) == 0,
                 "reference");
        TC_CHECK(memcmp(want, cs[i].values, sizeof want) == 0, "caller %d differs", i);
    }
}

static void test_decision_values(void)
{
    double d[N_MANY], p[2 * N_MANY];
    int32_t st[N_MANY];
    char err[TEXTCLF_ERR_LEN] = "";
    TC_CHECK(textclf_decision_function(g_m, g_many, N_MANY, 2, d, st, err) == 0, "%s", err);
    TC_CHECK(textclf_predict(g_m, g_many, N_MANY, 1, NULL, p, NULL, err) == 0, "%s", err);
    for (size_t i = 0; i < N_MANY; i++) {
        /* binary logistic regression: p1 = 1 / (1 + exp(-d)), the classifier's formula */
        TC_CHECK(p[2 * i + 1] == 1.0 / (1.0 + exp(-d[i])), "text %zu: p1 %.17g, d %.17g", i,
                 p[2 * i + 1], d[i]);
        TC_CHECK(st[i] == 0, "status %zu", i);
    }
    const textclf_text bad = {"\xc0\xaf", 2};
    TC_CHECK(textclf_decision_function(g_m, &bad, 1, 1, d, st, err) == TEXTCLF_EINPUT &&
                 isnan(d[0]) && st[0] == TEXTCLF_EINPUT &&
                 strcmp(err, "texts[0]: invalid UTF-8 at byte offset 0") == 0, "bad: %s", err);
}

static void test_invalid_arguments(void)
{
    char err[TEXTCLF_ERR_LEN] = "";
    double v[2];
    TC_CHECK(textclf_predict(NULL, g_many, 1, 1, NULL, v, NULL, err) == TEXTCLF_EINVAL, "NULL m");
    TC_CHECK(textclf_predict(g_m, NULL, 3, 1, NULL, v, NULL, err) == TEXTCLF_EINVAL, "NULL texts");
    TC_CHECK(textclf_predict(g_m, NULL, 0, 1, NULL, NULL, NULL, err) == TEXTCLF_OK, "empty");
    TC_CHECK(textclf_decision_function(g_m, g_many, 1, 1, NULL, NULL, err) == TEXTCLF_EINVAL,
             "NULL out");
    TC_CHECK(textclf_predict(g_m, g_many, SIZE_MAX / 4, 1, NULL, NULL, NULL, err) ==
                 TEXTCLF_EINVAL, "count overflow");
    const textclf_text null_data = {NULL, 5};
    int32_t st;
    TC_CHECK(textclf_predict(g_m, &null_data, 1, 1, NULL, v, &st, err) == TEXTCLF_EINVAL &&
                 st == TEXTCLF_EINVAL && strstr(err, "texts[0]: data is NULL") != NULL,
             "NULL data: %s", err);
}

static void test_many_small_calls(void)
{
    double v[2], first[2];
    TC_CHECK(textclf_predict(g_m, g_many + 7, 1, 1, NULL, first, NULL, NULL) == 0, "first");
    int bad = 0;
    for (int i = 0; i < 2000; i++) {
        if (textclf_predict(g_m, g_many + 7, 1, (unsigned)(i % 3), NULL, v, NULL, NULL) != 0 ||
            memcmp(v, first, sizeof v) != 0)
            bad++;
    }
    TC_CHECK(bad == 0, "%d of 2000 calls differ", bad);
}

int main(void)
{
    g_dir = getenv("TEXTCLF_TEST_MODEL");
    if (g_dir == NULL || g_dir[0] == '\0')
        g_dir = "models/sentiment-en";
    char err[TEXTCLF_ERR_LEN] = "";
    if (textclf_open(g_dir, &g_m, err) != TEXTCLF_OK) {
        /* the committed model must load: a failure here is a failure, not a skip */
        printf("FAIL test_capi.c/open: %s: %s\n", g_dir, err);
        return 1;
    }
    make_many();
    static const tc_test_case cases[] = {
        TC_TEST(test_open_errors),       TC_TEST(test_describe),
        TC_TEST(test_batch_with_bad_texts), TC_TEST(test_threads_identical),
        TC_TEST(test_concurrent_callers), TC_TEST(test_decision_values),
        TC_TEST(test_invalid_arguments), TC_TEST(test_many_small_calls)};
    int rc = tc_test_run(__FILE__, cases, sizeof cases / sizeof *cases);
    textclf_close(g_m);
    free(g_many_buf);
    return rc;
}
