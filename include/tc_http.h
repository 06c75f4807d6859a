/*
 * tc_http.h - the SageMaker routes on libmicrohttpd: request handling and responses.
 *
 *   GET|HEAD /ping                   200, empty body
 *   GET|HEAD /execution-parameters   {"MaxConcurrentTransforms":N,"BatchStrategy":"..",
 *                                     "MaxPayloadInMB":N}
 *   POST /invocations                the model's predictions (tc_invoke.h): the body is
 *                                    fed to a tc_invocation piece by piece as it arrives,
 *                                    on the model the request took at its first callback
 *   other path -> 404, other method -> 405 with Allow; every error body is JSON
 *   ({"error":..,"status":N}); X-Amzn-SageMaker-Custom-Attributes is echoed.
 *
 * A body over the payload limit gets 413: at once (from Content-Length) if it is more
 * than 16 MiB over or the client waits for "100 Continue", else after it has been
 * drained, so the client reads the 413 on a healthy connection. Each request is
 * written to the access log (at log level info and above) at its completion.
 *
 * The lifecycle (tc_server.h) passes tc_http_on_request as MHD's access handler and
 * tc_http_on_completed as MHD_OPTION_NOTIFY_COMPLETED, both with the tc_http as their
 * closure, and owns the daemon, the live model and the access log.
 */
#ifndef TC_HTTP_H
#define TC_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

#include "tc_accesslog.h"
#include "tc_codec.h"
#include "tc_live.h"
#include "tc_serve_config.h"

typedef struct tc_http tc_http;

/* Borrows cfg (limits, /execution-parameters, log level), live and log; each must
 * outlive the tc_http. default_accept: the response format for a missing Accept or a
 * wildcard. NULL on allocation failure. */
tc_http *tc_http_new(const tc_serve_config *cfg, tc_format default_accept, tc_live *live,
                     tc_accesslog *log);
/* After the MHD daemon has stopped (its threads have freed their state on exit). */
void tc_http_free(tc_http **h);

/* MHD_AccessHandlerCallback; cls is the tc_http. */
enum MHD_Result tc_http_on_request(void *cls, struct MHD_Connection *c, const char *url,
                                   const char *method, const char *version,
                                   const char *upload_data, size_t *upload_data_size,
                                   void **req_cls);
/* MHD_RequestCompletedCallback; cls is the tc_http. */
void tc_http_on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                          enum MHD_RequestTerminationCode toe);

/* Requests begun and not yet completed. */
size_t tc_http_inflight(tc_http *h);
/* Request body bytes of all completed requests since start (only grows; wraps at
 * SIZE_MAX). A caller that sees it unchanged, with nothing in flight, across an
 * interval knows the whole interval was quiet. */
size_t tc_http_bytes_received(tc_http *h);

#endif
