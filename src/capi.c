/*
 * capi.c - the public C API (textclf.h) over the engine's own modules: tc_model_load
 * to open, tc_model_predict per text (the path `textclf predict` and the daemon take),
 * and for decision_function the model's vectorizer and classifier with tc_decision.h.
 *
 * A call splits its batch over up to `threads` threads (the caller's included), which
 * take blocks of BLOCK texts from a shared counter, so long and short texts even out.
 * Each thread works in a slot of scratch space taken from the model's pool and given
 * back after the call; the pool keeps up to POOL_MAX spare slots so a loop of small
 * calls allocates nothing.
 */
#define TEXTCLF_BUILDING_LIBRARY 1
#include "textclf.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tc_decision.h"
#include "tc_model.h"
#include "tc_vectorizer.h"

#define TEXTCLF_VERSION_STRING "1.0.0"
#define BLOCK 32                          /* texts taken at a time by a thread */
#define PARALLEL_MIN_BYTES ((size_t)64 << 10) /* less input per thread is not worth one */
#define MAX_THREADS 256
#define POOL_MAX 64

_Static_assert(TEXTCLF_ERR_LEN == TC_ERR_LEN, "error buffers must be interchangeable");

/* Scratch space for one thread of one call. */
typedef struct slot {
    tc_workspace *ws;            /* textclf_predict */
    tc_vectorizer_scratch *vs;   /* textclf_decision_function, made on first use */
    tc_classifier_scratch *cs;
    double *raw;                 /* tc_decision_raw_count values */
    double *conf;                /* n_classes */
} slot;

typedef struct pool {
    pthread_mutex_t lock;
    slot *spare[POOL_MAX];
    size_t n_spare;
} pool;

struct textclf_model {
    tc_model *model;
    pool *pool;   /* mutable through a const textclf_model *: the only shared state */
};

/* ---- status ---------------------------------------------------------------------------- */

static int public_status(tc_status st)
{
    switch (st) {
    case TC_OK: return TEXTCLF_OK;
    case TC_ENOMEM: return TEXTCLF_ENOMEM;
    case TC_EIO: return TEXTCLF_EIO;
    case TC_EFORMAT: return TEXTCLF_EFORMAT;
    case TC_EINPUT:
    case TC_ETOOBIG: return TEXTCLF_EINPUT;
    case TC_EUNSUPPORTED:
    case TC_ENOTACCEPTABLE: return TEXTCLF_EUNSUPPORTED;
    case TC_EMISMATCH: return TEXTCLF_EMISMATCH;
    }
    return TEXTCLF_EFORMAT;
}

static int fail(char *err, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, int status, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, TEXTCLF_ERR_LEN, fmt, ap);
        va_end(ap);
    }
    return status;
}

TEXTCLF_API int textclf_abi_version(void) { return TEXTCLF_ABI_VERSION; }
TEXTCLF_API const char *textclf_version(void) { return TEXTCLF_VERSION_STRING; }

TEXTCLF_API const char *textclf_status_name(int status)
{
    switch (status) {
    case TEXTCLF_OK: return "ok";
    case TEXTCLF_ENOMEM: return "out of memory";
    case TEXTCLF_EIO: return "I/O error";
    case TEXTCLF_EFORMAT: return "malformed model file";
    case TEXTCLF_EINPUT: return "malformed input";
    case TEXTCLF_EUNSUPPORTED: return "unsupported";
    case TEXTCLF_EMISMATCH: return "golden sample mismatch";
    case TEXTCLF_EINVAL: return "invalid argument";
    default: return "unknown status";
    }
}

/* ---- slots ----------------------------------------------------------------------------- */

static void slot_free(slot *s)
{
    if (s == NULL)
        return;
    tc_workspace_free(&s->ws);
    tc_vectorizer_scratch_free(&s->vs);
    tc_classifier_scratch_free(&s->cs);
    free(s->raw);
    free(s->conf);
    free(s);
}

