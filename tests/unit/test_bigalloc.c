/* test_bigalloc.c - tc_alloc_big / tc_alloc_transient: usable memory of the size asked
 * for, cache-line aligned, huge-page aligned from each function's threshold up (2 MiB,
 * and 1 MiB for transient buffers), released with free() / tc_free_transient. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_bigalloc.h"
#include "tc_test.h"

#define MIB ((size_t)1 << 20)

static void check_block(const char *what, unsigned char *p, size_t bytes, size_t align,
                        void (*release)(void *))
{
    TC_CHECK(p != NULL, "%s: %zu bytes: NULL", what, bytes);
    if (p == NULL)
        return;
    TC_CHECK((uintptr_t)p % align == 0, "%s: %zu bytes at %p, not %zu-aligned", what, bytes,
             (void *)p, align);
    memset(p, 0xA5, bytes);  /* every byte writable (ASan checks the bounds) */
    TC_CHECK(p[0] == 0xA5 && p[bytes - 1] == 0xA5, "%s: %zu bytes: contents", what, bytes);
    release(p);
}

static void test_alignment_by_size(void)
{
    static const size_t sizes[] = {1, 63, 64, 4096, MIB - 1, MIB, MIB + 1, 2 * MIB - 1,
                                   2 * MIB, 5 * MIB + 3};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        size_t n = sizes[i];
        check_block("tc_alloc_big", tc_alloc_big(n), n, n >= 2 * MIB ? 2 * MIB : 64, free);
        check_block("tc_alloc_transient", tc_alloc_transient(n), n, n >= MIB ? 2 * MIB : 64,
                    tc_free_transient);
    }
}

static void test_refuses_impossible_sizes(void)
{
    TC_CHECK(tc_alloc_big(SIZE_MAX) == NULL, "SIZE_MAX bytes");
    TC_CHECK(tc_alloc_transient(SIZE_MAX - MIB) == NULL, "SIZE_MAX - 1 MiB bytes");
    tc_free_transient(NULL);
}

TC_TESTS(TC_TEST(test_alignment_by_size), TC_TEST(test_refuses_impossible_sizes))
