/*
 * model.c - loads and verifies a model directory (see tc_model.h) and runs its predict
 * pipeline: text -> vectorizer -> classifier.
 *
 * Load: the manifest first (tc_manifest.h), then every listed file is read once and its
 * size and sha256 checked from memory (tc_model_files.h); the vectorizer, classifier and
 * golden samples are parsed from those same bytes. Two threads: this one reads the files
 * other than the classifier's and builds the vectorizer from them; the second hashes
 * those files meanwhile, then reads, hashes and loads the classifier. Errors are reported
 * in a fixed order (reading, checksums, vocabulary, classifier), whatever the timing.
 */
#include "tc_model.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tc_golden.h"
#include "tc_log.h"
#include "tc_model_files.h"
#include "tc_spark_vectorizer.h"
#include "tc_vectorizer.h"

struct tc_model {
    char *name;
    char **classes;
    size_t n_classes;
    tc_output_schema schema;  /* views classes; filled once the classifier is loaded */
    tc_vectorizer *vec;          /* one of vec and svec */
    tc_spark_vectorizer *svec;
    tc_classifier *clf;
    tc_golden *golden;
    char desc[160];
    double golden_tolerance;  /* the manifest's, for every golden check */
    char *manifest;       /* manifest.json's bytes, NUL-terminated */
    size_t manifest_len;
};

struct tc_workspace {
    tc_vectorizer_scratch *vs;
    tc_spark_vectorizer_scratch *svs;
    tc_classifier_scratch *cs;
    double *values;
};

/* One load in progress: the manifest and the bytes of its files. */
typedef struct load_ctx {
    const char *dir;
    tc_manifest *man;
    const tc_listed_file *files;
    size_t n_files;
    tc_file_bytes *bytes;               /* n_files, parallel to files */
    const tc_listed_file *clf_file;
    size_t read_files, read_bytes;
} load_ctx;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static tc_file_bytes *bytes_of(const load_ctx *c, const tc_listed_file *f)
{
    return &c->bytes[f - c->files];
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p != NULL)
        memcpy(p, s, n);
    return p;
}

