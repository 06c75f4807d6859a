/*
 * utf8.c - strict UTF-8 (see tc_utf8.h). Validity follows Python's "utf-8" codec
 * and RFC 3629 table 3-7: the second byte's range depends on the lead byte, which
 * excludes overlong forms (C0, C1, E0 80..9F, F0 80..8F), surrogates (ED A0..BF)
 * and code points above U+10FFFF (F4 90..BF, F5..FF).
 */
#include "tc_utf8.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Length of the valid sequence at s[i..n), or 0 if it is not valid there. */
static size_t seq_len(const unsigned char *s, size_t i, size_t n)
{
    unsigned b = s[i];
    size_t len;
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (b < 0x80)
        return 1;
    if (b < 0xC2)
        return 0; /* stray continuation byte or overlong 2-byte lead */
    if (b < 0xE0) {
        len = 2;
    } else if (b < 0xF0) {
        len = 3;
        if (b == 0xE0)
            lo = 0xA0;
        else if (b == 0xED)
            hi = 0x9F;
    } else if (b < 0xF5) {
        len = 4;
        if (b == 0xF0)
            lo = 0x90;
        else if (b == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n - i < len)
        return 0;
    if (s[i + 1] < lo || s[i + 1] > hi)
        return 0;
    for (size_t k = 2; k < len; k++)
        if ((s[i + k] & 0xC0u) != 0x80u)
            return 0;
    return len;
}

bool tc_utf8_valid(const char *str, size_t n, size_t *bad_offset)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        /* ASCII fast path: 32 bytes at a time (one test of the or'ed top bits), then 8 */
#ifdef __SSE2__
        while (n - i >= 32) {
            __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16));
            if (_mm_movemask_epi8(_mm_or_si128(a, b)) != 0)
                break;
            i += 32;
        }
#endif
        while (n - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & UINT64_C(0x8080808080808080))
                break;
            i += 8;
        }
        if (i >= n)
            break;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t len = seq_len(s, i, n);
        if (len == 0) {
            if (bad_offset != NULL)
                *bad_offset = i;
            return false;
        }
        i += len;
    }
    return true;
}

uint32_t tc_utf8_next(const char *str, size_t n, size_t *pos)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = *pos;
    uint32_t b = s[i];
    (void)n;
    if (b < 0x80) {
        *pos = i + 1;
        return b;
    }
    if (b < 0xE0) {
        *pos = i + 2;
        return ((b & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
    }
    if (b < 0xF0) {
        *pos = i + 3;
        return ((b & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
    }
    *pos = i + 4;
    return ((b & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) |
           (s[i + 3] & 0x3Fu);
}

size_t tc_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0u | (cp >> 6));
        o[1] = (unsigned char)(0x80u | (cp & 0x3Fu));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0u | (cp >> 12));
        o[1] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
        o[2] = (unsigned char)(0x80u | (cp & 0x3Fu));
        return 3;
    }
    o[0] = (unsigned char)(0xF0u | (cp >> 18));
    o[1] = (unsigned char)(0x80u | ((cp >> 12) & 0x3Fu));
    o[2] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
    o[3] = (unsigned char)(0x80u | (cp & 0x3Fu));
    return 4;
}
