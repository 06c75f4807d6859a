/* test_model.c - model directories built in a temp dir from C strings: a tiny linear
 * model and a tiny libsvm model whose outputs are worked out by hand here (tf-idf,
 * l2, sigmoid / linear-kernel decision value), loaded, predicted and golden-checked;
 * then every malformed case (manifest, listed files, sizes, checksums, vocabulary,
 * classifier file, golden file), each refused with a message naming the file (and
 * line where there is one). Independent of ../shared/data. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/model_fixture.h"
#include "tc_buf.h"
#include "tc_model.h"
#include "tc_test.h"

/* columns: 0 bad, 1 good movie, 2 good, 3 movie, 4 very good */
static const char VOCAB[] = "textclf-vocab\t1\t5\n"
                            "1.5\tbad\n"
                            "3.0\tgood movie\n"
                            "1.5\tgood\n"
                            "1.25\tmovie\n"
                            "2.0\tvery good\n";
static const double IDF[5] = {1.5, 3.0, 1.5, 1.25, 2.0};
static const double W[5] = {-2.0, 1.5, 1.0, 0.125, 2.5};
static const double B = 0.25;

static const char LINEAR[] = "textclf-linear\t1\n"
                             "rows\t1\n"
                             "features\t5\n"
                             "intercept\t0.25\n"
                             "weights\n"
                             "-2.0\n"
                             "1.5\n"
                             "1.0\n"
                             "0.125\n"
                             "2.5\n";

/* libsvm, linear kernel: f = 1 * (0.5 x0 + 1 x2) - 1 * (0.25 x1 + 2 x4) - rho */
static const char SVM[] = "svm_type c_svc\n"
                          "kernel_type linear\n"
                          "nr_class 2\n"
                          "total_sv 2\n"
                          "rho 0.5\n"
                          "label 0 1\n"
                          "nr_sv 1 1\n"
                          "SV\n"
                          "1 1:0.5 3:1 \n"
                          "-1 2:0.25 5:2 \n";

/* Hand-computed tf (after tokenizing, lowercasing, n-grams) of the sample texts. */
typedef struct sample {
    const char *text, *json;  /* json: the text as a JSON string literal */
    double tf[5];
} sample;

static const sample SAMPLES[] = {
    {"good movie", "\"good movie\"", {0, 1, 1, 1, 0}},
    {"bad bad movie", "\"bad bad movie\"", {2, 0, 0, 1, 0}},
    {"", "\"\"", {0, 0, 0, 0, 0}},
    {"Very GOOD!", "\"Very GOOD!\"", {0, 0, 1, 0, 1}},
    {"a \"bad\" film\twith tab", "\"a \\\"bad\\\" film\\twith tab\"", {1, 0, 0, 0, 0}},
};
#define N_SAMPLES (sizeof SAMPLES / sizeof *SAMPLES)

/* sublinear tf, idf, l2 -- computed here, independently of the vectorizer */
static void tfidf(const double tf[5], double x[5])
{
    double s = 0.0;
    for (int j = 0; j < 5; j++) {
        x[j] = tf[j] > 0 ? (1.0 + log(tf[j])) * IDF[j] : 0.0;
        s += x[j] * x[j];
    }
    s = sqrt(s);
    for (int j = 0; j < 5; j++)
        x[j] = s > 0 ? x[j] / s : 0.0;
}

static double linear_p1(const double tf[5])
{
    double x[5], d = 0.0;
    tfidf(tf, x);
    for (int j = 0; j < 5; j++)
        d += x[j] * W[j];
    d += B;
    return 1.0 / (1.0 + exp(-d));
}

static double svm_f(const double tf[5])
{
    double x[5];
    tfidf(tf, x);
    return (0.5 * x[0] + 1.0 * x[2]) - (0.25 * x[1] + 2.0 * x[4]) - 0.5;
}

