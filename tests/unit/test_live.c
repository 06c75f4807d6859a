/* test_live.c - the server's live models: the slot's acquire/swap and numbering, a
 * replaced model kept alive by the requests that hold it, the threads' invokers
 * following the newest model, spare invocations reused, and leases taken and returned
 * from several threads while the model is swapped (run under ASan by make check: a
 * reference miscounted is a use after free or a leak there). Answers through a lease
 * are compared with tc_invoke on a separate invoker (the whole-body path).
 * Model: $TEXTCLF_TEST_MODEL, else models/sentiment-en (run from the repo root). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_live.h"
#include "tc_test.h"

static const char *g_dir;

static const char k_body[] = "a wonderful, moving film\ndull and lifeless\n\ncaf\xc3\xa9 au lait\n";

static tc_live_model *load(void)
{
    char err[TC_ERR_LEN] = "";
    tc_live_model *m = NULL;
    tc_status st = tc_live_model_load(g_dir, &m, err);
    TC_CHECK(st == TC_OK && m != NULL, "load %s: %s", g_dir, err);
    return m;
}

/* The whole-body answer of model m to k_body, by tc_invoke on an invoker of its own. */
static void oracle(const tc_model *m, tc_buf *out)
{
    tc_invoker *inv = tc_invoker_new(m);
    tc_invoke_request req = {k_body, sizeof k_body - 1, "text/plain", "application/jsonlines",
                             TC_FMT_JSON, 1000};
    tc_invoke_response resp;
    tc_invoke(inv, &req, out, &resp);
    tc_invoker_free(&inv);
}

/* Feeds k_body through the lease in two pieces, ends it into out; 200 expected. */
static unsigned run_lease(tc_live_lease *ls, tc_live_thread *t, tc_buf *out)
{
    tc_invoke_request hdrs = {NULL, 0, "text/plain", "application/jsonlines", TC_FMT_JSON, 1000};
    tc_invocation *iv = tc_live_lease_invocation(ls);
    tc_invocation_begin(iv, &hdrs);
    size_t half = (sizeof k_body - 1) / 2;
    tc_invocation_feed(iv, tc_live_lease_invoker(ls, t), k_body, half);
    tc_invocation_feed(iv, tc_live_lease_invoker(ls, t), k_body + half, sizeof k_body - 1 - half);
    tc_invoke_response resp;
    tc_invocation_end(iv, tc_live_lease_invoker(ls, t), out, &resp);
    return resp.http_status;
}

static bool same(const tc_buf *a, const tc_buf *b)
{
    return a->len == b->len && a->len > 0 && memcmp(a->data, b->data, a->len) == 0;
}

static void test_empty_slot(void)
{
    tc_live *l = tc_live_new();
    TC_CHECK(l != NULL, "tc_live_new");
    if (l == NULL)
        return;
    TC_CHECK(tc_live_acquire(l) == NULL, "an empty slot has no model");
    tc_live_lease ls = TC_LIVE_LEASE_INIT;
    TC_CHECK(!tc_live_lease_begin(&ls, l, NULL), "no lease on an empty slot");
    tc_live_lease_end(&ls);
    tc_live_free(&l);
    TC_CHECK(l == NULL, "free nulls the pointer");
}

static void test_swap_numbers_and_returns_previous(void)
{
    tc_live *l = tc_live_new();
    tc_live_model *a = load(), *b = load();
    if (l == NULL || a == NULL || b == NULL) {
        tc_live_model_release(&a);
        tc_live_model_release(&b);
        tc_live_free(&l);
        return;
    }
    TC_CHECK(tc_live_model_id(a) == 0, "not installed yet: id %llu",
             (unsigned long long)tc_live_model_id(a));
    TC_CHECK(tc_live_swap(l, a) == NULL, "first swap replaces nothing");
    TC_CHECK(tc_live_model_id(a) == 1, "first model is load 1");
    tc_live_model *cur = tc_live_acquire(l);
    TC_CHECK(cur == a, "acquire gives the current model");
    tc_live_model_release(&cur);
    TC_CHECK(cur == NULL, "release nulls the pointer");
    tc_live_model *old = tc_live_swap(l, b);
    TC_CHECK(old == a && tc_live_model_id(b) == 2, "swap returns the model it replaces");
    cur = tc_live_acquire(l);
    TC_CHECK(cur == b, "acquire gives the new model");
    tc_live_model_release(&cur);
    tc_live_model_release(&old);
    tc_live_free(&l);
}

