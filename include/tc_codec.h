/*
 * tc_codec.h - a request body decoded into records, whole: the checks every body gets,
 * then the decoder of its format (tc_plaintext, tc_csv, tc_json_request). Socket-free:
 * bytes in, records out. tc_body_decoder decodes a body that arrives in pieces with the
 * same checks, applied part by part.
 *
 * Checks, in this order: empty body, size (TC_RECORDS_MAX_PART), UTF-8 (the first
 * invalid byte), the format's syntax and record limit (see each decoder), at least one
 * record. Messages name the byte, line and record in the whole body.
 */
#ifndef TC_CODEC_H
#define TC_CODEC_H

#include <stddef.h>

#include "tc_mediatype.h"
#include "tc_records.h"
#include "tc_status.h"

/* Decodes body[0..len) into r (emptied first). The records borrow from body (and from
 * r): valid until body is freed or r is decoded into again. Empty body, malformed
 * JSON/CSV, wrong JSON shape, invalid UTF-8, no records -> TC_EINPUT; a body over the
 * size limit or more than max_records records -> TC_ETOOBIG; allocation -> TC_ENOMEM.
 * On failure r holds no records. */
tc_status tc_codec_decode(tc_format fmt, const char *body, size_t len, size_t max_records,
                          tc_records *r, char *err);

/* The same steps for a part of a body, as tc_body_decoder takes them: */
/* "empty request body" or "request body of N bytes is too large", for the whole length. */
tc_status tc_codec_check_size(size_t len, char *err);
/* "invalid UTF-8 at byte B (line L)" for a part that starts at *at. */
tc_status tc_codec_check_utf8(const char *part, size_t len, const tc_body_origin *at, char *err);
/* Decodes a part of whole records (valid UTF-8, at most TC_RECORDS_MAX_PART bytes) that
 * starts at *at into r (emptied first); on failure r holds no records. */
tc_status tc_codec_decode_part(tc_format fmt, const char *part, size_t len,
                               const tc_body_origin *at, size_t max_records, tc_records *r,
                               char *err);
/* "the request contains no records" when records is 0. */
tc_status tc_codec_check_count(size_t records, char *err);

#endif
