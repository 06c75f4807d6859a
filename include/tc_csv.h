/*
 * tc_csv.h - text/csv request bodies (RFC 4180, read as Python's csv module reads
 * them): quotes, doubled quotes, separators and line breaks inside quotes; the first
 * column of each record is the record's text. Lines end in "\n" or "\r\n"; a final line
 * end adds no record; an empty line is an empty record. A quote inside an unquoted
 * field is literal; an unterminated quote or text after a closing quote is an error.
 */
#ifndef TC_CSV_H
#define TC_CSV_H

#include <stddef.h>

#include "tc_records.h"
#include "tc_status.h"

/* Decodes s[0..n), the part r was started on (tc_records_start), into r: first fields
 * without doubled quotes borrow from the part, the others are written into r.
 * Unterminated quoted field, or text after a closing quote -> TC_EINPUT
 * "malformed CSV: record N (line L[, byte B]): ..." in whole-body numbers; the record
 * limit and memory as tc_records_add_span. */
tc_status tc_csv_decode(tc_records *r, const char *s, size_t n, char *err);

/* Finds record ends in a CSV body that arrives in pieces, without decoding it: a line
 * end outside quotes. Text after a closing quote, which tc_csv_decode refuses, is read
 * on as an unquoted field. Begin with {0} (or tc_csv_cutter_init). */
typedef struct tc_csv_cutter {
    unsigned state;
} tc_csv_cutter;

void tc_csv_cutter_init(tc_csv_cutter *c);
/* Scans p[0..n), the next piece: returns the length of the longest prefix that ends
 * just after a record end, and in *first that of the shortest (both 0: no record ends
 * in p). */
size_t tc_csv_cut(tc_csv_cutter *c, const char *p, size_t n, size_t *first);

#endif