static void test_request_finishes_on_its_model(void)
{
    tc_live *l = tc_live_new();
    tc_live_thread *t = tc_live_thread_new();
    tc_live_model *a = load(), *b = load();
    if (l == NULL || t == NULL || a == NULL || b == NULL) {
        tc_live_model_release(&a);
        tc_live_model_release(&b);
        tc_live_thread_free(&t);
        tc_live_free(&l);
        return;
    }
    tc_buf want = TC_BUF_INIT, got = TC_BUF_INIT, got2 = TC_BUF_INIT;
    oracle(tc_live_model_get(a), &want);
    tc_live_swap(l, a);

    tc_live_lease early = TC_LIVE_LEASE_INIT;
    TC_CHECK(tc_live_lease_begin(&early, l, t), "lease on load 1");
    tc_invoker *inv_a = tc_live_lease_invoker(&early, t);
    TC_CHECK(inv_a != NULL && tc_live_lease_invoker(&early, t) == inv_a,
             "the thread's invoker serves its model's leases");

    tc_live_model *old = tc_live_swap(l, b);
    tc_live_model_release(&old);  /* only the early lease holds load 1 now */

    tc_live_lease late = TC_LIVE_LEASE_INIT;
    TC_CHECK(tc_live_lease_begin(&late, l, t), "lease on load 2");
    TC_CHECK(run_lease(&late, t, &got2) == 200 && same(&got2, &want), "load 2 answers: %s",
             got2.data);
    tc_invoker *inv_b = tc_live_lease_invoker(&late, t);
    tc_live_lease_done(&late, t);
    tc_live_lease_end(&late);

    /* The thread has followed load 2; the early request gets an invoker of its own. */
    tc_invoker *own = tc_live_lease_invoker(&early, t);
    TC_CHECK(own != NULL && own != inv_b, "a request on a replaced model has its own invoker");
    TC_CHECK(run_lease(&early, t, &got) == 200 && same(&got, &want),
             "the replaced model still answers the request that holds it: %s", got.data);
    tc_live_lease_done(&early, t);
    tc_live_lease_end(&early);  /* frees load 1 (ASan: no leak, no use after free) */
    TC_CHECK(early.model == NULL && early.iv == NULL && early.own_inv == NULL,
             "end leaves an empty lease");

    tc_buf_free(&want);
    tc_buf_free(&got);
    tc_buf_free(&got2);
    tc_live_thread_free(&t);
    tc_live_free(&l);
}

static void test_spare_invocation_reused(void)
{
    tc_live *l = tc_live_new();
    tc_live_thread *t = tc_live_thread_new();
    tc_live_model *a = load();
    if (l == NULL || t == NULL || a == NULL) {
        tc_live_model_release(&a);
        tc_live_thread_free(&t);
        tc_live_free(&l);
        return;
    }
    tc_live_swap(l, a);
    tc_buf out = TC_BUF_INIT;
    tc_live_lease first = TC_LIVE_LEASE_INIT, second = TC_LIVE_LEASE_INIT;
    tc_live_lease_begin(&first, l, t);
    tc_invocation *iv = tc_live_lease_invocation(&first);
    run_lease(&first, t, &out);
    tc_live_lease_done(&first, t);
    TC_CHECK(tc_live_lease_invocation(&first) == NULL, "done hands the invocation over");
    tc_live_lease_end(&first);
    tc_live_lease_begin(&second, l, t);
    TC_CHECK(tc_live_lease_invocation(&second) == iv, "the next lease takes the spare");
    /* A lease dropped half-way (body over the limit) keeps its model, not its buffers. */
    tc_live_lease_drop(&second);
    TC_CHECK(tc_live_lease_invocation(&second) == NULL && second.model != NULL,
             "drop frees the invocation only");
    tc_live_lease_end(&second);
    /* Without thread state a lease still works (its own invocation and invoker). */
    tc_live_lease bare = TC_LIVE_LEASE_INIT;
    tc_buf want = TC_BUF_INIT;
    oracle(tc_live_model_get(a), &want);
    TC_CHECK(tc_live_lease_begin(&bare, l, NULL) && run_lease(&bare, NULL, &out) == 200 &&
                 same(&out, &want),
             "lease without thread state: %s", out.data);
    tc_live_lease_done(&bare, NULL);
    tc_live_lease_end(&bare);
    tc_buf_free(&want);
    tc_buf_free(&out);
    tc_live_thread_free(&t);
    tc_live_free(&l);
}

