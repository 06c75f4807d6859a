/* fuzz_invoke.c - libFuzzer target for tc_invoke, the whole /invocations request
 * without sockets. Input: "Content-Type\nAccept\nbody" (missing lines = missing
 * headers). Client input must never produce a 500, a crash or a non-JSON error, and
 * the response must be byte for byte the whole-body oracle's (tests/lib), both from
 * tc_invoke and from a tc_invocation fed the body in pieces (as the server does; the
 * cut points are drawn from a generator seeded by the input).
 * Model: $TEXTCLF_FUZZ_MODEL, else models/sentiment-en (run from the repo root). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/invoke_oracle.h"
#include "tc_invoke.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tc_model *g_model;
static tc_invoker *g_inv;
static tc_invocation *g_iv;
static tc_workspace *g_ws;
static tc_records *g_records;

static void load_once(void)
{
    if (g_model != NULL)
        return;
    const char *dir = getenv("TEXTCLF_FUZZ_MODEL");
    if (dir == NULL || dir[0] == '\0')
        dir = "models/sentiment-en";
    char err[TC_ERR_LEN];
    if (tc_model_load(dir, NULL, &g_model, err) != TC_OK ||
        (g_inv = tc_invoker_new(g_model)) == NULL || (g_iv = tc_invocation_new(g_model)) == NULL ||
        (g_ws = tc_workspace_new(g_model)) == NULL || (g_records = tc_records_new()) == NULL) {
        fprintf(stderr, "fuzz_invoke: cannot load %s: %s\n", dir, err);
        abort();
    }
}

/* Up to cap cut points in [0, len], ascending, from a generator seeded by the input:
 * mostly small pieces, now and then a long one. */
static size_t draw_cuts(const uint8_t *data, size_t size, size_t len, size_t *cuts, size_t cap)
{
    uint64_t x = 0x9e3779b97f4a7c15u ^ size;
    for (size_t i = 0; i < size && i < 16; i++)
        x = (x ^ data[i]) * 0x100000001b3u;
    size_t n = 0, at = 0;
    while (n < cap && at < len) {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdu;
        x ^= x >> 29;
        at += (x & 7) == 0 ? (size_t)(x >> 8) % (len + 1) : 1 + (size_t)(x >> 8) % 9;
        cuts[n++] = at < len ? at : len;
    }
    return n;
}

/* Next line of data[*pos..size) as a NUL-terminated copy, or NULL at the end. */
static char *take_line(const uint8_t *data, size_t size, size_t *pos)
{
    if (*pos >= size)
        return NULL;
    const uint8_t *nl = memchr(data + *pos, '\n', size - *pos);
    size_t end = nl ? (size_t)(nl - data) : size;
    char *s = malloc(end - *pos + 1);
    if (s != NULL) {
        memcpy(s, data + *pos, end - *pos);
        s[end - *pos] = '\0';
    }
    *pos = nl ? end + 1 : size;
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load_once();
    size_t pos = 0;
    char *ct = take_line(data, size, &pos);
    char *accept = take_line(data, size, &pos);
    size_t blen = size - pos;
    char *body = malloc(blen ? blen : 1);
    if (body != NULL) {
        memcpy(body, data + pos, blen);
        tc_invoke_request req = {body, blen, ct && ct[0] ? ct : NULL,
                                 accept && accept[0] ? accept : NULL, TC_FMT_JSON, 10000};
        tc_buf out = TC_BUF_INIT;
        tc_invoke_response resp;
        tc_invoke(g_inv, &req, &out, &resp);
        tc_buf want = TC_BUF_INIT, streamed = TC_BUF_INIT;
        tc_invoke_response want_resp, streamed_resp;
        oracle_invoke(g_model, g_ws, g_records, &req, &want, &want_resp);
        if (!same_response(&want, &want_resp, &out, &resp))
            abort();
        size_t cuts[64];
        size_t ncuts = draw_cuts(data, size, blen, cuts, 64);
        streamed_invoke(g_iv, g_inv, &req, cuts, ncuts, &streamed, &streamed_resp);
        if (!same_response(&want, &want_resp, &streamed, &streamed_resp))
            abort();
        tc_buf_free(&want);
        tc_buf_free(&streamed);
        unsigned s = resp.http_status;
        if (s != 200 && s != 400 && s != 406 && s != 413 && s != 415)
            abort();
        if (s != 200 && (out.data == NULL || strncmp(out.data, "{\"error\":\"", 10) != 0))
            abort();
        if (s == 200 && (resp.records == 0 || out.len == 0))
            abort();
        tc_buf_free(&out);
    }
    free(body);
    free(ct);
    free(accept);
    return 0;
}