/* A slot from the pool or a new one; NULL when out of memory. */
static slot *slot_take(const textclf_model *tm)
{
    pool *p = tm->pool;
    slot *s = NULL;
    pthread_mutex_lock(&p->lock);
    if (p->n_spare > 0)
        s = p->spare[--p->n_spare];
    pthread_mutex_unlock(&p->lock);
    if (s != NULL)
        return s;
    if ((s = calloc(1, sizeof *s)) == NULL || (s->ws = tc_workspace_new(tm->model)) == NULL) {
        slot_free(s);
        return NULL;
    }
    return s;
}

static void slot_give(const textclf_model *tm, slot *s)
{
    pool *p = tm->pool;
    pthread_mutex_lock(&p->lock);
    if (p->n_spare < POOL_MAX) {
        p->spare[p->n_spare++] = s;
        s = NULL;
    }
    pthread_mutex_unlock(&p->lock);
    slot_free(s);
}

/* Makes the decision_function scratch of s. False when out of memory. */
static bool slot_for_decision(const textclf_model *tm, slot *s)
{
    if (s->vs != NULL)
        return true;
    const tc_classifier *c = tc_model_classifier(tm->model);
    s->vs = tc_vectorizer_scratch_new();
    s->cs = tc_classifier_scratch_new(c);
    s->raw = calloc(tc_decision_raw_count(c), sizeof *s->raw);
    s->conf = calloc(tc_classifier_n_classes(c), sizeof *s->conf);
    if (s->vs == NULL || s->cs == NULL || s->raw == NULL || s->conf == NULL) {
        tc_vectorizer_scratch_free(&s->vs);
        tc_classifier_scratch_free(&s->cs);
        free(s->raw);
        free(s->conf);
        s->raw = s->conf = NULL;
        return false;
    }
    return true;
}

/* ---- open / close / describe ------------------------------------------------------------ */

TEXTCLF_API int textclf_open(const char *dir, textclf_model **out, char *err)
{
    if (dir == NULL || out == NULL)
        return fail(err, TEXTCLF_EINVAL, "textclf_open: dir and out must not be NULL");
    char e[TC_ERR_LEN] = "";
    tc_model *m = NULL;
    tc_status st = tc_model_load(dir, NULL, &m, e);
    if (st != TC_OK)
        return fail(err, public_status(st), "%s", e[0] ? e : tc_status_name(st));
    textclf_model *tm = calloc(1, sizeof *tm);
    pool *p = calloc(1, sizeof *p);
    if (tm == NULL || p == NULL || pthread_mutex_init(&p->lock, NULL) != 0) {
        free(tm);
        free(p);
        tc_model_free(&m);
        return fail(err, TEXTCLF_ENOMEM, "out of memory");
    }
    tm->model = m;
    tm->pool = p;
    *out = tm;
    return TEXTCLF_OK;
}

TEXTCLF_API void textclf_close(textclf_model *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->pool->n_spare; i++)
        slot_free(m->pool->spare[i]);
    pthread_mutex_destroy(&m->pool->lock);
    free(m->pool);
    tc_model_free(&m->model);
    free(m);
}

TEXTCLF_API size_t textclf_n_classes(const textclf_model *m)
{
    return m != NULL ? tc_model_n_classes(m->model) : 0;
}

TEXTCLF_API const char *textclf_class_name(const textclf_model *m, size_t i)
{
    return m != NULL && i < tc_model_n_classes(m->model) ? tc_model_class_name(m->model, i)
                                                         : NULL;
}

TEXTCLF_API int textclf_output_kind(const textclf_model *m)
{
    return m != NULL && tc_model_output(m->model) == TC_OUTPUT_SCORES ? TEXTCLF_SCORES
                                                                       : TEXTCLF_PROBABILITIES;
}

