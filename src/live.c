/* live.c - the server's reference-counted, replaceable models and the threads'
 * invokers for them (see tc_live.h). */
#include "tc_live.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct tc_live_model {
    tc_model *model;
    uint64_t id;       /* set once, by tc_live_swap, before other threads can see it */
    atomic_size_t refs;
};

struct tc_live {
    pthread_mutex_t lock;  /* guards `current` while a reference is taken */
    tc_live_model *current;
    uint64_t installed;    /* models installed so far (written by tc_live_swap only) */
};

/* inv and spare belong to the newest model the thread has served (model_id). */
struct tc_live_thread {
    uint64_t model_id;     /* 0: none yet */
    tc_invoker *inv;
    tc_invocation *spare;  /* a finished request's, for the thread's next one */
};

tc_status tc_live_model_load(const char *dir, tc_live_model **out, char *err)
{
    tc_live_model *lm = calloc(1, sizeof *lm);
    if (lm == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    tc_status st = tc_model_load(dir, NULL, &lm->model, err);
    if (st != TC_OK) {
        free(lm);
        return st;
    }
    atomic_init(&lm->refs, 1);
    *out = lm;
    return TC_OK;
}

void tc_live_model_release(tc_live_model **m)
{
    tc_live_model *lm = *m;
    *m = NULL;
    if (lm == NULL || atomic_fetch_sub(&lm->refs, 1) != 1)
        return;
    tc_model_free(&lm->model);
    free(lm);
}

const tc_model *tc_live_model_get(const tc_live_model *m) { return m->model; }

uint64_t tc_live_model_id(const tc_live_model *m) { return m->id; }

tc_live *tc_live_new(void)
{
    tc_live *l = calloc(1, sizeof *l);
    if (l == NULL)
        return NULL;
    if (pthread_mutex_init(&l->lock, NULL) != 0) {
        free(l);
        return NULL;
    }
    return l;
}

void tc_live_free(tc_live **l)
{
    tc_live *p = *l;
    *l = NULL;
    if (p == NULL)
        return;
    tc_live_model_release(&p->current);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

tc_live_model *tc_live_acquire(tc_live *l)
{
    pthread_mutex_lock(&l->lock);
    tc_live_model *lm = l->current;
    if (lm != NULL)
        atomic_fetch_add(&lm->refs, 1);
    pthread_mutex_unlock(&l->lock);
    return lm;
}

tc_live_model *tc_live_swap(tc_live *l, tc_live_model *next)
{
    next->id = ++l->installed;
    pthread_mutex_lock(&l->lock);
    tc_live_model *old = l->current;
    l->current = next;
    pthread_mutex_unlock(&l->lock);
    return old;
}

tc_live_thread *tc_live_thread_new(void) { return calloc(1, sizeof(tc_live_thread)); }

void tc_live_thread_free(tc_live_thread **t)
{
    tc_live_thread *p = *t;
    *t = NULL;
    if (p == NULL)
        return;
    tc_invoker_free(&p->inv);
    tc_invocation_free(&p->spare);
    free(p);
}

/* Moves the thread's invoker to lm's model if that is newer than the one it has. */
static void thread_follow(tc_live_thread *t, const tc_live_model *lm)
{
    if (lm->id <= t->model_id)
        return;
    tc_invoker_free(&t->inv);
    tc_invocation_free(&t->spare);
    t->inv = tc_invoker_new(lm->model);
    t->model_id = t->inv != NULL ? lm->id : 0;
}

bool tc_live_lease_begin(tc_live_lease *ls, tc_live *l, tc_live_thread *t)
{
    ls->model = tc_live_acquire(l);
    if (ls->model == NULL)
        return false;
    if (t != NULL)
        thread_follow(t, ls->model);
    if (t != NULL && t->spare != NULL && t->model_id == ls->model->id) {
        ls->iv = t->spare;
        t->spare = NULL;
    } else {
        ls->iv = tc_invocation_new(ls->model->model);
    }
    return ls->iv != NULL;
}

tc_invocation *tc_live_lease_invocation(const tc_live_lease *ls) { return ls->iv; }

tc_invoker *tc_live_lease_invoker(tc_live_lease *ls, tc_live_thread *t)
{
    if (t != NULL && t->inv != NULL && t->model_id == ls->model->id)
        return t->inv;
    if (ls->own_inv == NULL)
        ls->own_inv = tc_invoker_new(ls->model->model);
    return ls->own_inv;
}

void tc_live_lease_drop(tc_live_lease *ls) { tc_invocation_free(&ls->iv); }

void tc_live_lease_done(tc_live_lease *ls, tc_live_thread *t)
{
    if (t != NULL && t->spare == NULL && t->model_id == ls->model->id) {
        t->spare = ls->iv;
        ls->iv = NULL;
    }
    tc_invocation_free(&ls->iv);
}

void tc_live_lease_end(tc_live_lease *ls)
{
    tc_invocation_free(&ls->iv);
    tc_invoker_free(&ls->own_inv);
    tc_live_model_release(&ls->model);
}
