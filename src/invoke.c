/* invoke.c - one /invocations request, socket-free (see tc_invoke.h). */
#include "tc_invoke.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_utf8.h"

/* Per-thread record buffers above this are freed after the request. */
#define KEEP_RECORD_BYTES ((size_t)1 << 20)

struct tc_invoker {
    const tc_model *model;
    tc_workspace *ws;
    tc_records *records;
};

tc_invoker *tc_invoker_new(const tc_model *m)
{
    tc_invoker *inv = calloc(1, sizeof *inv);
    if (inv == NULL)
        return NULL;
    inv->model = m;
    inv->ws = tc_workspace_new(m);
    inv->records = tc_records_new();
    if (inv->ws == NULL || inv->records == NULL)
        tc_invoker_free(&inv);
    return inv;
}

void tc_invoker_free(tc_invoker **inv)
{
    if (inv == NULL || *inv == NULL)
        return;
    tc_workspace_free(&(*inv)->ws);
    tc_records_free(&(*inv)->records);
    free(*inv);
    *inv = NULL;
}

unsigned tc_invoke_http_status(tc_status s)
{
    switch (s) {
    case TC_OK: return 200;
    case TC_EINPUT: return 400;
    case TC_ETOOBIG: return 413;
    case TC_EUNSUPPORTED: return 415;
    case TC_ENOTACCEPTABLE: return 406;
    default: return 500;
    }
}

void tc_invoke_error_body(tc_buf *out, unsigned status, const char *msg)
{
    char clean[TC_ERR_LEN];
    size_t n = strlen(msg);
    if (n >= sizeof clean)
        n = sizeof clean - 1;
    memcpy(clean, msg, n);
    clean[n] = '\0';
    size_t bad;
    while (!tc_utf8_valid(clean, n, &bad))
        clean[bad] = '?';
    tc_buf_clear(out);
    /* On allocation failure the body stays short or empty; the status still tells. */
    (void)(tc_buf_append_str(out, "{\"error\":") && tc_buf_append_json_string(out, clean, n) &&
           tc_buf_printf(out, ",\"status\":%u}", status));
}

static void fail(tc_buf *out, tc_invoke_response *resp, tc_status st, const char *msg)
{
    resp->http_status = tc_invoke_http_status(st);
    resp->content_type = "application/json";
    resp->records = 0;
    tc_invoke_error_body(out, resp->http_status, msg);
}

void tc_invoke(tc_invoker *inv, const tc_invoke_request *req, tc_buf *out,
               tc_invoke_response *resp)
{
    char err[TC_ERR_LEN] = "";
    tc_format in_fmt, out_fmt;
    tc_buf_clear(out);
    tc_status st = tc_codec_request_format(req->content_type, &in_fmt, err);
    if (st == TC_OK)
        st = tc_codec_response_format(req->accept, req->default_accept, &out_fmt, err);
    if (st == TC_OK)
        st = tc_codec_decode(in_fmt, req->body, req->body_len, req->max_records, inv->records,
                             err);
    if (st != TC_OK) {
        tc_records_release(inv->records, KEEP_RECORD_BYTES);
        fail(out, resp, st, err);
        return;
    }
    size_t n = tc_records_count(inv->records);
    tc_encoder enc;
    bool ok = tc_encoder_begin(&enc, out_fmt, inv->model, out);
    for (size_t i = 0; ok && i < n; i++) {
        size_t len;
        const char *text = tc_records_text(inv->records, i, &len);
        tc_prediction p;
        st = tc_model_predict(inv->model, inv->ws, text, len, &p, err);
        if (st != TC_OK) {
            char msg[TC_ERR_LEN + 32];
            snprintf(msg, sizeof msg, "record %zu: %s", i + 1, err);
            tc_records_release(inv->records, KEEP_RECORD_BYTES);
            fail(out, resp, st, msg);
            return;
        }
        ok = tc_encoder_add(&enc, &p);
    }
    tc_records_release(inv->records, KEEP_RECORD_BYTES);
    if (!(ok && tc_encoder_end(&enc))) {
        fail(out, resp, TC_ENOMEM, "out of memory while encoding the response");
        return;
    }
    resp->http_status = 200;
    resp->content_type = tc_format_mime(out_fmt);
    resp->records = n;
}