static void golden_linear(tc_buf *g)
{
    tc_buf_clear(g);
    for (size_t i = 0; i < N_SAMPLES; i++) {
        double p1 = linear_p1(SAMPLES[i].tf);
        tc_buf_printf(g,
                      "{\"text\": %s, \"label\": \"%s\", \"probabilities\": {\"negative\": "
                      "%.17g, \"positive\": %.17g}}\n",
                      SAMPLES[i].json, p1 > 0.5 ? "positive" : "negative", 1.0 - p1, p1);
    }
}

static void golden_svm(tc_buf *g)
{
    tc_buf_clear(g);
    for (size_t i = 0; i < N_SAMPLES; i++) {
        double f = svm_f(SAMPLES[i].tf);
        /* libsvm: f > 0 votes for label[0] = class 0 */
        tc_buf_printf(g,
                      "{\"text\": %s, \"label\": \"%s\", \"scores\": {\"negative\": %.17g, "
                      "\"positive\": %.17g}}\n",
                      SAMPLES[i].json, f > 0 ? "negative" : "positive", f, -f);
    }
}

static const char VEC[] =
    "\"type\": \"tfidf\", \"vocabulary\": \"vocab.tsv\", \"n_features\": 5, "
    "\"lowercase\": true, \"strip_accents\": null, \"token_pattern\": "
    "\"(?u)\\\\b\\\\w\\\\w+\\\\b\", \"analyzer\": \"word\", \"ngram_range\": [1, 2], "
    "\"stop_words\": null, \"binary\": false, \"sublinear_tf\": true, \"use_idf\": true, "
    "\"smooth_idf\": true, \"norm\": \"l2\", \"dtype\": \"float64\"";
static const char CLF_LINEAR[] = "\"type\": \"linear\", \"file\": \"linear.tsv\", \"estimator\": "
                                 "\"LogisticRegression\", \"probability\": \"logistic_ovr\"";
static const char CLF_SVM[] = "\"type\": \"libsvm\", \"file\": \"model.svm\", \"estimator\": "
                              "\"SVC\", \"probability\": \"none\", \"origin\": \"libsvm\", "
                              "\"libsvm_labels\": [0, 1]";

/* Everything that goes into one model directory; NULL fields take defaults. */
typedef struct spec {
    const char *format, *version, *classes, *vec, *clf, *golden_member;
    const char *vocab, *linear, *svm, *golden, *stop;  /* file contents; NULL: not written */
    const char *listed[6];       /* names under "files" (default: every file written) */
    const char *corrupt_sha;     /* listed with a wrong digest */
    const char *rewrite_name;    /* rewritten after the manifest is made ... */
    const char *rewrite_data;    /* ... with this content */
    const char *raw_manifest;    /* manifest.json verbatim */
    bool no_manifest;
} spec;

static char *replace(const char *src, const char *from, const char *to)
{
    const char *at = strstr(src, from);
    if (at == NULL)
        return NULL;
    size_t pre = (size_t)(at - src), fl = strlen(from), tl = strlen(to);
    char *s = malloc(strlen(src) - fl + tl + 1);
    if (s == NULL)
        return NULL;
    memcpy(s, src, pre);
    memcpy(s + pre, to, tl);
    strcpy(s + pre + tl, at + fl);
    return s;
}

