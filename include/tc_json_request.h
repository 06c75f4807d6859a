/*
 * tc_json_request.h - application/json and JSON Lines request bodies, read strictly
 * (RFC 8259: no raw control characters in strings, no leading zeros or bare decimal
 * points, only space, tab, CR, LF as whitespace) in one pass that keeps only the records.
 *
 * application/json: {"instances": [...]} or {"inputs": [...]} (items are strings or
 *   {"text": "..."} objects), {"text": "..."}, a bare string, or an array of items.
 *   Other members are ignored (they must still be valid JSON); of duplicate "text"
 *   members the last counts; "instances" and "inputs" together, or either twice, is an
 *   error. \u escapes are decoded (surrogate pairs included; \u0000 is a NUL byte of the
 *   record); a lone surrogate is an error. Nesting deeper than 256 levels is an error
 *   (the value of a member of the top-level object counts from level 2).
 * JSON Lines: each line that is not blank is one item: a JSON string or {"text": ...}.
 *
 * Errors are TC_EINPUT with whole-body positions, the first problem in body order:
 *   "malformed JSON at byte B (line L): <what>" (what the grammar expected there, and
 *     "\"text\" must be a string");
 *   "wrong JSON shape: ..." (an item that is not a string or {"text"}, and the like);
 *   "malformed JSON Lines: line L: trailing data after the value (byte B)";
 *   "empty JSON body"; the record limit as tc_records_add_span.
 * Allocation failure -> TC_ENOMEM.
 */
#ifndef TC_JSON_REQUEST_H
#define TC_JSON_REQUEST_H

#include <stddef.h>

#include "tc_records.h"
#include "tc_status.h"

/* Decodes s[0..n) (valid UTF-8), the part r was started on (tc_records_start), into r;
 * every record is written into r. */
tc_status tc_json_request_decode(tc_records *r, const char *s, size_t n, char *err);

/* The same for a part of a JSON Lines body (whole lines; the last may lack its "\n"). */
tc_status tc_json_request_decode_lines(tc_records *r, const char *s, size_t n, char *err);

#endif
