/* fuzz_invoke.c - libFuzzer target for tc_invoke, the whole /invocations request
 * without sockets. Input: "Content-Type\nAccept\nbody" (missing lines = missing
 * headers). Client input must never produce a 500, a crash or a non-JSON error.
 * Model: $TEXTCLF_FUZZ_MODEL, else models/sentiment-en (run from the repo root). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_invoke.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tc_model *g_model;
static tc_invoker *g_inv;

static void load_once(void)
{
    if (g_model != NULL)
        return;
    const char *dir = getenv("TEXTCLF_FUZZ_MODEL");
    if (dir == NULL || dir[0] == '\0')
        dir = "models/sentiment-en";
    char err[TC_ERR_LEN];
    if (tc_model_load(dir, NULL, &g_model, err) != TC_OK ||
        (g_inv = tc_invoker_new(g_model)) == NULL) {
        fprintf(stderr, "fuzz_invoke: cannot load %s: %s\n", dir, err);
        abort();
    }
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
