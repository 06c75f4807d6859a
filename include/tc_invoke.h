/*
 * tc_invoke.h - one /invocations request, socket-free: content negotiation, decode,
 * predict every record in order, encode. The HTTP server, the fuzzer and the
 * benchmarks call exactly this.
 */
#ifndef TC_INVOKE_H
#define TC_INVOKE_H

#include <stddef.h>

#include "tc_buf.h"
#include "tc_codec.h"
#include "tc_model.h"

typedef struct tc_invoke_request {
    const char *body;          /* may hold any bytes; need not be NUL-terminated */
    size_t body_len;
    const char *content_type;  /* header value or NULL */
    const char *accept;        /* header value or NULL */
    tc_format default_accept;  /* for missing Accept / wildcard */
    size_t max_records;        /* more records -> 413 */
} tc_invoke_request;

typedef struct tc_invoke_response {
    unsigned http_status;      /* 200, 400, 406, 413, 415 (500 only for ENOMEM) */
    const char *content_type;  /* static string */
    size_t records;            /* records predicted (0 on error) */
} tc_invoke_response;

/* Per-thread reusable state (records, workspace). m must outlive the invoker.
 * NULL on allocation failure. */
typedef struct tc_invoker tc_invoker;
tc_invoker *tc_invoker_new(const tc_model *m);
void tc_invoker_free(tc_invoker **inv);

/* Writes the response body into out (cleared first): predictions on 200, or a JSON
 * error object {"error": "...", "status": N} otherwise. Never fails on client input.
 * Order of checks: Content-Type (415), Accept (406), body (400 / 413). */
void tc_invoke(tc_invoker *inv, const tc_invoke_request *req, tc_buf *out,
               tc_invoke_response *resp);

/* HTTP status for a failed tc_status (EINPUT 400, ETOOBIG 413, EUNSUPPORTED 415,
 * ENOTACCEPTABLE 406, anything else 500). */
unsigned tc_invoke_http_status(tc_status s);

/* Writes {"error": msg, "status": status} into out (cleared first). msg may hold
 * any bytes (client-supplied text); bytes that are not valid UTF-8 become '?'. */
void tc_invoke_error_body(tc_buf *out, unsigned status, const char *msg);

#endif
