/*
 * tc_invoke.h - one /invocations request, socket-free: content negotiation, decode,
 * predict every record in order, encode. The HTTP server, the fuzzer and the
 * benchmarks call exactly this.
 */
#ifndef TC_INVOKE_H
#define TC_INVOKE_H

#include <stddef.h>

#include "tc_buf.h"
#include "tc_mediatype.h"
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

/* Per-thread reusable state (records, workspace). m must outlive every use of the
 * invoker; freeing it does not touch m (which may be gone by then). NULL on allocation
 * failure. */
typedef struct tc_invoker tc_invoker;
typedef struct tc_invocation tc_invocation;
tc_invoker *tc_invoker_new(const tc_model *m);
void tc_invoker_free(tc_invoker **inv);

/* Writes the response body into out (cleared first): predictions on 200, or a JSON
 * error object {"error": "...", "status": N} otherwise. Never fails on client input.
 * Order of checks: Content-Type (415), Accept (406), body (400 / 413). */
void tc_invoke(tc_invoker *inv, const tc_invoke_request *req, tc_buf *out,
               tc_invoke_response *resp);

/* One request whose body arrives in pieces (the HTTP server): records are predicted
 * as soon as they are complete (TEXT, CSV, JSON Lines; a JSON body is decoded whole at
 * the end), so memory holds the encoded predictions and one unfinished record, not
 * the body. The response is byte for byte the one tc_invoke gives the whole body,
 * however it is cut. Owns its buffers; reusable (begin starts over). Bind it to one
 * model; each call takes the calling thread's invoker of that model. Keeps nothing of
 * the invoker between calls; freeing it does not touch the model. */
tc_invocation *tc_invocation_new(const tc_model *m);
void tc_invocation_free(tc_invocation **iv);
/* Headers (req->body is not read): Content-Type and Accept are settled here; on 415 or
 * 406 the body is ignored. */
void tc_invocation_begin(tc_invocation *iv, const tc_invoke_request *req);
/* The next n bytes of the body. */
void tc_invocation_feed(tc_invocation *iv, tc_invoker *inv, const char *data, size_t n);
/* The end of the body: the response into out (its old contents dropped), as tc_invoke. */
void tc_invocation_end(tc_invocation *iv, tc_invoker *inv, tc_buf *out,
                       tc_invoke_response *resp);

/* HTTP status for a failed tc_status (EINPUT 400, ETOOBIG 413, EUNSUPPORTED 415,
 * ENOTACCEPTABLE 406, anything else 500). */
unsigned tc_invoke_http_status(tc_status s);

/* Writes {"error": msg, "status": status} into out (cleared first). msg may hold
 * any bytes (client-supplied text); bytes that are not valid UTF-8 become '?'. */
void tc_invoke_error_body(tc_buf *out, unsigned status, const char *msg);

#endif
