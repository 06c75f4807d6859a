/*
 * tiny_model.h - a model small enough to work out by hand, as C strings: a 5-term
 * vocabulary, a binary linear classifier and a linear-kernel libsvm one, sample texts with
 * their hand-counted term frequencies, and the expected outputs computed here (tf-idf, l2,
 * sigmoid / decision value) independently of the code under test. Plus the manifest that
 * ties them together, and the setup of a loaded model with a workspace (header-only: the
 * unit-test build compiles one .c per test).
 *
 *   tiny_spec sp = tiny_linear_spec(&golden);  sp.vec = ...;   -> one variation
 *   tiny_manifest(&sp, files_json, &buf);                      -> manifest.json text
 *   tiny_build(dir, &sp);                                      -> the whole directory
 *   tiny_loaded t; tiny_load(&sp, NULL, &t, err); ... tiny_unload(&t);
 */
#ifndef TC_TINY_MODEL_H
#define TC_TINY_MODEL_H

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "model_fixture.h"
#include "tc_buf.h"
#include "tc_model.h"

/* columns: 0 bad, 1 good movie, 2 good, 3 movie, 4 very good */
static const char TINY_VOCAB[] = "textclf-vocab\t1\t5\n"
                                 "1.5\tbad\n"
                                 "3.0\tgood movie\n"
                                 "1.5\tgood\n"
                                 "1.25\tmovie\n"
                                 "2.0\tvery good\n";
static const double TINY_IDF[5] = {1.5, 3.0, 1.5, 1.25, 2.0};
static const double TINY_W[5] = {-2.0, 1.5, 1.0, 0.125, 2.5};
static const double TINY_B = 0.25;

static const char TINY_LINEAR[] = "textclf-linear\t1\n"
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
static const char TINY_SVM[] = "svm_type c_svc\n"
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
typedef struct tiny_sample {
    const char *text, *json;  /* json: the text as a JSON string literal */
    double tf[5];
} tiny_sample;

static const tiny_sample TINY_SAMPLES[] = {
    {"good movie", "\"good movie\"", {0, 1, 1, 1, 0}},
    {"bad bad movie", "\"bad bad movie\"", {2, 0, 0, 1, 0}},
    {"", "\"\"", {0, 0, 0, 0, 0}},
    {"Very GOOD!", "\"Very GOOD!\"", {0, 0, 1, 0, 1}},
    {"a \"bad\" film\twith tab", "\"a \\\"bad\\\" film\\twith tab\"", {1, 0, 0, 0, 0}},
};
#define TINY_N_SAMPLES (sizeof TINY_SAMPLES / sizeof *TINY_SAMPLES)

/* sublinear tf, idf, l2 -- computed here, independently of the vectorizer */
static inline void tiny_tfidf(const double tf[5], double x[5])
{
    double s = 0.0;
    for (int j = 0; j < 5; j++) {
        x[j] = tf[j] > 0 ? (1.0 + log(tf[j])) * TINY_IDF[j] : 0.0;
        s += x[j] * x[j];
    }
    s = sqrt(s);
    for (int j = 0; j < 5; j++)
        x[j] = s > 0 ? x[j] / s : 0.0;
}

static inline double tiny_linear_p1(const double tf[5])
{
    double x[5], d = 0.0;
    tiny_tfidf(tf, x);
    for (int j = 0; j < 5; j++)
        d += x[j] * TINY_W[j];
    d += TINY_B;
    return 1.0 / (1.0 + exp(-d));
}

static inline double tiny_svm_f(const double tf[5])
{
    double x[5];
    tiny_tfidf(tf, x);
    return (0.5 * x[0] + 1.0 * x[2]) - (0.25 * x[1] + 2.0 * x[4]) - 0.5;
}

/* Golden samples of the linear model (probabilities) or of the libsvm one (scores), one
 * line per sample, with the values worked out above. */
static inline void tiny_golden(tc_buf *g, bool svm)
{
    tc_buf_clear(g);
    for (size_t i = 0; i < TINY_N_SAMPLES; i++) {
        double p1 = tiny_linear_p1(TINY_SAMPLES[i].tf), f = tiny_svm_f(TINY_SAMPLES[i].tf);
        /* libsvm: f > 0 votes for label[0] = class 0; its scores are (f, -f) */
        bool positive = svm ? !(f > 0) : p1 > 0.5;
        tc_buf_printf(g, "{\"text\": %s, \"label\": \"%s\", \"%s\": {\"negative\": %.17g, "
                         "\"positive\": %.17g}}\n",
                      TINY_SAMPLES[i].json, positive ? "positive" : "negative",
                      svm ? "scores" : "probabilities", svm ? f : 1.0 - p1, svm ? -f : p1);
    }
}
static inline void tiny_golden_linear(tc_buf *g) { tiny_golden(g, false); }
static inline void tiny_golden_svm(tc_buf *g) { tiny_golden(g, true); }

/* The manifest's sections, without their braces. */
static const char TINY_VEC[] =
    "\"type\": \"tfidf\", \"vocabulary\": \"vocab.tsv\", \"n_features\": 5, "
    "\"lowercase\": true, \"strip_accents\": null, \"token_pattern\": "
    "\"(?u)\\\\b\\\\w\\\\w+\\\\b\", \"analyzer\": \"word\", \"ngram_range\": [1, 2], "
    "\"stop_words\": null, \"binary\": false, \"sublinear_tf\": true, \"use_idf\": true, "
    "\"smooth_idf\": true, \"norm\": \"l2\", \"dtype\": \"float64\"";
