/*
 * tc_buf.h - growable byte buffer. Always NUL-terminated after any successful append
 * (the NUL is not counted in len). Appends return false only on allocation failure,
 * after which the buffer keeps its previous contents.
 */
#ifndef TC_BUF_H
#define TC_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct tc_buf {
    char *data;   /* owned; NULL until the first append */
    size_t len;
    size_t cap;
} tc_buf;

#define TC_BUF_INIT {NULL, 0, 0}

bool tc_buf_reserve(tc_buf *b, size_t extra);
bool tc_buf_append(tc_buf *b, const void *p, size_t n);
bool tc_buf_append_str(tc_buf *b, const char *s);
bool tc_buf_append_char(tc_buf *b, char c);
bool tc_buf_printf(tc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends the shortest decimal that round-trips to exactly v (like Python's repr),
 * JSON-compatible: non-finite values are written as null. */
bool tc_buf_append_double(tc_buf *b, double v);
/* Appends s[0..n) as a JSON string literal with quotes; s must be valid UTF-8. */
bool tc_buf_append_json_string(tc_buf *b, const char *s, size_t n);
void tc_buf_clear(tc_buf *b);           /* len = 0, keeps capacity */
void tc_buf_free(tc_buf *b);            /* releases memory, back to TC_BUF_INIT */
/* Hands the data to the caller (who frees it with free()); the buffer is reset. */
char *tc_buf_steal(tc_buf *b, size_t *len);

/* A scratch array of *cap elements of `elem` bytes at *items (NULL when *cap is 0) made
 * to hold at least `need`: reallocated to the next power of two from 256 when too small.
 * Returns false, leaving *items and *cap as they were, when memory runs out or the size
 * overflows size_t. The contents up to the old capacity are kept. */
bool tc_array_reserve(void **items, size_t *cap, size_t need, size_t elem);

#endif
