/*
 * tc_textfile.h - whole-file reading for the model loaders: one open, one fstat, as
 * few reads as the kernel allows, no per-line allocation. Errors name the path.
 */
#ifndef TC_TEXTFILE_H
#define TC_TEXTFILE_H

#include <stddef.h>

#include "tc_status.h"

/* Reads the regular file at path into a fresh buffer (NUL-terminated; the NUL is not
 * counted in *len; large files on huge pages, tc_bigalloc.h). Refuses non-regular files
 * and files larger than max_bytes (TC_EIO). The caller releases *data with
 * tc_file_free. */
tc_status tc_read_file(const char *path, size_t max_bytes, char **data, size_t *len,
                       char *err);

/* Releases tc_read_file's buffer; NULL is ignored. */
void tc_file_free(char *data);

/* 1-based line number of byte offset off in data (counts '\n' before off). */
size_t tc_line_of_offset(const char *data, size_t off);

#endif