/* Writes the model described by sp into dir (created fresh). */
static bool build(const char *dir, const spec *sp)
{
    const char *names[6];
    size_t nn = 0;
    struct {
        const char *name, *data;
    } files[] = {{"vocab.tsv", sp->vocab}, {"linear.tsv", sp->linear}, {"model.svm", sp->svm},
                 {"golden.jsonl", sp->golden}, {"stopwords.txt", sp->stop}};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        if (files[i].data == NULL)
            continue;
        if (!fx_write_str(dir, files[i].name, files[i].data))
            return false;
        names[nn++] = files[i].name;
    }
    if (sp->listed[0] != NULL) {
        nn = 0;
        while (nn < 6 && sp->listed[nn] != NULL) {
            names[nn] = sp->listed[nn];
            nn++;
        }
    }
    tc_buf fj = TC_BUF_INIT, man = TC_BUF_INIT;
    bool ok = fx_files_json(dir, names, nn, sp->corrupt_sha, &fj);
    if (ok && !sp->no_manifest) {
        if (sp->raw_manifest != NULL)
            ok = tc_buf_append_str(&man, sp->raw_manifest);
        else
            ok = tc_buf_printf(
                &man,
                "{\n\"format\": %s,\n\"format_version\": %s,\n\"name\": \"tiny\",\n"
                "\"description\": \"unit test\",\n\"classes\": %s,\n\"vectorizer\": {%s},\n"
                "\"classifier\": {%s},\n%s\"files\": %s,\n\"provenance\": {\"exporter\": "
                "\"test_model.c\"},\n\"future_key\": [1, 2, 3]\n}\n",
                sp->format ? sp->format : "\"textclf-model\"", sp->version ? sp->version : "1",
                sp->classes ? sp->classes : "[\"negative\", \"positive\"]", sp->vec ? sp->vec : VEC,
                sp->clf ? sp->clf : CLF_LINEAR,
                sp->golden_member ? sp->golden_member : "\"golden\": \"golden.jsonl\",\n",
                fj.data);
        ok = ok && fx_write(dir, "manifest.json", man.data, man.len);
    }
    if (ok && sp->rewrite_name != NULL)
        ok = fx_write_str(dir, sp->rewrite_name, sp->rewrite_data);
    tc_buf_free(&fj);
    tc_buf_free(&man);
    return ok;
}

static spec linear_spec(const tc_buf *golden)
{
    spec sp;
    memset(&sp, 0, sizeof sp);
    sp.vocab = VOCAB;
    sp.linear = LINEAR;
    sp.golden = golden->data;
    return sp;
}

static void test_linear_model(void)
{
    char dir[256];
    TC_CHECK(fx_mkdtemp(dir, sizeof dir), "mkdtemp");
    tc_buf g = TC_BUF_INIT;
    golden_linear(&g);
    spec sp = linear_spec(&g);
    TC_CHECK(build(dir, &sp), "build");
    tc_model *m = NULL;
    char err[TC_ERR_LEN] = "";
    tc_status st = tc_model_load(dir, NULL, &m, err);
    TC_CHECK(st == TC_OK, "load: %s", err);
    if (st == TC_OK) {
        TC_CHECK(tc_model_n_classes(m) == 2 && strcmp(tc_model_class_name(m, 0), "negative") == 0 &&
                     strcmp(tc_model_class_name(m, 1), "positive") == 0,
                 "classes");
        TC_CHECK(strcmp(tc_model_name(m), "tiny") == 0, "name");
        TC_CHECK(tc_model_n_features(m) == 5, "n_features");
        TC_CHECK(tc_model_output(m) == TC_OUTPUT_PROBABILITIES, "output kind");
        TC_CHECK(tc_model_n_golden(m) == N_SAMPLES, "golden count %zu", tc_model_n_golden(m));
        TC_CHECK(strcmp(tc_model_classifier_desc(m),
                        "linear (LogisticRegression, probability logistic_ovr)") == 0,
                 "desc: %s", tc_model_classifier_desc(m));
        TC_CHECK(tc_model_vectorizer(m) != NULL && tc_model_classifier(m) != NULL, "accessors");
        tc_workspace *ws = tc_workspace_new(m);
        TC_CHECK(ws != NULL, "workspace");
        for (size_t i = 0; ws != NULL && i < N_SAMPLES; i++) {
            tc_prediction p;
            st = tc_model_predict(m, ws, SAMPLES[i].text, strlen(SAMPLES[i].text), &p, err);
            double p1 = linear_p1(SAMPLES[i].tf);
            TC_CHECK(st == TC_OK && fabs(p.values[1] - p1) <= 1e-15 &&
                         fabs(p.values[0] - (1.0 - p1)) <= 1e-15 && p.label == (p1 > 0.5),
                     "sample %zu: p1 %.17g, expected %.17g", i, p.values[1], p1);
        }
        tc_prediction p;
        st = tc_model_predict(m, ws, "good \xc3\x28", 7, &p, err);
        TC_CHECK(st == TC_EINPUT, "invalid UTF-8 -> TC_EINPUT (%d): %s", (int)st, err);
        size_t checked = 0;
        TC_CHECK(tc_model_verify_golden(m, ws, &checked, err) == TC_OK && checked == N_SAMPLES,
                 "verify_golden: %s", err);
        tc_workspace_free(&ws);
        tc_model_free(&m);
        TC_CHECK(m == NULL, "free clears");
    }
    fx_rmdir(dir);
    tc_buf_free(&g);
}

