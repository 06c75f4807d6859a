/* test_model.c - the model loader and predict pipeline (tc_model.h) on the tiny model of
 * tests/lib/tiny_model.h, whose outputs are worked out by hand there: a linear and a
 * libsvm model loaded, predicted and golden-checked; stop words; skip_golden; the debug
 * log of the load phases (and silence at info). Then malformed models end to end, each
 * refused with a message naming the file (and line where there is one), the order
 * errors are reported in when two parts fail at once, and a few of every part's
 * refusals to show they come through the loader unchanged (each part's own test has the
 * rest: test_manifest.c, test_*_section.c, test_model_files.c, test_golden.c, ...).
 * Independent of ../shared/data. */
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/strreplace.h"
#include "../lib/tiny_model.h"
#include "tc_buf.h"
#include "tc_log.h"
#include "tc_model.h"
#include "tc_test.h"

static void test_linear_model(void)
{
    tc_buf g = TC_BUF_INIT;
    tiny_golden_linear(&g);
    tiny_spec sp = tiny_linear_spec(&g);
    tiny_loaded t;
    char err[TC_ERR_LEN] = "";
    tc_status st = tiny_load(&sp, NULL, &t, err);
    TC_CHECK(st == TC_OK, "load: %s", err);
    if (st == TC_OK) {
        tc_model *m = t.m;
        TC_CHECK(tc_model_n_classes(m) == 2 && strcmp(tc_model_class_name(m, 0), "negative") == 0 &&
                     strcmp(tc_model_class_name(m, 1), "positive") == 0,
                 "classes");
        const tc_output_schema *sc = tc_model_output_schema(m);
        TC_CHECK(sc->n_classes == 2 && sc->kind == TC_OUTPUT_PROBABILITIES &&
                     strcmp(sc->class_names[1], "positive") == 0,
                 "output schema");
        TC_CHECK(strcmp(tc_model_name(m), "tiny") == 0, "name");
        TC_CHECK(tc_model_n_features(m) == 5, "n_features");
        TC_CHECK(tc_model_output(m) == TC_OUTPUT_PROBABILITIES, "output kind");
        TC_CHECK(tc_model_n_golden(m) == TINY_N_SAMPLES, "golden count %zu", tc_model_n_golden(m));
        TC_CHECK(strcmp(tc_model_classifier_desc(m),
                        "linear (LogisticRegression, probability logistic_ovr)") == 0,
                 "desc: %s", tc_model_classifier_desc(m));
        TC_CHECK(tc_model_vectorizer(m) != NULL && tc_model_classifier(m) != NULL, "accessors");
        for (size_t i = 0; i < TINY_N_SAMPLES; i++) {
            tc_prediction p;
            const char *text = TINY_SAMPLES[i].text;
            st = tc_model_predict(m, t.ws, text, strlen(text), &p, err);
            double p1 = tiny_linear_p1(TINY_SAMPLES[i].tf);
            TC_CHECK(st == TC_OK && fabs(p.values[1] - p1) <= 1e-15 &&
                         fabs(p.values[0] - (1.0 - p1)) <= 1e-15 && p.label == (p1 > 0.5),
                     "sample %zu: p1 %.17g, expected %.17g", i, p.values[1], p1);
        }
        tc_prediction p;
        st = tc_model_predict(m, t.ws, "good \xc3\x28", 7, &p, err);
        TC_CHECK(st == TC_EINPUT, "invalid UTF-8 -> TC_EINPUT (%d): %s", (int)st, err);
        size_t checked = 0;
        TC_CHECK(tc_model_verify_golden(m, t.ws, &checked, err) == TC_OK &&
                     checked == TINY_N_SAMPLES,
                 "verify_golden: %s", err);
    }
    tiny_unload(&t);
    TC_CHECK(t.m == NULL && t.ws == NULL, "free clears");
    tc_buf_free(&g);
}

