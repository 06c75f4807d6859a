/*
 * tc_lambda_event.h - one AWS Lambda event in, one answer out; socket-free. The Lambda
 * runtime loop (tc_lambda.h), the unit tests and the fuzzer call exactly this.
 *
 * The event is classified, its request taken out, and the request answered by tc_invoke:
 * the same codec, content negotiation, limits and error texts as POST /invocations.
 *
 *   TC_LAMBDA_HTTP_V2  API Gateway HTTP API (payload 2.0) and Lambda Function URL events:
 *                      "version": "2.0", or "rawPath" with "requestContext". Method from
 *                      requestContext.http.method; path from "rawPath", less a leading
 *                      "/<requestContext.stage>" unless the stage is "$default"; "headers"
 *                      (names matched case-insensitively), "body", "isBase64Encoded".
 *   TC_LAMBDA_HTTP_V1  API Gateway REST (payload 1.0) proxy events: an "httpMethod" member;
 *                      "path", "headers", "body", "isBase64Encoded".
 *   TC_LAMBDA_DIRECT   anything else (aws lambda invoke, Step Functions): the event bytes
 *                      are the body of a POST /invocations with Content-Type
 *                      application/json, so every JSON shape /invocations takes works
 *                      ({"instances":[...]}, {"inputs":[...]}, {"text":...}, a string, an
 *                      array); the answer is always application/json.
 *
 * HTTP events are routed as the HTTP server routes: POST /invocations (and POST / for a
 * Function URL or a $default route) -> predictions; GET or HEAD /ping -> 200, empty body;
 * another method -> 405 with "allow"; another path -> 404. The answer to an HTTP event is
 *   {"statusCode":N,"headers":{"content-type":...},"body":"...","isBase64Encoded":false}
 * and a client error is such an answer with a 4xx statusCode and /invocations' JSON error
 * body (never a function error). The x-amzn-sagemaker-custom-attributes header is echoed.
 * A base64 body ("isBase64Encoded": true) is decoded first (strict RFC 4648: padded,
 * no white space); one that is not base64 -> 400. A decoded body over max_payload_bytes
 * -> 413 with the HTTP server's message. An HTTP event whose members have the wrong
 * types -> 400 naming the member. An HTTP event holding a \u0000 escape -> 400 (the
 * JSON library ends strings at NUL, so such a body cannot be passed on whole).
 *
 * A direct invocation answers the predictions JSON /invocations gives. Its client errors
 * (malformed or non-JSON event, wrong shape, invalid UTF-8, too many records) are
 * function errors of type "ClientError" whose errorMessage is /invocations' error text:
 * a Step Functions Catch or Retry can match them, and `aws lambda invoke` reports
 * FunctionError. Errors that are nobody's input (out of memory) are function errors of
 * type "InternalError" for every kind.
 *
 * An answer over max_response_bytes (Lambda's synchronous response cap) is replaced by a
 * 413 answer (HTTP) or a ClientError (direct) saying so, rather than failing in Lambda.
 */
#ifndef TC_LAMBDA_EVENT_H
#define TC_LAMBDA_EVENT_H

#include <stdbool.h>
#include <stddef.h>

#include "tc_buf.h"
#include "tc_codec.h"
#include "tc_model.h"

/* Lambda's cap on a synchronous response: 6 MiB + 100 bytes (the emulator's figure). */
#define TC_LAMBDA_MAX_RESPONSE_BYTES ((size_t)6 * 1024 * 1024 + 100)

typedef enum tc_lambda_kind { TC_LAMBDA_HTTP_V2, TC_LAMBDA_HTTP_V1, TC_LAMBDA_DIRECT } tc_lambda_kind;

typedef struct tc_lambda_limits {
    size_t max_payload_bytes;   /* request body (after base64) limit -> 413 */
    unsigned max_payload_mb;    /* the same, for messages */
    size_t max_records;         /* records per request -> 413 */
    tc_format default_accept;   /* HTTP events without Accept or with a wildcard */
    size_t max_response_bytes;  /* TC_LAMBDA_MAX_RESPONSE_BYTES unless testing */
} tc_lambda_limits;

typedef struct tc_lambda_answer {
    tc_lambda_kind kind;
    unsigned status;            /* the HTTP status the request got (also for direct) */
    size_t records;             /* records predicted */
    bool function_error;        /* out is an error object for .../invocation/{id}/error */
    const char *error_type;     /* function_error: "ClientError" or "InternalError" */
} tc_lambda_answer;

/* Per-thread state for answering events of one model; m must outlive it. NULL on
 * allocation failure. Freeing it does not touch m. */
typedef struct tc_lambda_handler tc_lambda_handler;
tc_lambda_handler *tc_lambda_handler_new(const tc_model *m, const tc_lambda_limits *lim);
void tc_lambda_handler_free(tc_lambda_handler **h);

/* Answers event[0..len) (any bytes). out (cleared first) receives the JSON to post to
 * .../response, or, when ans->function_error, the {"errorMessage","errorType",
 * "stackTrace":[]} object for .../error. Never fails on client input. */
void tc_lambda_handle(tc_lambda_handler *h, const char *event, size_t len, tc_buf *out,
                      tc_lambda_answer *ans);

/* "http-v2", "http-v1" or "direct". */
const char *tc_lambda_kind_name(tc_lambda_kind k);

/* Writes {"errorMessage":msg,"errorType":type,"stackTrace":[]} into out (cleared first);
 * bytes of msg that are not UTF-8 become '?'. For .../error and /runtime/init/error. */
void tc_lambda_error_object(tc_buf *out, const char *type, const char *msg);

#endif