static void test_svm_model(void)
{
    char dir[256];
    TC_CHECK(fx_mkdtemp(dir, sizeof dir), "mkdtemp");
    tc_buf g = TC_BUF_INIT;
    golden_svm(&g);
    spec sp;
    memset(&sp, 0, sizeof sp);
    sp.vocab = VOCAB;
    sp.svm = SVM;
    sp.golden = g.data;
    sp.clf = CLF_SVM;
    TC_CHECK(build(dir, &sp), "build");
    tc_model *m = NULL;
    char err[TC_ERR_LEN] = "";
    tc_status st = tc_model_load(dir, NULL, &m, err);
    TC_CHECK(st == TC_OK, "load: %s", err);
    if (st == TC_OK) {
        TC_CHECK(tc_model_output(m) == TC_OUTPUT_SCORES, "scores");
        TC_CHECK(strstr(tc_model_classifier_desc(m), "libsvm (SVC, probability none, origin libsvm)") != NULL,
                 "desc %s", tc_model_classifier_desc(m));
        tc_workspace *ws = tc_workspace_new(m);
        for (size_t i = 0; ws != NULL && i < N_SAMPLES; i++) {
            tc_prediction p;
            st = tc_model_predict(m, ws, SAMPLES[i].text, strlen(SAMPLES[i].text), &p, err);
            double f = svm_f(SAMPLES[i].tf);
            TC_CHECK(st == TC_OK && fabs(p.values[0] - f) <= 1e-12 &&
                         fabs(p.values[1] + f) <= 1e-12,
                     "svm sample %zu: %.17g, expected %.17g", i, p.values[0], f);
        }
        tc_workspace_free(&ws);
        tc_model_free(&m);
    }
    fx_rmdir(dir);
    tc_buf_free(&g);
}

static void test_stop_words_and_skip_golden(void)
{
    char dir[256];
    TC_CHECK(fx_mkdtemp(dir, sizeof dir), "mkdtemp");
    tc_buf g = TC_BUF_INIT;
    /* with "movie" as a stop word, "good movie" has tf good 1 only */
    static const double tf[5] = {0, 0, 1, 0, 0};
    double p1 = linear_p1(tf);
    tc_buf_printf(&g,
                  "{\"text\": \"good movie\", \"label\": \"%s\", \"probabilities\": "
                  "{\"positive\": %.17g, \"negative\": %.17g}}\n",
                  p1 > 0.5 ? "positive" : "negative", p1, 1.0 - p1);
    spec sp = linear_spec(&g);
    sp.stop = "textclf-stopwords\t1\t1\nmovie\n";
    char *vec = replace(VEC, "\"stop_words\": null", "\"stop_words\": \"stopwords.txt\"");
    sp.vec = vec;
    TC_CHECK(vec != NULL && build(dir, &sp), "build");
    tc_model *m = NULL;
    char err[TC_ERR_LEN] = "";
    TC_CHECK(tc_model_load(dir, NULL, &m, err) == TC_OK, "stop-word model: %s", err);
    tc_model_free(&m);
    /* the same golden line without stop words does not reproduce ... */
    spec sp2 = linear_spec(&g);
    fx_rmdir(dir);
    fx_mkdtemp(dir, sizeof dir);
    TC_CHECK(build(dir, &sp2), "build 2");
    tc_status st = tc_model_load(dir, NULL, &m, err);
    TC_CHECK(st == TC_EMISMATCH && strstr(err, "golden.jsonl:1: ") != NULL, "mismatch: %s", err);
    /* ... unless golden verification is skipped (loader tests only) */
    tc_model_load_options o = {true};
    TC_CHECK(tc_model_load(dir, &o, &m, err) == TC_OK && m != NULL, "skip_golden: %s", err);
    tc_model_free(&m);
    free(vec);
    fx_rmdir(dir);
    tc_buf_free(&g);
}

