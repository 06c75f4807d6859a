/*
 * tc_utf8.h - strict UTF-8 decoding with Python's codec semantics
 * (bytes.decode("utf-8", "strict")): rejects overlong forms, surrogates
 * (U+D800..U+DFFF), code points above U+10FFFF, truncated and stray bytes.
 */
#ifndef TC_UTF8_H
#define TC_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Returns true if s[0..n) is valid UTF-8. On false, *bad_offset (if not NULL)
 * receives the byte offset of the first invalid sequence. */
bool tc_utf8_valid(const char *s, size_t n, size_t *bad_offset);

/* Decodes one code point at s[*pos] (input known valid), advancing *pos. */
uint32_t tc_utf8_next(const char *s, size_t n, size_t *pos);

/* Encodes cp into out (at least 4 bytes); returns the byte count (1..4). */
size_t tc_utf8_encode(uint32_t cp, char *out);

#endif