typedef struct client {
    tc_live *live;
    const tc_buf *want;
    atomic_int *stop;
    size_t answered, wrong;
} client;

static void *client_main(void *arg)
{
    client *c = arg;
    tc_live_thread *t = tc_live_thread_new();
    tc_buf out = TC_BUF_INIT;
    while (!atomic_load(c->stop) || c->answered < 50) {
        tc_live_lease ls = TC_LIVE_LEASE_INIT;
        if (!tc_live_lease_begin(&ls, c->live, t) || run_lease(&ls, t, &out) != 200 ||
            !same(&out, c->want))
            c->wrong++;
        tc_live_lease_done(&ls, t);
        tc_live_lease_end(&ls);
        c->answered++;
    }
    tc_buf_free(&out);
    tc_live_thread_free(&t);
    return NULL;
}

static void test_swaps_under_concurrent_leases(void)
{
    tc_live *l = tc_live_new();
    tc_live_model *first = load();
    if (l == NULL || first == NULL) {
        tc_live_model_release(&first);
        tc_live_free(&l);
        return;
    }
    tc_buf want = TC_BUF_INIT;
    oracle(tc_live_model_get(first), &want);
    tc_live_swap(l, first);
    atomic_int stop;
    atomic_init(&stop, 0);
    client cs[3];
    pthread_t tids[3];
    size_t started = 0;
    for (size_t i = 0; i < 3; i++) {
        cs[i] = (client){l, &want, &stop, 0, 0};
        if (pthread_create(&tids[i], NULL, client_main, &cs[i]) == 0)
            started++;
    }
    TC_CHECK(started == 3, "%zu of 3 threads started", started);
    for (int k = 0; k < 3; k++) {
        tc_live_model *next = load();
        if (next == NULL)
            break;
        tc_live_model *old = tc_live_swap(l, next);
        tc_live_model_release(&old);
    }
    atomic_store(&stop, 1);
    size_t answered = 0, wrong = 0;
    for (size_t i = 0; i < started; i++) {
        pthread_join(tids[i], NULL);
        answered += cs[i].answered;
        wrong += cs[i].wrong;
    }
    TC_CHECK(wrong == 0 && answered >= 150, "%zu of %zu answers wrong", wrong, answered);
    tc_live_model *cur = tc_live_acquire(l);
    TC_CHECK(cur != NULL && tc_live_model_id(cur) == 4, "4 loads installed");
    tc_live_model_release(&cur);
    tc_buf_free(&want);
    tc_live_free(&l);
}

int main(void)
{
    g_dir = getenv("TEXTCLF_TEST_MODEL");
    if (g_dir == NULL || g_dir[0] == '\0')
        g_dir = "models/sentiment-en";
    static const tc_test_case cases[] = {
        TC_TEST(test_empty_slot), TC_TEST(test_swap_numbers_and_returns_previous),
        TC_TEST(test_request_finishes_on_its_model), TC_TEST(test_spare_invocation_reused),
        TC_TEST(test_swaps_under_concurrent_leases)};
    return tc_test_run(__FILE__, cases, sizeof cases / sizeof *cases);
}
