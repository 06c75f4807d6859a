/*
 * tc_records.h - the records of one request: text spans in input order, as the request
 * decoders (tc_plaintext, tc_csv, tc_json_request) produce them and the invoker reads
 * them. Socket-free and format-free.
 *
 * A record is either a span of the part being decoded (borrowed: valid while that part
 * is) or text the decoder wrote into the records' own buffer (decoded JSON escapes, CSV
 * doubled quotes). Parts are limited to TC_RECORDS_MAX_PART bytes (32-bit offsets).
 * A body may be decoded in parts (tc_body_decoder); each part knows where it starts in
 * the whole body, so messages name whole-body bytes, lines and record numbers and the
 * record limit counts the whole body.
 */
#ifndef TC_RECORDS_H
#define TC_RECORDS_H

#include <stddef.h>

#include "tc_status.h"

#define TC_RECORDS_MAX_PART ((size_t)0x7fffffff)

/* Where a part starts in the whole body: the bytes, line ends and records before it. */
typedef struct tc_body_origin {
    size_t byte, line, record;
} tc_body_origin;

/* A body decoded whole is one part at the start. */
extern const tc_body_origin tc_body_start;

/* Moves *at past part[0..len) (a part of whole records, no record counted). */
void tc_body_origin_advance(tc_body_origin *at, const char *part, size_t len);
/* Line (from 1) in the whole body of offset off of the part that starts at *at. */
size_t tc_body_origin_line(const tc_body_origin *at, const char *part, size_t off);

/* ---- the reader's side ---- */

/* Opaque; reusable across requests. new: NULL on allocation failure. */
typedef struct tc_records tc_records;
tc_records *tc_records_new(void);
void tc_records_free(tc_records **r);
size_t tc_records_count(const tc_records *r);
/* Record i (< count): its bytes and length (may hold NUL bytes; not NUL-terminated
 * when borrowed). */
const char *tc_records_text(const tc_records *r, size_t i, size_t *len);
/* Empties r and frees whatever buffer grew beyond keep_bytes (after a huge request),
 * so a long-lived per-thread tc_records does not pin its peak size. */
void tc_records_release(tc_records *r, size_t keep_bytes);

/* ---- the decoder's side ---- */

/* Empties r and starts decoding a part (at most TC_RECORDS_MAX_PART bytes) that begins
 * at *at of the whole body; the whole body may hold max_records records. */
void tc_records_start(tc_records *r, const char *part, const tc_body_origin *at,
                      size_t max_records);
/* Drops the records of the part (a failed decode leaves none). */
void tc_records_drop(tc_records *r);
/* Adds part[off..off+len) as the next record. More than max_records in the body ->
 * TC_ETOOBIG "more than N records in one request"; allocation -> TC_ENOMEM. */
tc_status tc_records_add_span(tc_records *r, size_t off, size_t len, char *err);
/* Decoded text (JSON escapes, CSV doubled quotes) is written into r: tc_records_space
 * gives room for n bytes at the end of r's text (valid until the next call on r; NULL
 * on allocation failure); tc_records_keep keeps the first len (<= n) of them and
 * returns where they start; tc_records_add_text adds kept text as the next record
 * (same failures as add_span). Text written but not kept is overwritten by the next. */
char *tc_records_space(tc_records *r, size_t n);
size_t tc_records_keep(tc_records *r, size_t len);
tc_status tc_records_add_text(tc_records *r, size_t at, size_t len, char *err);

/* Records of the whole body before the part (its first record's index). */
size_t tc_records_part_first(const tc_records *r);
/* Byte offset and line (from 1) in the whole body of offset off of the part. */
size_t tc_records_byte_at(const tc_records *r, size_t off);
size_t tc_records_line_at(const tc_records *r, size_t off);

#endif