TEXTCLF_API const char *textclf_manifest_json(const textclf_model *m, size_t *len)
{
    if (m == NULL) {
        if (len != NULL)
            *len = 0;
        return NULL;
    }
    return tc_model_manifest_json(m->model, len);
}

TEXTCLF_API size_t textclf_decision_width(const textclf_model *m)
{
    return m != NULL ? tc_decision_width(tc_model_classifier(m->model)) : 0;
}

/* ---- batches ---------------------------------------------------------------------------- */

typedef struct batch {
    const textclf_model *tm;
    const textclf_text *texts;
    size_t n;
    bool decision;     /* decision_function instead of predict */
    size_t width;      /* values per text */
    int32_t *labels;
    double *values;
    int32_t *status;
    atomic_size_t next;  /* first text no thread has taken yet */
} batch;

/* One thread's share: its slot and its first failure. */
typedef struct worker {
    batch *b;
    slot *s;
    size_t failed_at;  /* b->n if none */
    int failed_status;
    char err[TC_ERR_LEN];
    pthread_t tid;
} worker;

static int one_text(worker *w, size_t i, char *err)
{
    const batch *b = w->b;
    const textclf_model *tm = b->tm;
    const textclf_text *t = &b->texts[i];
    if (t->data == NULL && t->len > 0)
        return fail(err, TEXTCLF_EINVAL, "data is NULL but len is %zu", t->len);
    const char *data = t->data != NULL ? t->data : "";
    double *row = b->values != NULL ? b->values + i * b->width : NULL;
    tc_status st;
    if (!b->decision) {
        tc_prediction p;
        st = tc_model_predict(tm->model, w->s->ws, data, t->len, &p, err);
        if (st != TC_OK)
            return public_status(st);
        if (b->labels != NULL)
            b->labels[i] = (int32_t)p.label;
        if (row != NULL)
            memcpy(row, p.values, b->width * sizeof *row);
        return TEXTCLF_OK;
    }
    const tc_classifier *c = tc_model_classifier(tm->model);
    tc_sparse x;
    st = tc_model_transform(tm->model, w->s->ws, data, t->len, &x, err);
    if (st != TC_OK)
        return public_status(st);
    size_t raw = tc_decision_raw_count(c);
    if (tc_classifier_decision_values(c, w->s->cs, &x, w->s->raw, raw) != raw)
        return fail(err, TEXTCLF_ENOMEM, "decision values could not be computed");
    tc_decision_function(c, w->s->raw, row, w->s->conf);
    return TEXTCLF_OK;
}

static void run_worker(worker *w)
{
    batch *b = w->b;
    char err[TC_ERR_LEN];
    for (;;) {
        size_t start = atomic_fetch_add(&b->next, BLOCK);
        if (start >= b->n)
            return;
        size_t end = b->n - start < BLOCK ? b->n : start + BLOCK;
        for (size_t i = start; i < end; i++) {
            err[0] = '\0';
            int st = one_text(w, i, err);
            if (b->status != NULL)
                b->status[i] = st;
            if (st == TEXTCLF_OK)
                continue;
            if (b->labels != NULL)
                b->labels[i] = -1;
            if (b->values != NULL)
                for (size_t j = 0; j < b->width; j++)
                    b->values[i * b->width + j] = NAN;
            /* blocks are taken in increasing order, so a thread's first failure is its
             * lowest failed index */
            if (w->failed_at == b->n) {
                w->failed_at = i;
                w->failed_status = st;
                memcpy(w->err, err, sizeof err);
            }
        }
    }
}

static void *worker_main(void *arg)
{
    run_worker(arg);
    return NULL;
}

