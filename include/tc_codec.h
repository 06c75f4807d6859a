/*
 * tc_codec.h - request decoding and response encoding for /invocations and the CLI.
 * Socket-free: bytes in, records out; predictions in, bytes out.
 *
 * Request formats (Content-Type, parameters such as "; charset=utf-8" accepted;
 * any other charset is unsupported):
 *   TC_FMT_TEXT       text/plain, application/x-www-form-urlencoded (read raw, no
 *                     URL-decoding), or no Content-Type: one record per line; a final
 *                     newline does not add a record; "\r\n" counts as a newline;
 *                     empty lines in the middle are records.
 *   TC_FMT_CSV        text/csv (also application/csv), RFC 4180: quotes, doubled
 *                     quotes, separators and newlines inside quotes; the first column
 *                     is the text. Lines end in "\n" or "\r\n"; a final line end adds
 *                     no record; an empty line is an empty record. A quote inside an
 *                     unquoted field is literal (as Python's csv module reads it); an
 *                     unterminated quote or text after a closing quote is an error.
 *   TC_FMT_JSON       application/json: {"instances": [...]}, {"inputs": [...]}
 *                     (items are strings or {"text": "..."}), {"text": "..."},
 *                     a bare string, or an array of strings / {"text"} objects.
 *                     Other members are validated and ignored; \u escapes (with
 *                     surrogate pairs) are decoded, a lone surrogate is an error;
 *                     nesting deeper than 256 is an error.
 *   TC_FMT_JSONLINES  application/jsonlines (also application/jsonl, application/x-ndjson):
 *                     each non-empty line a JSON string or {"text": "..."}.
 * Response formats (Accept):
 *   TC_FMT_JSON       {"predictions":[{"label":..,"probabilities":{..}}, ...]}
 *   TC_FMT_JSONLINES  one {"label":..,"probabilities":{..}} per line
 *   TC_FMT_CSV        label,v_class0,v_class1,... per line (classes in model order)
 * ("scores" replaces "probabilities" for models without probabilities).
 */
#ifndef TC_CODEC_H
#define TC_CODEC_H

#include <stdbool.h>
#include <stddef.h>

#include "tc_buf.h"
#include "tc_output.h"
#include "tc_status.h"

typedef enum tc_format { TC_FMT_TEXT, TC_FMT_CSV, TC_FMT_JSON, TC_FMT_JSONLINES } tc_format;

/* MIME type string of a response format ("application/json", ...). */
const char *tc_format_mime(tc_format f);

/* Maps a Content-Type header value (NULL or "" = missing -> TC_FMT_TEXT), case-
 * insensitively, ignoring parameters except charset (utf-8 / utf8 only).
 * Unknown type or another charset -> TC_EUNSUPPORTED. */
tc_status tc_codec_request_format(const char *content_type, tc_format *out, char *err);

/* Picks the response format from an Accept header (RFC 9110 lists with q-values;
 * the most specific range decides a type's q; highest q wins, then the earlier range,
 * then dflt; NULL, "" and a bare wildcard -> dflt; malformed ranges are ignored).
 * Nothing acceptable (text/plain included) -> TC_ENOTACCEPTABLE. */
tc_status tc_codec_response_format(const char *accept, tc_format dflt, tc_format *out,
                                   char *err);

/* Decoded records: text spans, in input order. Opaque; reusable across requests. */
typedef struct tc_records tc_records;
tc_records *tc_records_new(void);
void tc_records_free(tc_records **r);
size_t tc_records_count(const tc_records *r);
/* Empties r and frees whatever buffer grew beyond keep_bytes (after a huge request),
 * so a long-lived per-thread tc_records does not pin its peak size. */
void tc_records_release(tc_records *r, size_t keep_bytes);
const char *tc_records_text(const tc_records *r, size_t i, size_t *len);

/* Decodes body[0..len) into r (cleared first). The records borrow from body (and from
 * r): valid until body is freed or r is decoded into again. Empty body, malformed JSON/CSV,
 * wrong JSON shape, invalid UTF-8 -> TC_EINPUT with a message saying where
 * (record/line/byte). More than max_records records -> TC_ETOOBIG.
 * Checks in this order: empty, size, UTF-8 (first invalid byte), syntax and record
 * count (first problem in body order), at least one record. */
tc_status tc_codec_decode(tc_format fmt, const char *body, size_t len, size_t max_records,
                          tc_records *r, char *err);

/* A body decoded while it arrives, for the HTTP server: TEXT, CSV and JSONLINES
 * records are decoded as soon as they are complete, so memory holds one unfinished
 * record, not the body; a JSON body is one value and is decoded whole at the end.
 * The verdict is the one tc_codec_decode gives the whole body, however it was cut
 * into pieces: the same status and message (the first invalid UTF-8 byte anywhere
 * outranks a syntax error or the record limit before it, as the whole-body check
 * runs first). Records already passed on before a later error are the caller's to
 * discard. Reusable: begin starts a new body. */
typedef struct tc_body_decoder tc_body_decoder;

/* Called with each batch of complete records, in body order. first is the index of
 * r's first record in the body; r is valid only during the call. */
typedef void (*tc_records_fn)(void *ctx, const tc_records *r, size_t first);

tc_body_decoder *tc_body_decoder_new(void);
void tc_body_decoder_free(tc_body_decoder **d);
void tc_body_decoder_begin(tc_body_decoder *d, tc_format fmt, size_t max_records);
/* The next n bytes of the body. Decodes into scratch (a tc_records of the caller's,
 * reused) and hands complete records to fn. Failures are kept for _end. */
void tc_body_decoder_feed(tc_body_decoder *d, const char *p, size_t n, tc_records *scratch,
                          tc_records_fn fn, void *ctx);
/* The end of the body: decodes what is left, then returns TC_OK or the error (status
 * and message) tc_codec_decode gives the whole body; allocation failure -> TC_ENOMEM. */
tc_status tc_body_decoder_end(tc_body_decoder *d, tc_records *scratch, tc_records_fn fn,
                              void *ctx, char *err);

/* Streaming response encoder: begin, one add per prediction, end. Appends to out
 * (never clears it); false only on allocation failure. Numbers are the shortest
 * decimal that reads back as the same double. CSV cells (labels) are quoted when they
 * hold a comma, quote or line break. */
typedef struct tc_encoder {
    tc_format fmt;
    const tc_output_schema *schema;
    tc_buf *out;
    size_t count;
} tc_encoder;

/* schema (class names, output kind) must outlive the encoder's use. */
bool tc_encoder_begin(tc_encoder *e, tc_format fmt, const tc_output_schema *schema, tc_buf *out);
bool tc_encoder_add(tc_encoder *e, const tc_prediction *p);
bool tc_encoder_end(tc_encoder *e);

#endif