static void test_svm_model(void)
{
    tc_buf g = TC_BUF_INIT;
    tiny_golden_svm(&g);
    tiny_spec sp = tiny_svm_spec(&g);
    tiny_loaded t;
    char err[TC_ERR_LEN] = "";
    tc_status st = tiny_load(&sp, NULL, &t, err);
    TC_CHECK(st == TC_OK, "load: %s", err);
    if (st == TC_OK) {
        TC_CHECK(tc_model_output(t.m) == TC_OUTPUT_SCORES, "scores");
        TC_CHECK(tc_model_output_schema(t.m)->kind == TC_OUTPUT_SCORES, "schema kind");
        TC_CHECK(strcmp(tc_model_classifier_desc(t.m),
                        "libsvm (SVC, probability none, origin libsvm)") == 0,
                 "desc %s", tc_model_classifier_desc(t.m));
        for (size_t i = 0; i < TINY_N_SAMPLES; i++) {
            tc_prediction p;
            const char *text = TINY_SAMPLES[i].text;
            st = tc_model_predict(t.m, t.ws, text, strlen(text), &p, err);
            double f = tiny_svm_f(TINY_SAMPLES[i].tf);
            TC_CHECK(st == TC_OK && fabs(p.values[0] - f) <= 1e-12 &&
                         fabs(p.values[1] + f) <= 1e-12 && p.label == (f > 0 ? 0u : 1u),
                     "svm sample %zu: %.17g, expected %.17g", i, p.values[0], f);
        }
    }
    tiny_unload(&t);
    tc_buf_free(&g);
}

static void test_stop_words_and_skip_golden(void)
{
    tc_buf g = TC_BUF_INIT;
    /* with "movie" as a stop word, "good movie" has tf good 1 only */
    static const double tf[5] = {0, 0, 1, 0, 0};
    double p1 = tiny_linear_p1(tf);
    tc_buf_printf(&g,
                  "{\"text\": \"good movie\", \"label\": \"%s\", \"probabilities\": "
                  "{\"positive\": %.17g, \"negative\": %.17g}}\n",
                  p1 > 0.5 ? "positive" : "negative", p1, 1.0 - p1);
    tiny_spec sp = tiny_linear_spec(&g);
    sp.stop = "textclf-stopwords\t1\t1\nmovie\n";
    char *vec = str_replace(TINY_VEC, "\"stop_words\": null", "\"stop_words\": \"stopwords.txt\"");
    sp.vec = vec;
    TC_CHECK(vec != NULL, "stale pattern");
    tiny_loaded t;
    char err[TC_ERR_LEN] = "";
    TC_CHECK(tiny_load(&sp, NULL, &t, err) == TC_OK, "stop-word model: %s", err);
    tiny_unload(&t);
    /* the same golden line without stop words does not reproduce ... */
    tiny_spec sp2 = tiny_linear_spec(&g);
    tc_status st = tiny_load(&sp2, NULL, &t, err);
    TC_CHECK(st == TC_EMISMATCH && t.m == NULL && strstr(err, "golden.jsonl:1: ") != NULL,
             "mismatch: %s", err);
    tiny_unload(&t);
    /* ... unless golden verification is skipped (loader tests only) */
    tc_model_load_options o = {true};
    TC_CHECK(tiny_load(&sp2, &o, &t, err) == TC_OK && t.m != NULL, "skip_golden: %s", err);
    TC_CHECK(t.m != NULL && tc_model_n_golden(t.m) == 1, "samples parsed though not checked");
    tiny_unload(&t);
    free(vec);
    tc_buf_free(&g);
}

/* Loads sp with stderr sent to a file at log level `level`; *log receives what was written. */
static tc_status load_logged(const tiny_spec *sp, tc_log_level level, tiny_loaded *t,
                             tc_buf *log, char *err)
{
    char path[] = "/tmp/tc_model_log_XXXXXX";
    int fd = mkstemp(path);
    int saved = dup(STDERR_FILENO);
    if (fd < 0 || saved < 0 || dup2(fd, STDERR_FILENO) < 0)
        return tc_fail(err, TC_EIO, "cannot redirect stderr");
    tc_log_setup("test_model", level);
    tc_status st = tiny_load(sp, NULL, t, err);
    tc_log_setup("test_model", TC_LOG_INFO);
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fd);
    char *data = NULL;
    size_t len = 0;
    char rerr[TC_ERR_LEN];
    tc_buf_clear(log);
    if (tc_read_file(path, 1 << 20, &data, &len, rerr) == TC_OK)
        tc_buf_append(log, data, len);
    tc_file_free(data);
    unlink(path);
    return st;
}

/* At debug level the loader says what it loaded and how long each phase took; at info it
 * says nothing (the outputs of serve/check/predict do not change). */