static unsigned threads_for(const textclf_text *texts, size_t n, unsigned threads)
{
    if (threads == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cpus > 0 ? (unsigned)(cpus < MAX_THREADS ? cpus : MAX_THREADS) : 1;
    }
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    size_t bytes = 0;
    for (size_t i = 0; i < n && bytes < (size_t)threads * PARALLEL_MIN_BYTES; i++)
        bytes += texts[i].len;
    size_t by_bytes = bytes / PARALLEL_MIN_BYTES, by_blocks = (n + BLOCK - 1) / BLOCK;
    size_t t = threads;
    if (t > by_bytes)
        t = by_bytes;
    if (t > by_blocks)
        t = by_blocks;
    return t > 0 ? (unsigned)t : 1;
}

static int run_batch(batch *b, unsigned threads, char *err)
{
    if (b->tm == NULL || (b->texts == NULL && b->n > 0))
        return fail(err, TEXTCLF_EINVAL, "model is NULL, or texts is NULL with n = %zu", b->n);
    if (b->n > SIZE_MAX / sizeof(double) / (b->width > 0 ? b->width : 1))
        return fail(err, TEXTCLF_EINVAL, "batch of %zu texts is too large", b->n);
    if (b->n == 0)
        return TEXTCLF_OK;
    unsigned nt = threads_for(b->texts, b->n, threads);
    worker *ws = calloc(nt, sizeof *ws);
    if (ws == NULL)
        return fail(err, TEXTCLF_ENOMEM, "out of memory");
    unsigned have = 0;
    for (; have < nt; have++) {
        ws[have].b = b;
        ws[have].failed_at = b->n;
        ws[have].s = slot_take(b->tm);
        if (ws[have].s == NULL || (b->decision && !slot_for_decision(b->tm, ws[have].s))) {
            if (ws[have].s != NULL)
                slot_give(b->tm, ws[have].s);
            break;
        }
    }
    int rc = TEXTCLF_OK;
    if (have == 0) {
        rc = fail(err, TEXTCLF_ENOMEM, "out of memory");
        goto done;
    }
    atomic_init(&b->next, 0);
    unsigned started = 1;
    for (; started < have; started++)
        if (pthread_create(&ws[started].tid, NULL, worker_main, &ws[started]) != 0)
            break;
    run_worker(&ws[0]);  /* also takes the texts of threads that could not start */
    for (unsigned i = 1; i < started; i++)
        pthread_join(ws[i].tid, NULL);
    const worker *first = NULL;
    for (unsigned i = 0; i < have; i++)
        if (ws[i].failed_at < b->n && (first == NULL || ws[i].failed_at < first->failed_at))
            first = &ws[i];
    if (first != NULL)
        rc = fail(err, first->failed_status, "texts[%zu]: %s", first->failed_at,
                  first->err[0] ? first->err : textclf_status_name(first->failed_status));
done:
    for (unsigned i = 0; i < have; i++)
        slot_give(b->tm, ws[i].s);
    free(ws);
    return rc;
}

TEXTCLF_API int textclf_predict(const textclf_model *m, const textclf_text *texts, size_t n,
                                unsigned threads, int32_t *labels, double *values,
                                int32_t *status, char *err)
{
    batch b = {.tm = m, .texts = texts, .n = n, .decision = false,
               .width = m != NULL ? tc_model_n_classes(m->model) : 0,
               .labels = labels, .values = values, .status = status};
    return run_batch(&b, threads, err);
}

TEXTCLF_API int textclf_decision_function(const textclf_model *m, const textclf_text *texts,
                                          size_t n, unsigned threads, double *out,
                                          int32_t *status, char *err)
{
    size_t width = textclf_decision_width(m);
    if (m != NULL && width == 0)
        return fail(err, TEXTCLF_EUNSUPPORTED,
                    "this model has no decision_function (naive Bayes: use predict_proba)");
    if (out == NULL && n > 0)
        return fail(err, TEXTCLF_EINVAL, "out must not be NULL");
    batch b = {.tm = m, .texts = texts, .n = n, .decision = true, .width = width,
               .labels = NULL, .values = out, .status = status};
    return run_batch(&b, threads, err);
}