typedef struct bad_case {
    spec sp;
    tc_status status;
    const char *file;    /* the message must start with <dir>/<file> */
    const char *phrase;  /* and contain this */
} bad_case;

static void run_bad(const bad_case *c, size_t idx)
{
    char dir[256];
    if (!fx_mkdtemp(dir, sizeof dir)) {
        TC_CHECK(false, "mkdtemp");
        return;
    }
    if (!build(dir, &c->sp)) {
        TC_CHECK(false, "case %zu (%s): build", idx, c->phrase);
        fx_rmdir(dir);
        return;
    }
    tc_model *m = NULL;
    char err[TC_ERR_LEN] = "";
    tc_status st = tc_model_load(dir, NULL, &m, err);
    char prefix[512];
    snprintf(prefix, sizeof prefix, "%s/%s", dir, c->file);
    TC_CHECK(st == c->status && m == NULL, "case %zu (%s): status %d (%s), expected %d", idx,
             c->phrase, (int)st, err, (int)c->status);
    if (getenv("TEST_MODEL_VERBOSE") != NULL)
        fprintf(stderr, "case %zu: status %d: %s\n", idx, (int)st, err);
    TC_CHECK(strncmp(err, prefix, strlen(prefix)) == 0 && strstr(err, c->phrase) != NULL,
             "case %zu: message \"%.300s\", expected \"%.300s...%s\"", idx, err, prefix, c->phrase);
    tc_model_free(&m);
    fx_rmdir(dir);
}