/* What the model keeps of the manifest: name, classes, the classifier's description. */
static tc_status copy_identity(const tc_manifest *man, tc_model *m, char *err)
{
    const size_t n = tc_manifest_n_classes(man);
    const char *const *classes = tc_manifest_classes(man);
    if ((m->name = dup_str(tc_manifest_name(man))) == NULL ||
        (m->classes = calloc(n, sizeof *m->classes)) == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    for (; m->n_classes < n; m->n_classes++)
        if ((m->classes[m->n_classes] = dup_str(classes[m->n_classes])) == NULL)
            return tc_fail(err, TC_ENOMEM, "out of memory");
    snprintf(m->desc, sizeof m->desc, "%s", tc_manifest_classifier(man)->desc);
    m->golden_tolerance = tc_manifest_golden_tolerance(man);
    return TC_OK;
}

/* ---- the vectorizer (this thread) -------------------------------------------------------- */

static tc_status build_spark_vectorizer(load_ctx *c, const tc_vectorizer_section *vs,
                                        tc_spark_vectorizer **out, char *err)
{
    const tc_file_bytes *voc = vs->spark_vocabulary ? bytes_of(c, vs->spark_vocabulary) : NULL;
    const tc_file_bytes *stop = vs->stop_words ? bytes_of(c, vs->stop_words) : NULL;
    const tc_file_bytes *idf = vs->spark_idf ? bytes_of(c, vs->spark_idf) : NULL;
    return tc_spark_vectorizer_load(
        &vs->spark, voc ? vs->spark_vocabulary->path : NULL, voc ? voc->data : NULL,
        voc ? voc->len : 0, stop ? vs->stop_words->path : NULL, stop ? stop->data : NULL,
        stop ? stop->len : 0, idf ? vs->spark_idf->path : NULL, idf ? idf->data : NULL,
        idf ? idf->len : 0, out, err);
}

/* A HashingVectorizer from its stop-word and idf files (either may be NULL). */
static tc_status build_hashing(load_ctx *c, const tc_vectorizer_config *cfg,
                               const tc_listed_file *stop_file, const tc_listed_file *idf_file,
                               tc_vectorizer **out, char *err)
{
    const tc_file_bytes *stop = stop_file ? bytes_of(c, stop_file) : NULL;
    const tc_file_bytes *idf = idf_file ? bytes_of(c, idf_file) : NULL;
    return tc_vectorizer_load_hashing_mem(cfg, stop ? stop_file->path : NULL,
                                          stop ? stop->data : NULL, stop ? stop->len : 0,
                                          idf ? idf_file->path : NULL, idf ? idf->data : NULL,
                                          idf ? idf->len : 0, out, err);
}

/* A FeatureUnion: each "tfidf" or "hashing" part from its files, then the union
 * (tc_vec_union.h). */
static tc_status build_union(load_ctx *c, const tc_vectorizer_section *vs, tc_model *m, char *err)
{
    tc_vectorizer *parts[TC_UNION_MAX_PARTS] = {NULL};
    tc_status st = TC_OK;
    size_t n = 0;
    for (; n < vs->n_parts && st == TC_OK; n++) {
        const tc_vectorizer_part *p = &vs->parts[n];
        if (p->config.hash_features > 0) {
            st = build_hashing(c, &p->config, p->stop_words, p->idf, &parts[n], err);
            continue;
        }
        const tc_file_bytes *voc = bytes_of(c, p->vocabulary);
        const tc_file_bytes *stop = p->stop_words ? bytes_of(c, p->stop_words) : NULL;
        st = tc_vectorizer_load_mem(&p->config, p->vocabulary->path, voc->data, voc->len,
                                    stop ? p->stop_words->path : NULL, stop ? stop->data : NULL,
                                    stop ? stop->len : 0, &parts[n], err);
        if (st == TC_OK && tc_vectorizer_n_features(parts[n]) != p->n_features)
            st = tc_fail(err, TC_EFORMAT, "%s: \"n_features\" of vectorizer part %zu is %zu but "
                         "%s has %zu terms", tc_manifest_path(c->man), n, p->n_features,
                         p->vocabulary->path, tc_vectorizer_n_features(parts[n]));
    }
    if (st != TC_OK) {
        for (size_t i = 0; i < n; i++)
            tc_vectorizer_free(&parts[i]);
        return st;
    }
    return tc_vectorizer_union(parts, n, &m->vec, err);
}

/* Builds the vectorizer kind the manifest names from its files' bytes (hashes are being
 * verified meanwhile; a mismatch is reported before anything this returns). */
static tc_status build_vectorizer(load_ctx *c, tc_model *m, char *err)
{
    const tc_vectorizer_section *vs = tc_manifest_vectorizer(c->man);
    tc_status st = TC_EUNSUPPORTED;
    switch (vs->kind) {
    case TC_VECTORIZER_TFIDF:
    case TC_VECTORIZER_KERAS: {  /* same pipeline; Keras has no stop words */
        const tc_file_bytes *voc = bytes_of(c, vs->vocabulary);
        const tc_file_bytes *stop = vs->stop_words ? bytes_of(c, vs->stop_words) : NULL;
        st = tc_vectorizer_load_mem(&vs->config, vs->vocabulary->path, voc->data, voc->len,
                                    stop ? vs->stop_words->path : NULL, stop ? stop->data : NULL,
                                    stop ? stop->len : 0, &m->vec, err);
        if (st == TC_OK && tc_vectorizer_n_features(m->vec) != vs->n_features)
            st = tc_fail(err, TC_EFORMAT,
                         "%s: \"vectorizer.n_features\" is %zu but %s has %zu terms",
                         tc_manifest_path(c->man), vs->n_features, vs->vocabulary->path,
                         tc_vectorizer_n_features(m->vec));
        break;
    }
    case TC_VECTORIZER_SPARK:
        st = build_spark_vectorizer(c, vs, &m->svec, err);
        break;
    case TC_VECTORIZER_UNION:
        st = build_union(c, vs, m, err);
        break;
    case TC_VECTORIZER_HASHING:
        st = build_hashing(c, &vs->config, vs->stop_words, vs->idf, &m->vec, err);
        break;
    }
    return st;
}

/* ---- the classifier (second thread) ------------------------------------------------------- */

typedef struct classifier_job {
    load_ctx *c;
    tc_model *m;
    tc_status hash_st, st;           /* hashes of the other files; the classifier */
    char hash_err[TC_ERR_LEN], err[TC_ERR_LEN];
    double hash_ms, clf_ms;
} classifier_job;

/* Hashes the files the first thread already read (it parses them meanwhile, read-only on
 * both sides), then reads and hashes the classifier file and parses those same bytes.
 * Writes only its job fields, the classifier file's bytes and m->clf. */
static void *build_classifier(void *arg)
{
    classifier_job *job = arg;
    load_ctx *c = job->c;
    tc_model *m = job->m;
    double t0 = now_ms();
    for (size_t i = 0; i < c->n_files && job->hash_st == TC_OK; i++)
        if (&c->files[i] != c->clf_file)
            job->hash_st = tc_listed_file_verify(&c->files[i], &c->bytes[i], job->hash_err);
    double t1 = now_ms();
    const tc_listed_file *f = c->clf_file;
    tc_file_bytes *b = bytes_of(c, f);
    const tc_classifier_section *cs = tc_manifest_classifier(c->man);
    job->st = tc_listed_file_read(f, b, job->err);
    if (job->st == TC_OK)
        job->st = tc_listed_file_verify(f, b, job->err);
    if (job->st == TC_OK)  /* the bytes just hashed: no second read to trust */
        job->st = tc_classifier_load_mem(&cs->config, f->path, b->data, b->len, &m->clf,
                                         job->err);
    tc_file_bytes_release(b);
    if (job->st == TC_OK && tc_classifier_n_classes(m->clf) != m->n_classes)
        job->st = tc_fail(job->err, TC_EFORMAT, "%s: %zu classes, but %s lists %zu", f->path,
                          tc_classifier_n_classes(m->clf), TC_MANIFEST_NAME, m->n_classes);
    job->hash_ms = t1 - t0;
    job->clf_ms = now_ms() - t1;
    return NULL;
}

/* ---- load ------------------------------------------------------------------------------- */

/* Reads every listed file but the classifier's, then builds the vectorizer and the
 * classifier side by side. */
static tc_status build_parts(load_ctx *c, tc_model *m, char *err)
{
    double t0 = now_ms();
    tc_status st = TC_OK;
    for (size_t i = 0; i < c->n_files && st == TC_OK; i++)
        if (&c->files[i] != c->clf_file) {
            st = tc_listed_file_read(&c->files[i], &c->bytes[i], err);
            c->read_files++;
            c->read_bytes += c->bytes[i].len;
        }
    if (st != TC_OK)
        return st;
    double t1 = now_ms();
    classifier_job job;
    memset(&job, 0, sizeof job);
    job.c = c;
    job.m = m;
    pthread_t tid;
    bool threaded = pthread_create(&tid, NULL, build_classifier, &job) == 0;
    if (!threaded)
        build_classifier(&job);
    char vec_err[TC_ERR_LEN] = "";
    tc_status vec_st = build_vectorizer(c, m, vec_err);
    double t2 = now_ms();
    if (threaded)
        pthread_join(tid, NULL);
    if (job.hash_st != TC_OK)
        return tc_fail(err, job.hash_st, "%s", job.hash_err);
    if (vec_st != TC_OK)
        return tc_fail(err, vec_st, "%s", vec_err);
    if (job.st != TC_OK)
        return tc_fail(err, job.st, "%s", job.err);
    TC_LOG(TC_LOG_DEBUG, "model %s: read %zu files (%zu bytes) in %.1f ms, sha256 in %.1f ms",
           c->dir, c->read_files, c->read_bytes, t1 - t0, job.hash_ms);
    TC_LOG(TC_LOG_DEBUG, "model %s: vectorizer: %zu features in %.1f ms", c->dir,
           tc_model_n_features(m), t2 - t1);
    TC_LOG(TC_LOG_DEBUG, "model %s: classifier %s: %s, read + sha256 + load in %.1f ms", c->dir,
           c->clf_file->name, m->desc, job.clf_ms);
    return TC_OK;
}

typedef struct golden_ctx {
    const tc_model *m;
    tc_workspace *ws;
} golden_ctx;

static tc_status predict_golden(void *ctx, const char *text, size_t len, tc_prediction *out,
                                char *err)
{
    golden_ctx *g = ctx;
    return tc_model_predict(g->m, g->ws, text, len, out, err);
}

/* Parses the golden samples and, unless skipped, checks that the model reproduces them. */
static tc_status load_golden(load_ctx *c, tc_model *m, bool verify, char *err)
{
    double t0 = now_ms();
    const tc_listed_file *f = tc_manifest_golden(c->man);
    const tc_file_bytes *b = bytes_of(c, f);
    tc_status st = tc_golden_parse(f->path, b->data, b->len, &m->schema, &m->golden, err);
    if (st != TC_OK || !verify)
        return st;
    tc_workspace *ws = tc_workspace_new(m);
    if (ws == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    size_t checked = 0;
    st = tc_model_verify_golden(m, ws, &checked, err);
    tc_workspace_free(&ws);
    if (st == TC_OK)
        TC_LOG(TC_LOG_DEBUG, "model %s: golden %s: %zu samples reproduced in %.1f ms", c->dir,
               f->name, checked, now_ms() - t0);
    return st;
}

tc_status tc_model_load(const char *dir, const tc_model_load_options *opt, tc_model **out,
                        char *err)
{
    double t0 = now_ms();
    load_ctx c;
    memset(&c, 0, sizeof c);
    c.dir = dir;
    tc_model *m = calloc(1, sizeof *m);
    if (m == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    tc_status st = tc_manifest_load(dir, &c.man, err);
    if (st != TC_OK)
        goto done;
    c.files = tc_manifest_files(c.man, &c.n_files);
    c.clf_file = tc_manifest_classifier(c.man)->file;
    if ((c.bytes = calloc(c.n_files, sizeof *c.bytes)) == NULL) {
        st = tc_fail(err, TC_ENOMEM, "out of memory");
        goto done;
    }
    if ((st = copy_identity(c.man, m, err)) != TC_OK || (st = build_parts(&c, m, err)) != TC_OK)
        goto done;
    const char *text = tc_manifest_text(c.man, &m->manifest_len);
    if ((m->manifest = malloc(m->manifest_len + 1)) == NULL) {
        st = tc_fail(err, TC_ENOMEM, "out of memory");
        goto done;
    }
    memcpy(m->manifest, text, m->manifest_len + 1);
    m->schema.n_classes = m->n_classes;
    m->schema.class_names = (const char *const *)m->classes;
    m->schema.kind = tc_classifier_output(m->clf);
    if ((st = load_golden(&c, m, opt == NULL || !opt->skip_golden, err)) != TC_OK)
        goto done;
    TC_LOG(TC_LOG_DEBUG, "model %s: \"%s\" loaded in %.1f ms", dir, m->name, now_ms() - t0);
done:
    for (size_t i = 0; c.bytes != NULL && i < c.n_files; i++)
        tc_file_bytes_release(&c.bytes[i]);
    free(c.bytes);
    tc_manifest_free(&c.man);
    if (st != TC_OK)
        tc_model_free(&m);
    else
        *out = m;
    return st;
}

void tc_model_free(tc_model **mp)
{
    if (mp == NULL || *mp == NULL)
        return;
    tc_model *m = *mp;
    free(m->name);
    for (size_t i = 0; i < m->n_classes; i++)
        free(m->classes[i]);
    free(m->classes);
    tc_vectorizer_free(&m->vec);
    tc_spark_vectorizer_free(&m->svec);
    tc_classifier_free(&m->clf);
    tc_golden_free(&m->golden);
    free(m->manifest);
    free(m);
    *mp = NULL;
}

size_t tc_model_n_classes(const tc_model *m) { return m->n_classes; }
const char *tc_model_class_name(const tc_model *m, size_t i) { return m->classes[i]; }
const tc_output_schema *tc_model_output_schema(const tc_model *m) { return &m->schema; }
tc_output_kind tc_model_output(const tc_model *m) { return tc_classifier_output(m->clf); }
const char *tc_model_name(const tc_model *m) { return m->name; }
size_t tc_model_n_features(const tc_model *m)
{
    return m->svec ? tc_spark_vectorizer_n_features(m->svec) : tc_vectorizer_n_features(m->vec);
}
size_t tc_model_n_golden(const tc_model *m) { return tc_golden_count(m->golden); }
double tc_model_golden_tolerance(const tc_model *m) { return m->golden_tolerance; }
const char *tc_model_classifier_desc(const tc_model *m) { return m->desc; }
const struct tc_vectorizer *tc_model_vectorizer(const tc_model *m) { return m->vec; }
const tc_classifier *tc_model_classifier(const tc_model *m) { return m->clf; }

const char *tc_model_manifest_json(const tc_model *m, size_t *len)
{
    if (len != NULL)
        *len = m->manifest_len;
    return m->manifest;
}

/* ---- prediction ------------------------------------------------------------------------- */

tc_workspace *tc_workspace_new(const tc_model *m)
{
    tc_workspace *ws = calloc(1, sizeof *ws);
    if (ws == NULL)
        return NULL;
    if (m->svec != NULL)
        ws->svs = tc_spark_vectorizer_scratch_new();
    else
        ws->vs = tc_vectorizer_scratch_new();
    ws->cs = tc_classifier_scratch_new(m->clf);
    ws->values = calloc(m->n_classes, sizeof *ws->values);
    if ((ws->vs == NULL && ws->svs == NULL) || ws->cs == NULL || ws->values == NULL)
        tc_workspace_free(&ws);
    return ws;
}

void tc_workspace_free(tc_workspace **ws)
{
    if (ws == NULL || *ws == NULL)
        return;
    tc_vectorizer_scratch_free(&(*ws)->vs);
    tc_spark_vectorizer_scratch_free(&(*ws)->svs);
    tc_classifier_scratch_free(&(*ws)->cs);
    free((*ws)->values);
    free(*ws);
    *ws = NULL;
}

tc_status tc_model_transform(const tc_model *m, tc_workspace *ws, const char *text, size_t len,
                             tc_sparse *out, char *err)
{
    if (m->svec != NULL)
        return tc_spark_vectorizer_transform(m->svec, ws->svs, text, len, out, err);
    return tc_vectorizer_transform(m->vec, ws->vs, text, len, out, err);
}

tc_status tc_model_predict(const tc_model *m, tc_workspace *ws, const char *text, size_t len,
                           tc_prediction *out, char *err)
{
    tc_sparse x;
    tc_status st = tc_model_transform(m, ws, text, len, &x, err);
    if (st != TC_OK)
        return st;
    size_t label = 0;
    if ((st = tc_classifier_predict(m->clf, ws->cs, &x, ws->values, &label)) != TC_OK)
        return tc_fail(err, st, "classifier failed: %s", tc_status_name(st));
    out->label = label;
    out->values = ws->values;
    return TC_OK;
}

tc_status tc_model_verify_golden(const tc_model *m, tc_workspace *ws, size_t *checked,
                                 char *err)
{
    golden_ctx g = {m, ws};
    tc_status st = tc_golden_verify(m->golden, m->golden_tolerance, predict_golden, &g, err);
    if (st == TC_OK)
        *checked = tc_golden_count(m->golden);
    return st;
}