static const char TINY_CLF_LINEAR[] = "\"type\": \"linear\", \"file\": \"linear.tsv\", "
                                      "\"estimator\": \"LogisticRegression\", \"probability\": "
                                      "\"logistic_ovr\"";
static const char TINY_CLF_SVM[] = "\"type\": \"libsvm\", \"file\": \"model.svm\", \"estimator\": "
                                   "\"SVC\", \"probability\": \"none\", \"origin\": \"libsvm\", "
                                   "\"libsvm_labels\": [0, 1]";

/* Everything that goes into one model directory; NULL fields take defaults. */
typedef struct tiny_spec {
    const char *format, *version, *classes, *vec, *clf, *golden_member;
    const char *vocab, *linear, *svm, *golden, *stop;  /* file contents; NULL: not written */
    const char *listed[6];       /* names under "files" (default: every file written) */
    const char *corrupt_sha;     /* listed with a wrong digest */
    const char *rewrite_name;    /* rewritten after the manifest is made ... */
    const char *rewrite_data;    /* ... with this content */
    const char *raw_manifest;    /* manifest.json verbatim */
    bool no_manifest;
} tiny_spec;

/* The linear model with golden samples g. */
static inline tiny_spec tiny_linear_spec(const tc_buf *g)
{
    tiny_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.vocab = TINY_VOCAB;
    sp.linear = TINY_LINEAR;
    sp.golden = g->data;
    return sp;
}

/* The libsvm model with golden samples g. */
static inline tiny_spec tiny_svm_spec(const tc_buf *g)
{
    tiny_spec sp = tiny_linear_spec(g);
    sp.linear = NULL;
    sp.svm = TINY_SVM;
    sp.clf = TINY_CLF_SVM;
    return sp;
}

/* manifest.json for sp (sp->raw_manifest verbatim if set), files_json its "files" value. */
static inline bool tiny_manifest(const tiny_spec *sp, const char *files_json, tc_buf *out)
{
    tc_buf_clear(out);
    if (sp->raw_manifest != NULL)
        return tc_buf_append_str(out, sp->raw_manifest);
    return tc_buf_printf(
        out,
        "{\n\"format\": %s,\n\"format_version\": %s,\n\"name\": \"tiny\",\n"
        "\"description\": \"unit test\",\n\"classes\": %s,\n\"vectorizer\": {%s},\n"
        "\"classifier\": {%s},\n%s\"files\": %s,\n\"provenance\": {\"exporter\": "
        "\"tiny_model.h\"},\n\"future_key\": [1, 2, 3]\n}\n",
        sp->format ? sp->format : "\"textclf-model\"", sp->version ? sp->version : "1",
        sp->classes ? sp->classes : "[\"negative\", \"positive\"]", sp->vec ? sp->vec : TINY_VEC,
        sp->clf ? sp->clf : TINY_CLF_LINEAR,
        sp->golden_member ? sp->golden_member : "\"golden\": \"golden.jsonl\",\n", files_json);
}

/* Writes the model described by sp into dir (an existing, empty directory). */
static inline bool tiny_build(const char *dir, const tiny_spec *sp)
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
    if (ok && !sp->no_manifest)
        ok = tiny_manifest(sp, fj.data, &man) && fx_write(dir, "manifest.json", man.data, man.len);
    if (ok && sp->rewrite_name != NULL)
        ok = fx_write_str(dir, sp->rewrite_name, sp->rewrite_data);
    tc_buf_free(&fj);
    tc_buf_free(&man);
    return ok;
}

/* A model built from a spec, loaded, with a workspace; its directory is removed again by
 * tiny_unload. */
typedef struct tiny_loaded {
    char dir[256];
    tc_model *m;
    tc_workspace *ws;
} tiny_loaded;

/* Builds sp in a fresh directory and loads it (opt may be NULL). Returns the load's status
 * (err: its message), or TC_EIO if the directory could not be written, TC_ENOMEM if no
 * workspace could be made. t is ready for tiny_unload in every case. */
static inline tc_status tiny_load(const tiny_spec *sp, const tc_model_load_options *opt,
                                  tiny_loaded *t, char *err)
{
    memset(t, 0, sizeof *t);
    if (!fx_mkdtemp(t->dir, sizeof t->dir)) {
        t->dir[0] = '\0';
        return tc_fail(err, TC_EIO, "mkdtemp failed");
    }
    if (!tiny_build(t->dir, sp))
        return tc_fail(err, TC_EIO, "%s: cannot write the model", t->dir);
    tc_status st = tc_model_load(t->dir, opt, &t->m, err);
    if (st == TC_OK && (t->ws = tc_workspace_new(t->m)) == NULL)
        return tc_fail(err, TC_ENOMEM, "no workspace");
    return st;
}

static inline void tiny_unload(tiny_loaded *t)
{
    tc_workspace_free(&t->ws);
    tc_model_free(&t->m);
    if (t->dir[0] != '\0')
        fx_rmdir(t->dir);
}

#endif