static void test_debug_log(void)
{
    tc_buf g = TC_BUF_INIT, log = TC_BUF_INIT;
    tiny_golden_linear(&g);
    tiny_spec sp = tiny_linear_spec(&g);
    tiny_loaded t;
    char err[TC_ERR_LEN] = "";
    TC_CHECK(load_logged(&sp, TC_LOG_DEBUG, &t, &log, err) == TC_OK, "load: %s", err);
    TC_CHECK(tc_buf_append_char(&log, '\0'), "oom");
    static const char *const want[] = {
        "read 2 files (",  /* the classifier's is read on its own thread */
        "vectorizer: 5 features in ",
        "classifier linear.tsv: linear (LogisticRegression, probability logistic_ovr), "
        "read + sha256 + load in ",
        "golden golden.jsonl: 5 samples reproduced in ",
        "\"tiny\" loaded in ",
    };
    const char *at = log.data;
    for (size_t i = 0; i < sizeof want / sizeof *want && at != NULL; i++) {
        char line[512];
        snprintf(line, sizeof line, "test_model: debug: model %s: %s", t.dir, want[i]);
        const char *found = strstr(at, line);
        TC_CHECK(found != NULL, "debug log lacks (in order) \"%.200s\": %.300s", line, log.data);
        at = found;
    }
    tiny_unload(&t);
    TC_CHECK(load_logged(&sp, TC_LOG_INFO, &t, &log, err) == TC_OK, "load: %s", err);
    TC_CHECK(log.len == 0, "at info the loader wrote %zu bytes: %.300s", log.len,
             log.len ? log.data : "");
    tiny_unload(&t);
    tc_buf_free(&g);
    tc_buf_free(&log);
}

typedef struct bad_case {
    tiny_spec sp;
    tc_status status;
    const char *file;    /* the message must start with <dir>/<file> */
    const char *phrase;  /* and contain this */
} bad_case;

static void run_bad(const bad_case *c, size_t idx)
{
    tiny_loaded t;
    char err[TC_ERR_LEN] = "";
    tc_status st = tiny_load(&c->sp, NULL, &t, err);
    char prefix[512];
    snprintf(prefix, sizeof prefix, "%s/%s", t.dir, c->file);
    TC_CHECK(st == c->status && t.m == NULL, "case %zu (%s): status %d (%s), expected %d", idx,
             c->phrase, (int)st, err, (int)c->status);
    TC_CHECK(strncmp(err, prefix, strlen(prefix)) == 0 && strstr(err, c->phrase) != NULL,
             "case %zu: message \"%.300s\", expected \"%.300s...%s\"", idx, err, prefix, c->phrase);
    tiny_unload(&t);
}

