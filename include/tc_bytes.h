/*
 * tc_bytes.h - unaligned little loads and short byte-string equality, for the hash
 * tables (word table, vocabulary index, vocabulary parser). Header-only: these sit
 * in inner loops.
 */
#ifndef TC_BYTES_H
#define TC_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* 8 / 4 bytes at p, in memory order, any alignment. */
static inline uint64_t tc_load_u64(const char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint32_t tc_load_u32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* a[0..n) == b[0..n) for usually short n: whole words, and overlapping loads for the
 * tail instead of a byte loop. */
static inline bool tc_bytes_equal(const char *a, const char *b, size_t n)
{
    if (n >= 8) {
        for (size_t i = 0; i + 8 <= n; i += 8)
            if (tc_load_u64(a + i) != tc_load_u64(b + i))
                return false;
        return tc_load_u64(a + n - 8) == tc_load_u64(b + n - 8);
    }
    if (n >= 4)
        return tc_load_u32(a) == tc_load_u32(b) && tc_load_u32(a + n - 4) == tc_load_u32(b + n - 4);
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

#endif
