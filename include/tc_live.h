/*
 * tc_live.h - the models a running server answers with: loaded, verified, shared
 * read-only, replaced while requests are in flight, freed after the last request on
 * them. No sockets, no HTTP.
 *
 *   tc_live_model  one loaded model and its reference count. Whoever holds a reference
 *                  may use its tc_model (immutable) from any thread; the last
 *                  tc_live_model_release frees it.
 *   tc_live        the slot requests take the current model from. tc_live_swap puts
 *                  another model there (SIGHUP); requests already begun finish on the
 *                  model they took. Multi-model endpoints will keep one slot per model
 *                  name in this same type (acquire and swap by name; unload = swap to
 *                  NULL); today there is one, unnamed.
 *   tc_live_thread a server thread's reusable state: an invoker and a spare invocation
 *                  for the newest model the thread has served. It holds no reference to
 *                  that model (freeing it does not touch the model).
 *   tc_live_lease  one request's hold on a model, from its first callback to its
 *                  completion: a reference, the invocation its body is fed into and,
 *                  when the thread's invoker is for another model, an invoker of its own.
 *
 * Threads: tc_live_acquire, tc_live_model_release and the lease functions are safe from
 * any thread; tc_live_swap is called by one thread at a time (the main thread); a
 * tc_live_thread is used only by the thread that owns it.
 */
#ifndef TC_LIVE_H
#define TC_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "tc_invoke.h"
#include "tc_model.h"
#include "tc_status.h"

typedef struct tc_live_model tc_live_model;
typedef struct tc_live tc_live;
typedef struct tc_live_thread tc_live_thread;

/* Loads the model directory and verifies its golden samples (tc_model_load: errors
 * name the file and line in err) into *out, holding one reference, the caller's. */
tc_status tc_live_model_load(const char *dir, tc_live_model **out, char *err);
/* Drops the reference *m and sets *m to NULL (NULL: nothing); the last one frees the
 * model. */
void tc_live_model_release(tc_live_model **m);
const tc_model *tc_live_model_get(const tc_live_model *m);
/* 1, 2, ... in the order models were put into their tc_live; 0 before that. */
uint64_t tc_live_model_id(const tc_live_model *m);

/* An empty slot; NULL on allocation failure. */
tc_live *tc_live_new(void);
/* Releases the slot's reference to its model (leases keep theirs) and frees it. */
void tc_live_free(tc_live **l);
/* The current model with a new reference, the caller's; NULL if the slot is empty. */
tc_live_model *tc_live_acquire(tc_live *l);
/* Makes next (not NULL, never installed before) current, taking over the caller's
 * reference and numbering it; returns the model it replaces with the slot's
 * reference, now the caller's (NULL if the slot was empty). */
tc_live_model *tc_live_swap(tc_live *l, tc_live_model *next);

/* NULL on allocation failure. Free on the owning thread or after it has ended. */
tc_live_thread *tc_live_thread_new(void);
void tc_live_thread_free(tc_live_thread **t);

/* Members are private to live.c; zero-initialise (TC_LIVE_LEASE_INIT). */
typedef struct tc_live_lease {
    tc_live_model *model;
    tc_invoker *own_inv;
    tc_invocation *iv;
} tc_live_lease;
#define TC_LIVE_LEASE_INIT {NULL, NULL, NULL}

/* Takes the current model of l and an invocation bound to it: t's spare when t has
 * one for that model. t (NULL: the thread has no state) first moves its invoker to the
 * model if that is newer than the one it has. False: out of memory (no invocation), or
 * l is empty; tc_live_lease_end still releases what was taken. */
bool tc_live_lease_begin(tc_live_lease *ls, tc_live *l, tc_live_thread *t);
/* The lease's invocation; NULL after tc_live_lease_drop / tc_live_lease_done. */
tc_invocation *tc_live_lease_invocation(const tc_live_lease *ls);
/* The invoker of the lease's model for the calling thread: t's own when it is for
 * that model, else (a request begun before a reload that t has since followed, or t
 * NULL) the lease's own, made on first use. NULL: out of memory. */
tc_invoker *tc_live_lease_invoker(tc_live_lease *ls, tc_live_thread *t);
/* Frees the invocation now (a body refused half-way may hold a record's worth of
 * carry); the model stays held. */
void tc_live_lease_drop(tc_live_lease *ls);
/* The invocation has ended (tc_invocation_end, its large buffers let go): it becomes
 * t's spare if t (not NULL) has none for this model, else it is freed. */
void tc_live_lease_done(tc_live_lease *ls, tc_live_thread *t);
/* Completion: frees what the lease still owns and releases its model; the lease is
 * zeroed. */
void tc_live_lease_end(tc_live_lease *ls);

#endif