static void test_malformed_models(void)
{
    tc_buf g = TC_BUF_INIT, gs = TC_BUF_INIT;
    tiny_golden_linear(&g);
    tiny_golden_svm(&gs);
    const tiny_spec base = tiny_linear_spec(&g);
    const tiny_spec svm_base = tiny_svm_spec(&gs);
    char *tmp[32];
    size_t ntmp = 0;
#define R(src, from, to) (tmp[ntmp++] = str_replace((src), (from), (to)))
    bad_case cases[64];
    size_t n = 0;
#define CASE(ASSIGN_, ST_, FILE_, PHRASE_)                                                     \
    do {                                                                                       \
        bad_case bc_;                                                                          \
        bc_.sp = base;                                                                         \
        ASSIGN_;                                                                               \
        bc_.status = (ST_);                                                                    \
        bc_.file = (FILE_);                                                                    \
        bc_.phrase = (PHRASE_);                                                                \
        cases[n++] = bc_;                                                                      \
    } while (0)
#define SVMCASE(ASSIGN_, ST_, FILE_, PHRASE_) CASE((bc_.sp = svm_base, ASSIGN_), ST_, FILE_, PHRASE_)

    /* manifest (the rest: test_manifest.c and the section tests) */
    CASE(bc_.sp.no_manifest = true, TC_EIO, "manifest.json", "cannot open");
    CASE(bc_.sp.raw_manifest = "{\"format\": \"textclf-model\",\n\"format_version\": 1,\n  oops}",
         TC_EFORMAT, "manifest.json:3: ", "invalid JSON");
    CASE(bc_.sp.version = "2", TC_EFORMAT, "manifest.json",
         "model format version 2 is newer than this textclf supports (1)");
    CASE(bc_.sp.vec = R(TINY_VEC, "\"tfidf\"", "\"count\""), TC_EFORMAT, "manifest.json",
         "unsupported vectorizer.type \"count\"");
    CASE(bc_.sp.clf = R(TINY_CLF_LINEAR, "\"linear\"", "\"tree\""), TC_EFORMAT, "manifest.json",
         "unsupported classifier.type \"tree\"");
    CASE(bc_.sp.golden_member = "", TC_EFORMAT, "manifest.json", "missing \"golden\"");
    /* what only the loaded parts can tell */
    CASE(bc_.sp.vec = R(TINY_VEC, "\"n_features\": 5", "\"n_features\": 6"), TC_EFORMAT,
         "manifest.json", "\"vectorizer.n_features\" is 6 but");
    CASE(bc_.sp.golden_member = "\"golden\": \"linear.tsv\",\n", TC_EFORMAT, "manifest.json",
         "\"linear.tsv\" is named both by classifier.file and by golden");
    /* listed files */
    CASE((bc_.sp.listed[0] = "vocab.tsv", bc_.sp.listed[1] = "linear.tsv",
          bc_.sp.listed[2] = "golden.jsonl", bc_.sp.listed[3] = "missing.bin"),
         TC_EIO, "missing.bin", "cannot open");
    CASE((bc_.sp.listed[0] = "vocab.tsv", bc_.sp.listed[1] = "golden.jsonl"), TC_EFORMAT,
         "manifest.json", "\"linear.tsv\", which is not listed");
    CASE(bc_.sp.corrupt_sha = "vocab.tsv", TC_EFORMAT, "vocab.tsv", "sha256");
    CASE(bc_.sp.corrupt_sha = "linear.tsv", TC_EFORMAT, "linear.tsv", "does not match");
    CASE(bc_.sp.corrupt_sha = "golden.jsonl", TC_EFORMAT, "golden.jsonl", "sha256");
    CASE((bc_.sp.rewrite_name = "vocab.tsv", bc_.sp.rewrite_data = "textclf-vocab\t1\t1\n1.5\tbad\n"),
         TC_EFORMAT, "vocab.tsv", "size 26 bytes, but manifest.json lists 75");
    CASE((bc_.sp.rewrite_name = "linear.tsv",
          bc_.sp.rewrite_data = R(TINY_LINEAR, "0.125", "0.126")),
         TC_EFORMAT, "linear.tsv", "sha256");
    /* vocabulary (line-level errors come through with file:line) */
    CASE(bc_.sp.vocab = "textclf-vocab\t1\t6\n1.5\tbad\n3.0\tgood movie\n1.5\tgood\n1.25\tmovie\n2.0\tvery good\n",
         TC_EFORMAT, "vocab.tsv:7: ", "truncated: header says 6 terms, file has 5");
    CASE(bc_.sp.vocab = "textclf-vocab\t1\t5\n1.5\tbad\n3.0\tgood movie\n1.5\tgood\n1.25\tmovie\n2.0\tvery good",
         TC_EFORMAT, "vocab.tsv:6: ", "no newline");
    CASE(bc_.sp.vocab = "textclf-vocab\t1\t5\n1.5\tbad\n3.0\tgood movie\n1.5\tgood\n1.2.5\tmovie\n2.0\tvery good\n",
         TC_EFORMAT, "vocab.tsv:5: ", "bad idf \"1.2.5\"");
    CASE(bc_.sp.vocab = "textclf-vocab\t1\t5\n1.5\tbad\n3.0\tgood movie\n1.5\tgood\n1.25\tbad\n2.0\tvery good\n",
         TC_EFORMAT, "vocab.tsv:5: ", "duplicate term \"bad\" (first at line 2)");
    CASE(bc_.sp.vocab = "textclf-vocab\t1\t5\n1.5\tbad\n3.0\tgood movie\n1.5\tgood\n1.25\tmov\xc3\n2.0\tvery good\n",
         TC_EFORMAT, "vocab.tsv:5: ", "invalid UTF-8");
    /* linear classifier file (the rest: test_linear.c) */
    CASE(bc_.sp.linear = R(TINY_LINEAR, "features\t5", "features\t4"), TC_EFORMAT,
         "linear.tsv:3: ", "features");
    CASE(bc_.sp.linear = R(TINY_LINEAR, "rows\t1", "rows\t2"), TC_EFORMAT, "linear.tsv:2: ", "rows");
    CASE(bc_.sp.linear = R(TINY_LINEAR, "0.125\n", "0.1x25\n"), TC_EFORMAT, "linear.tsv:9: ",
         "not a finite number");
    CASE(bc_.sp.linear = R(TINY_LINEAR, "0.125\n", "nan\n"), TC_EFORMAT, "linear.tsv:9: ",
         "not a finite number");
    CASE(bc_.sp.linear = R(TINY_LINEAR, "2.5\n", ""), TC_EFORMAT, "linear.tsv:10: ", "file ends");
    CASE(bc_.sp.linear = R(TINY_LINEAR, "2.5\n", "2.5\n1.0\n"), TC_EFORMAT, "linear.tsv:11: ",
         "text after the 5 weight lines");
    CASE(bc_.sp.linear = R(TINY_LINEAR, "textclf-linear\t1", "textclf-linear\t7"), TC_EFORMAT,
         "linear.tsv:1: ", "newer");
    /* libsvm classifier file (the rest: test_svmfile.c, test_libsvm.c) */
    SVMCASE(bc_.sp.svm = R(TINY_SVM, "5:2", "6:2"), TC_EFORMAT, "model.svm:10: ",
            "feature index 6 outside 1..5");
    SVMCASE(bc_.sp.svm = R(TINY_SVM, "total_sv 2", "total_sv 3"), TC_EFORMAT, "model.svm:", "");
    SVMCASE(bc_.sp.svm = R(TINY_SVM, "rho 0.5", "rho abc"), TC_EFORMAT, "model.svm:5: ",
            "not a finite number");
    SVMCASE(bc_.sp.svm = R(TINY_SVM, "label 0 1", "label 1 0"), TC_EFORMAT, "model.svm:6: ",
            "label");
    SVMCASE(bc_.sp.svm = R(TINY_SVM, "-1 2:0.25 5:2 \n", ""), TC_EFORMAT, "model.svm:10: ",
            "file ends after 1 of 2 support vectors");
    SVMCASE(bc_.sp.clf = R(TINY_CLF_SVM, "\"none\"", "\"pairwise_coupling\""), TC_EFORMAT,
            "model.svm:", "probA");
    /* golden file (the rest: test_golden.c) */
    CASE(bc_.sp.golden = "", TC_EFORMAT, "golden.jsonl", "no golden samples");
    CASE(bc_.sp.golden = "{\"text\": \"x\", \"label\": \"negative\", \"scores\": "
                         "{\"negative\": 0.5, \"positive\": 0.5}}\n",
         TC_EFORMAT, "golden.jsonl:1: ", "missing \"probabilities\"");
    /* golden mismatch: value off by 1e-6, and wrong label */
    double p1 = tiny_linear_p1(TINY_SAMPLES[0].tf);
    static char line1[300], line2[300], both[4096];
    snprintf(line1, sizeof line1,
             "{\"text\": \"good movie\", \"label\": \"positive\", \"probabilities\": "
             "{\"negative\": %.17g, \"positive\": %.17g}}\n",
             1.0 - p1 - 1e-6, p1 + 1e-6);
    snprintf(line2, sizeof line2,
             "{\"text\": \"good movie\", \"label\": \"negative\", \"probabilities\": "
             "{\"negative\": %.17g, \"positive\": %.17g}}\n",
             1.0 - p1, p1);
    TC_CHECK(p1 > 0.5, "sample 0 is positive (p1 %.17g)", p1);
    snprintf(both, sizeof both, "%s%s", g.data, line1);
    CASE(bc_.sp.golden = both, TC_EMISMATCH, "golden.jsonl:6: ", "does not reproduce");
    CASE(bc_.sp.golden = line2, TC_EMISMATCH, "golden.jsonl:1: ",
         "label \"negative\" expected, textclf predicts \"positive\"");
    /* Two parts wrong at once: errors come in a fixed order whatever the two load threads'
     * timing (reading, checksums, vocabulary, classifier). */
    CASE((bc_.sp.corrupt_sha = "golden.jsonl", bc_.sp.linear = R(TINY_LINEAR, "rows\t1", "rows\t2")),
         TC_EFORMAT, "golden.jsonl", "sha256");
    CASE((bc_.sp.vocab = "textclf-vocab\t1\t5\n1.5\tbad\n3.0\tgood movie\n1.5\tgood\n1.25\tbad\n"
                         "2.0\tvery good\n",
          bc_.sp.linear = R(TINY_LINEAR, "rows\t1", "rows\t2")),
         TC_EFORMAT, "vocab.tsv:5: ", "duplicate term");
    CASE((bc_.sp.golden = "", bc_.sp.linear = R(TINY_LINEAR, "rows\t1", "rows\t2")), TC_EFORMAT,
         "linear.tsv:2: ", "rows");
    for (size_t i = 0; i < ntmp; i++)
        TC_CHECK(tmp[i] != NULL, "stale pattern %zu", i);
    for (size_t i = 0; i < n; i++)
        run_bad(&cases[i], i);
    for (size_t i = 0; i < ntmp; i++)
        free(tmp[i]);
    tc_buf_free(&g);
    tc_buf_free(&gs);
}

TC_TESTS(TC_TEST(test_linear_model), TC_TEST(test_svm_model),
         TC_TEST(test_stop_words_and_skip_golden), TC_TEST(test_debug_log),
         TC_TEST(test_malformed_models))
