/*
 * tc_mediatype.h - the request and response formats of /invocations and how HTTP headers
 * name them: Content-Type picks the request format, Accept the response format.
 * Pure functions on header strings; no state.
 *
 * Request types (case-insensitive; parameters ignored except charset, which must be
 * utf-8 or utf8):
 *   TC_FMT_TEXT       text/plain, application/x-www-form-urlencoded (read raw), or none
 *   TC_FMT_CSV        text/csv, application/csv
 *   TC_FMT_JSON       application/json
 *   TC_FMT_JSONLINES  application/jsonlines, application/jsonl, application/x-jsonlines,
 *                     application/x-ndjson
 * Response types: the same names minus TC_FMT_TEXT.
 * (The tc_codec_ prefix of the two negotiation functions is kept from when they lived in
 * tc_codec.h, for the callers outside the codec.)
 */
#ifndef TC_MEDIATYPE_H
#define TC_MEDIATYPE_H

#include "tc_status.h"

typedef enum tc_format { TC_FMT_TEXT, TC_FMT_CSV, TC_FMT_JSON, TC_FMT_JSONLINES } tc_format;

/* MIME type of a response format ("application/json", ...); static string. */
const char *tc_format_mime(tc_format f);

/* Maps a Content-Type header value (NULL or "" = missing -> TC_FMT_TEXT).
 * Unknown type or another charset -> TC_EUNSUPPORTED, naming it. */
tc_status tc_codec_request_format(const char *content_type, tc_format *out, char *err);

/* Picks the response format from an Accept header (RFC 9110 lists with q-values;
 * the most specific range decides a type's q; highest q wins, then the earlier range,
 * then dflt; NULL, "" and a bare wildcard -> dflt; malformed ranges are ignored).
 * Nothing acceptable (text/plain included) -> TC_ENOTACCEPTABLE, quoting the header. */
tc_status tc_codec_response_format(const char *accept, tc_format dflt, tc_format *out,
                                   char *err);

#endif