static void test_malformed_models(void)
{
    tc_buf g = TC_BUF_INIT, gs = TC_BUF_INIT;
    golden_linear(&g);
    golden_svm(&gs);
    const spec base = linear_spec(&g);
    spec svm_base = base;
    svm_base.linear = NULL;
    svm_base.svm = SVM;
    svm_base.clf = CLF_SVM;
    svm_base.golden = gs.data;
    char *tmp[64];
    size_t ntmp = 0;
#define R(src, from, to) (tmp[ntmp++] = replace((src), (from), (to)))
    bad_case cases[80];
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

    /* manifest */
    CASE(bc_.sp.no_manifest = true, TC_EIO, "manifest.json", "cannot open");
    CASE(bc_.sp.raw_manifest = "{\"format\": \"textclf-model\",\n\"format_version\": 1,\n  oops}",
         TC_EFORMAT, "manifest.json:3: ", "invalid JSON");
    CASE(bc_.sp.raw_manifest = "[1, 2]", TC_EFORMAT, "manifest.json", "must be a JSON object");
    CASE(bc_.sp.raw_manifest = "{} trailing", TC_EFORMAT, "manifest.json", "invalid JSON");
    CASE(bc_.sp.format = "\"textclf-modell\"", TC_EFORMAT, "manifest.json",
         "unsupported format \"textclf-modell\"");
    CASE(bc_.sp.format = "\"sklearn-pickle\"", TC_EFORMAT, "manifest.json", "unsupported format");
    CASE(bc_.sp.version = "2", TC_EFORMAT, "manifest.json",
         "model format version 2 is newer than this textclf supports (1)");
    CASE(bc_.sp.version = "0", TC_EFORMAT, "manifest.json", "version 0 is not supported");
    CASE(bc_.sp.version = "\"1\"", TC_EFORMAT, "manifest.json", "format_version");
    CASE(bc_.sp.version = "1.5", TC_EFORMAT, "manifest.json", "format_version");
    CASE(bc_.sp.classes = "[\"only\"]", TC_EFORMAT, "manifest.json", "2 or more");
    CASE(bc_.sp.classes = "[\"a\", \"a\"]", TC_EFORMAT, "manifest.json", "appears twice");
    CASE(bc_.sp.classes = "[\"a\", \"\"]", TC_EFORMAT, "manifest.json", "classes[1]");
    CASE(bc_.sp.classes = "[\"a\", 1]", TC_EFORMAT, "manifest.json", "classes[1]");
    CASE(bc_.sp.classes = "\"ab\"", TC_EFORMAT, "manifest.json", "\"classes\" must be an array");
    CASE(bc_.sp.vec = R(VEC, "\"tfidf\"", "\"count\""), TC_EFORMAT, "manifest.json",
         "unsupported vectorizer.type \"count\"");
    CASE(bc_.sp.vec = R(VEC, "\"word\"", "\"char\""), TC_EFORMAT, "manifest.json",
         "vectorizer.analyzer");
    CASE(bc_.sp.vec = R(VEC, "\\\\w\\\\w+", "\\\\w+"), TC_EFORMAT, "manifest.json",
         "vectorizer.token_pattern");
    CASE(bc_.sp.vec = R(VEC, "\"float64\"", "\"float32\""), TC_EFORMAT, "manifest.json",
         "vectorizer.dtype");
    CASE(bc_.sp.vec = R(VEC, "\"strip_accents\": null", "\"strip_accents\": \"latin\""),
         TC_EFORMAT, "manifest.json", "vectorizer.strip_accents \"latin\"");
    CASE(bc_.sp.vec = R(VEC, "\"norm\": \"l2\"", "\"norm\": \"max\""), TC_EFORMAT,
         "manifest.json", "vectorizer.norm \"max\"");
    CASE(bc_.sp.vec = R(VEC, "\"binary\": false", "\"binary\": 0"), TC_EFORMAT, "manifest.json",
         "\"vectorizer.binary\" must be true or false");
    CASE(bc_.sp.vec = R(VEC, "\"lowercase\": true, ", ""), TC_EFORMAT, "manifest.json",
         "missing \"vectorizer.lowercase\"");
    CASE(bc_.sp.vec = R(VEC, "[1, 2]", "[0, 2]"), TC_EFORMAT, "manifest.json", "ngram_range");
    CASE(bc_.sp.vec = R(VEC, "[1, 2]", "[2, 1]"), TC_EFORMAT, "manifest.json", "ngram_range");
    CASE(bc_.sp.vec = R(VEC, "[1, 2]", "[1, 9]"), TC_EFORMAT, "manifest.json", "ngram_range");
    CASE(bc_.sp.vec = R(VEC, "[1, 2]", "[1]"), TC_EFORMAT, "manifest.json", "ngram_range");
    CASE(bc_.sp.vec = R(VEC, "\"n_features\": 5", "\"n_features\": 6"), TC_EFORMAT,
         "manifest.json", "\"vectorizer.n_features\" is 6 but");
    CASE(bc_.sp.vec = R(VEC, "\"stop_words\": null", "\"stop_words\": 3"), TC_EFORMAT,
         "manifest.json", "stop_words");
    CASE(bc_.sp.vec = R(VEC, "\"vocab.tsv\"", "\"../vocab.tsv\""), TC_EFORMAT, "manifest.json",
         "not a plain file name");
    CASE(bc_.sp.vec = R(VEC, "\"vocab.tsv\"", "\"other.tsv\""), TC_EFORMAT, "manifest.json",
         "\"other.tsv\", which is not listed in \"files\"");
    CASE(bc_.sp.clf = R(CLF_LINEAR, "\"linear\"", "\"tree\""), TC_EFORMAT, "manifest.json",
         "unsupported classifier.type \"tree\"");
    CASE(bc_.sp.clf = R(CLF_LINEAR, "\"logistic_ovr\"", "\"isotonic\""), TC_EFORMAT,
         "manifest.json", "classifier.probability \"isotonic\"");
    CASE(bc_.sp.clf = R(CLF_LINEAR, "\"logistic_ovr\"", "\"softmax\""), TC_EFORMAT,
         "manifest.json", "needs 3 or more classes");
    CASE(bc_.sp.golden_member = "", TC_EFORMAT, "manifest.json", "missing \"golden\"");
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
          bc_.sp.rewrite_data = R(LINEAR, "0.125", "0.126")),
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
    /* linear classifier file */
    CASE(bc_.sp.linear = R(LINEAR, "features\t5", "features\t4"), TC_EFORMAT, "linear.tsv:3: ",
         "features");
    CASE(bc_.sp.linear = R(LINEAR, "rows\t1", "rows\t2"), TC_EFORMAT, "linear.tsv:2: ", "rows");
    CASE(bc_.sp.linear = R(LINEAR, "0.125\n", "0.1x25\n"), TC_EFORMAT, "linear.tsv:9: ", "");
    CASE(bc_.sp.linear = R(LINEAR, "0.125\n", "nan\n"), TC_EFORMAT, "linear.tsv:9: ", "");
    CASE(bc_.sp.linear = R(LINEAR, "2.5\n", ""), TC_EFORMAT, "linear.tsv:", "");
    CASE(bc_.sp.linear = R(LINEAR, "2.5\n", "2.5\n1.0\n"), TC_EFORMAT, "linear.tsv:11: ", "");
    CASE(bc_.sp.linear = R(LINEAR, "textclf-linear\t1", "textclf-linear\t7"), TC_EFORMAT,
         "linear.tsv:1: ", "");
    /* libsvm classifier file */
    SVMCASE(bc_.sp.svm = R(SVM, "5:2", "6:2"), TC_EFORMAT, "model.svm:10: ",
            "feature index 6 outside 1..5");
    SVMCASE(bc_.sp.svm = R(SVM, "total_sv 2", "total_sv 3"), TC_EFORMAT, "model.svm:", "");
    SVMCASE(bc_.sp.svm = R(SVM, "rho 0.5", "rho abc"), TC_EFORMAT, "model.svm:5: ",
            "not a finite number");
    SVMCASE(bc_.sp.svm = R(SVM, "label 0 1", "label 1 0"), TC_EFORMAT, "model.svm:6: ", "label");
    SVMCASE(bc_.sp.svm = R(SVM, "-1 2:0.25 5:2 \n", ""), TC_EFORMAT, "model.svm:10: ",
            "file ends after 1 of 2 support vectors");
    SVMCASE(bc_.sp.clf = R(CLF_SVM, "\"none\"", "\"pairwise_coupling\""), TC_EFORMAT,
            "model.svm:", "probA");
    SVMCASE(bc_.sp.clf = R(CLF_SVM, "[0, 1]", "[0, 1, 2]"), TC_EFORMAT, "manifest.json",
            "libsvm_labels");
    SVMCASE(bc_.sp.clf = R(CLF_SVM, "\"origin\": \"libsvm\"", "\"origin\": \"R\""), TC_EFORMAT,
            "manifest.json", "classifier.origin \"R\"");
    /* golden file */
    CASE(bc_.sp.golden = "", TC_EFORMAT, "golden.jsonl", "no golden samples");
    CASE(bc_.sp.golden = "{\"text\": \"x\"", TC_EFORMAT, "golden.jsonl:1: ", "no newline");
    CASE(bc_.sp.golden = "{\"text\": \"x\", \"label\": \"negative\", \"probabilities\": "
                         "{\"negative\": 0.5, \"positive\": 0.5}}\n\n",
         TC_EFORMAT, "golden.jsonl:2: ", "empty line");
    CASE(bc_.sp.golden = "{\"text\": \"x\", \"label\": negative}\n", TC_EFORMAT,
         "golden.jsonl:1: ", "invalid JSON");
    CASE(bc_.sp.golden = "{\"text\": \"x\", \"label\": \"negative\", \"probabilities\": "
                         "{\"negative\": 0.5, \"positive\": 0.5}} x\n",
         TC_EFORMAT, "golden.jsonl:1: ", "trailing characters");
    CASE(bc_.sp.golden = "{\"text\": \"x\", \"label\": \"neutral\", \"probabilities\": "
                         "{\"negative\": 0.5, \"positive\": 0.5}}\n",
         TC_EFORMAT, "golden.jsonl:1: ", "label \"neutral\" is not one of the model's classes");
    CASE(bc_.sp.golden = "{\"text\": \"x\", \"label\": \"negative\", \"scores\": "
                         "{\"negative\": 0.5, \"positive\": 0.5}}\n",
         TC_EFORMAT, "golden.jsonl:1: ", "missing \"probabilities\"");
    CASE(bc_.sp.golden = "{\"text\": \"x\", \"label\": \"negative\", \"probabilities\": "
                         "{\"negative\": 0.5, \"positif\": 0.5}}\n",
         TC_EFORMAT, "golden.jsonl:1: ", "no finite number for class \"positive\"");
    CASE(bc_.sp.golden = "{\"text\": 5, \"label\": \"negative\", \"probabilities\": "
                         "{\"negative\": 0.5, \"positive\": 0.5}}\n",
         TC_EFORMAT, "golden.jsonl:1: ", "expected {\"text\"");
    /* golden mismatch: value off by 1e-6, and wrong label */
    {
        double p1 = linear_p1(SAMPLES[0].tf);
        static char line1[300], line2[300];
        snprintf(line1, sizeof line1,
                 "{\"text\": \"good movie\", \"label\": \"positive\", \"probabilities\": "
                 "{\"negative\": %.17g, \"positive\": %.17g}}\n",
                 1.0 - p1 - 1e-6, p1 + 1e-6);
        snprintf(line2, sizeof line2,
                 "{\"text\": \"good movie\", \"label\": \"negative\", \"probabilities\": "
                 "{\"negative\": %.17g, \"positive\": %.17g}}\n",
                 1.0 - p1, p1);
        TC_CHECK(p1 > 0.5, "sample 0 is positive (p1 %.17g)", p1);
        static char both[4096];
        snprintf(both, sizeof both, "%s%s", g.data, line1);
        CASE(bc_.sp.golden = both, TC_EMISMATCH, "golden.jsonl:6: ", "does not reproduce");
        CASE(bc_.sp.golden = line2, TC_EMISMATCH, "golden.jsonl:1: ",
             "label \"negative\" expected, textclf predicts \"positive\"");
    }
    for (size_t i = 0; i < n; i++) {
        int before = tc_test_failed_checks;
        run_bad(&cases[i], i);
        if (getenv("TEST_MODEL_VERBOSE") != NULL && tc_test_failed_checks != before)
            fprintf(stderr, "case %zu (%s) failed\n", i, cases[i].phrase);
    }
    for (size_t i = 0; i < ntmp; i++)
        free(tmp[i]);
    tc_buf_free(&g);
    tc_buf_free(&gs);
}

TC_TESTS(TC_TEST(test_linear_model), TC_TEST(test_svm_model),
         TC_TEST(test_stop_words_and_skip_golden), TC_TEST(test_malformed_models))
