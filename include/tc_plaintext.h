/*
 * tc_plaintext.h - text/plain request bodies (also application/x-www-form-urlencoded,
 * read raw, not URL-decoded): one record per line. "\n" ends a line and "\r\n" counts
 * as one; a final line end does not add a record; empty lines in the middle are
 * records. Never fails on content; the records borrow from the part.
 */
#ifndef TC_PLAINTEXT_H
#define TC_PLAINTEXT_H

#include <stddef.h>

#include "tc_records.h"
#include "tc_status.h"

/* Decodes s[0..n), the part r was started on (tc_records_start), into r. Fails only as
 * tc_records_add_span does (record limit, memory). */
tc_status tc_plaintext_decode(tc_records *r, const char *s, size_t n, char *err);

#endif
