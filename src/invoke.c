/* invoke.c - one /invocations request, socket-free (see tc_invoke.h). */
#include "tc_invoke.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_body_decoder.h"
#include "tc_encoder.h"
#include "tc_records.h"
#include "tc_utf8.h"

/* Per-thread record buffers above this are freed after the request. */
#define KEEP_RECORD_BYTES ((size_t)1 << 20)

struct tc_invoker {
    const tc_model *model;
    tc_workspace *ws;
    tc_records *records;
    tc_invocation *whole;  /* tc_invoke's */
};

tc_invoker *tc_invoker_new(const tc_model *m)
{
    tc_invoker *inv = calloc(1, sizeof *inv);
    if (inv == NULL)
        return NULL;
    inv->model = m;
    inv->ws = tc_workspace_new(m);
    inv->records = tc_records_new();
    inv->whole = tc_invocation_new(m);
    if (inv->ws == NULL || inv->records == NULL || inv->whole == NULL)
        tc_invoker_free(&inv);
    return inv;
}

void tc_invoker_free(tc_invoker **inv)
{
    if (inv == NULL || *inv == NULL)
        return;
    tc_workspace_free(&(*inv)->ws);
    tc_records_free(&(*inv)->records);
    tc_invocation_free(&(*inv)->whole);
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

/* ---- one request, body in pieces ---------------------------------------------------------- */

/* Encoded responses above this are not kept between requests. */
#define KEEP_OUT_BYTES ((size_t)1 << 20)

struct tc_invocation {
    const tc_model *model;
    tc_status negotiated;      /* Content-Type / Accept: TC_OK, or the 415/406 */
    char negotiate_err[TC_ERR_LEN];
    tc_format out_fmt;
    tc_body_decoder *dec;
    tc_buf out;                /* the predictions encoded so far */
    tc_encoder enc;
    tc_status predicted;       /* the first failed prediction or encoding, by record */
    char predict_err[TC_ERR_LEN + 32];
};

static const char k_encode_oom[] = "out of memory while encoding the response";

/* Keeps the first failed prediction or encoding; later records are not predicted. */
static void prediction_failed(tc_invocation *iv, tc_status st, const char *msg)
{
    iv->predicted = st;
    snprintf(iv->predict_err, sizeof iv->predict_err, "%s", msg);
}

tc_invocation *tc_invocation_new(const tc_model *m)
{
    tc_invocation *iv = calloc(1, sizeof *iv);
    if (iv == NULL)
        return NULL;
    iv->model = m;
    iv->dec = tc_body_decoder_new();
    if (iv->dec == NULL)
        tc_invocation_free(&iv);
    return iv;
}

void tc_invocation_free(tc_invocation **iv)
{
    if (iv == NULL || *iv == NULL)
        return;
    tc_body_decoder_free(&(*iv)->dec);
    tc_buf_free(&(*iv)->out);
    free(*iv);
    *iv = NULL;
}

void tc_invocation_begin(tc_invocation *iv, const tc_invoke_request *req)
{
    tc_format in_fmt = TC_FMT_TEXT;
    iv->negotiate_err[0] = '\0';
    iv->negotiated = tc_codec_request_format(req->content_type, &in_fmt, iv->negotiate_err);
    if (iv->negotiated == TC_OK)
        iv->negotiated = tc_codec_response_format(req->accept, req->default_accept,
                                                  &iv->out_fmt, iv->negotiate_err);
    tc_body_decoder_begin(iv->dec, in_fmt, req->max_records);
    if (iv->out.cap > KEEP_OUT_BYTES)
        tc_buf_free(&iv->out);
    tc_buf_clear(&iv->out);
    iv->predicted = TC_OK;
    iv->predict_err[0] = '\0';
    if (iv->negotiated == TC_OK && !tc_encoder_begin(&iv->enc, iv->out_fmt, tc_model_output_schema(iv->model), &iv->out))
        prediction_failed(iv, TC_ENOMEM, k_encode_oom);
}

/* What predict_records works with: the request's invocation, the thread's invoker. */
typedef struct predict_ctx {
    tc_invocation *iv;
    tc_invoker *inv;
} predict_ctx;

/* tc_records_fn: predicts and encodes records until the first failure. */
static void predict_records(void *ctx, const tc_records *r, size_t first)
{
    tc_invocation *iv = ((predict_ctx *)ctx)->iv;
    tc_workspace *ws = ((predict_ctx *)ctx)->inv->ws;
    char err[TC_ERR_LEN];
    size_t n = tc_records_count(r);
    for (size_t i = 0; i < n && iv->predicted == TC_OK; i++) {
        size_t len;
        const char *text = tc_records_text(r, i, &len);
        tc_prediction p;
        err[0] = '\0';
        tc_status st = tc_model_predict(iv->model, ws, text, len, &p, err);
        if (st != TC_OK) {
            char msg[TC_ERR_LEN + 32];
            snprintf(msg, sizeof msg, "record %zu: %s", first + i + 1, err);
            prediction_failed(iv, st, msg);
        } else if (!tc_encoder_add(&iv->enc, &p)) {
            prediction_failed(iv, TC_ENOMEM, k_encode_oom);
        }
    }
}

void tc_invocation_feed(tc_invocation *iv, tc_invoker *inv, const char *data, size_t n)
{
    if (iv->negotiated != TC_OK || n == 0)
        return;
    predict_ctx ctx = {iv, inv};
    tc_body_decoder_feed(iv->dec, data, n, inv->records, predict_records, &ctx);
    tc_records_release(inv->records, KEEP_RECORD_BYTES);
}

void tc_invocation_end(tc_invocation *iv, tc_invoker *inv, tc_buf *out,
                       tc_invoke_response *resp)
{
    if (iv->negotiated != TC_OK) {
        fail(out, resp, iv->negotiated, iv->negotiate_err);
        return;
    }
    char err[TC_ERR_LEN] = "";
    predict_ctx ctx = {iv, inv};
    tc_status st = tc_body_decoder_end(iv->dec, inv->records, predict_records, &ctx, err);
    tc_records_release(inv->records, KEEP_RECORD_BYTES);
    /* A decoding failure anywhere outranks a failed prediction before it. */
    if (st != TC_OK) {
        fail(out, resp, st, err);
        return;
    }
    if (iv->predicted == TC_OK && !tc_encoder_end(&iv->enc))
        prediction_failed(iv, TC_ENOMEM, k_encode_oom);
    if (iv->predicted != TC_OK) {
        fail(out, resp, iv->predicted, iv->predict_err);
        return;
    }
    /* The encoded body changes hands; out's old storage serves the next request. */
    tc_buf done = iv->out;
    iv->out = *out;
    *out = done;
    tc_buf_clear(&iv->out);
    resp->http_status = 200;
    resp->content_type = tc_format_mime(iv->out_fmt);
    resp->records = iv->enc.count;
}

void tc_invoke(tc_invoker *inv, const tc_invoke_request *req, tc_buf *out,
               tc_invoke_response *resp)
{
    tc_invocation_begin(inv->whole, req);
    tc_invocation_feed(inv->whole, inv, req->body, req->body_len);
    tc_invocation_end(inv->whole, inv, out, resp);
}
