/*
 * invoke_oracle.h - what a /invocations response must be, worked out the plain way,
 * for tests that check tc_invoke and tc_invocation (header-only: the unit tests and
 * the fuzz targets each compile one .c).
 *
 *   oracle_invoke(m, ws, records, req, out, resp)  the whole body at once: negotiate,
 *       tc_codec_decode (the whole-body decoder), then predict and encode every record.
 *       It shares no code with tc_invocation's cutting, carrying and ranking of
 *       failures, so a streamed response that equals it is right for that body.
 *   streamed_invoke(iv, inv, req, cuts, ncuts, out, resp)  the body fed to a
 *       tc_invocation in pieces ending at cuts[0] < cuts[1] < ... (offsets in the body).
 *   same_response(a, ra, b, rb)  byte-identical bodies, statuses, types and counts.
 */
#ifndef TC_INVOKE_ORACLE_H
#define TC_INVOKE_ORACLE_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tc_codec.h"
#include "tc_encoder.h"
#include "tc_invoke.h"

static inline void oracle_invoke(const tc_model *m, tc_workspace *ws, tc_records *records,
                                 const tc_invoke_request *req, tc_buf *out,
                                 tc_invoke_response *resp)
{
    char err[TC_ERR_LEN] = "";
    char msg[TC_ERR_LEN + 32];
    tc_format in_fmt = TC_FMT_TEXT, out_fmt = TC_FMT_JSON;
    tc_buf_clear(out);
    resp->records = 0;
    resp->content_type = "application/json";
    tc_status st = tc_codec_request_format(req->content_type, &in_fmt, err);
    if (st == TC_OK)
        st = tc_codec_response_format(req->accept, req->default_accept, &out_fmt, err);
    if (st == TC_OK)
        st = tc_codec_decode(in_fmt, req->body, req->body_len, req->max_records, records, err);
    snprintf(msg, sizeof msg, "%s", err);
    size_t n = st == TC_OK ? tc_records_count(records) : 0;
    tc_encoder enc;
    bool ok = st != TC_OK || tc_encoder_begin(&enc, out_fmt, tc_model_output_schema(m), out);
    for (size_t i = 0; st == TC_OK && ok && i < n; i++) {
        size_t len;
        const char *text = tc_records_text(records, i, &len);
        tc_prediction p;
        st = tc_model_predict(m, ws, text, len, &p, err);
        if (st != TC_OK)
            snprintf(msg, sizeof msg, "record %zu: %s", i + 1, err);
        else
            ok = tc_encoder_add(&enc, &p);
    }
    if (st == TC_OK && !(ok && tc_encoder_end(&enc))) {
        st = TC_ENOMEM;
        snprintf(msg, sizeof msg, "out of memory while encoding the response");
    }
    if (st != TC_OK) {
        resp->http_status = tc_invoke_http_status(st);
        tc_invoke_error_body(out, resp->http_status, msg);
        return;
    }
    resp->http_status = 200;
    resp->content_type = tc_format_mime(out_fmt);
    resp->records = n;
}

static inline void streamed_invoke(tc_invocation *iv, tc_invoker *inv,
                                   const tc_invoke_request *req, const size_t *cuts,
                                   size_t ncuts, tc_buf *out, tc_invoke_response *resp)
{
    tc_invocation_begin(iv, req);
    size_t at = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts && cuts[i] < req->body_len ? cuts[i] : req->body_len;
        if (end < at)
            end = at;
        tc_invocation_feed(iv, inv, req->body + at, end - at);
        at = end;
    }
    tc_invocation_end(iv, inv, out, resp);
}

static inline bool same_response(const tc_buf *a, const tc_invoke_response *ra,
                                 const tc_buf *b, const tc_invoke_response *rb)
{
    return ra->http_status == rb->http_status && ra->records == rb->records &&
           strcmp(ra->content_type, rb->content_type) == 0 && a->len == b->len &&
           (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

#endif
