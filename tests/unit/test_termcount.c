/* test_termcount.c - counting term keys: distinct keys ascending with their counts,
 * against qsort and a run count, for key spaces of 0..32 bits, maps built with no
 * weights, uneven weights (most mass on a few keys, some keys weightless) and even
 * ones, and documents of 0..6,000 keys that repeat a few keys often (crowded
 * buckets) or spread thinly (empty ones), around the 32-key switch to the bucket
 * pass. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_termcount.h"
#include "tc_test.h"

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static uint64_t rng = 12345;

static uint32_t rnd32(void)
{
    rng = rng * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(rng >> 32);
}

/* A key below 2^bits. */
static uint32_t key_of(uint32_t r, unsigned bits)
{
    return bits == 32 ? r : r & (uint32_t)(((uint64_t)1 << bits) - 1);
}

enum { MAXN = 6000 };

/* Counts n random keys with m and checks against the reference; true if equal. */
static bool count_once(const tc_termcount_map *m, unsigned bits, size_t n, uint32_t hot_keys,
                       char *why, size_t why_len)
{
    static uint32_t keys[MAXN], ref[MAXN], tmp[MAXN], out[MAXN], cnt[MAXN];
    static uint16_t bk[MAXN];
    uint32_t hot[8];
    for (int h = 0; h < 8; h++)
        hot[h] = key_of(rnd32(), bits);
    for (size_t i = 0; i < n; i++) {
        uint32_t r = rnd32();
        keys[i] = r % 10 < hot_keys ? hot[r % 8] : key_of(rnd32(), bits);
        ref[i] = keys[i];
    }
    qsort(ref, n, sizeof *ref, cmp_u32);
    size_t nc = tc_termcount(m, keys, n, tmp, bk, out, cnt);
    size_t k = 0;
    for (size_t i = 0; i < n; k++) {
        size_t j = i;
        while (j < n && ref[j] == ref[i])
            j++;
        if (k >= nc || out[k] != ref[i] || cnt[k] != j - i) {
            snprintf(why, why_len, "bits %u, %zu keys: entry %zu is %u x%u, want %u x%zu", bits,
                     n, k, k < nc ? out[k] : 0, k < nc ? cnt[k] : 0, ref[i], j - i);
            return false;
        }
        i = j;
    }
    if (k != nc) {
        snprintf(why, why_len, "bits %u, %zu keys: %zu entries, want %zu", bits, n, nc, k);
        return false;
    }
    return true;
}

static void test_against_reference(void)
{
    static const unsigned bits[] = {0, 1, 5, 12, 14, 15, 20, 31, 32};
    static const size_t sizes[] = {0, 1, 2, 31, 32, 33, 64, 200, 1000, 2047, 2048, 6000};
    size_t bad = 0, runs = 0;
    char first[256] = "";
    for (size_t b = 0; b < sizeof bits / sizeof *bits; b++)
        for (int weights = 0; weights < 3; weights++) {
            tc_termcount_map *m = tc_termcount_map_new(bits[b]);
            if (m == NULL) {
                TC_CHECK(false, "map_new(%u)", bits[b]);
                continue;
            }
            /* 0: no weights; 1: uneven (a few heavy keys, zeros, tiny ones); 2: even */
            for (uint32_t i = 0; weights > 0 && i < 5000; i++) {
                uint32_t k = key_of(rnd32(), bits[b]);
                double w = weights == 2 ? 1.0 : i < 8 ? 1e6 : i % 5 == 0 ? 0.0 : 1e-300;
                tc_termcount_map_add(m, k, w);
            }
            tc_termcount_map_finish(m);
            for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
                for (uint32_t hot = 0; hot <= 9; hot += 3) {
                    char why[160];
                    runs++;
                    if (!count_once(m, bits[b], sizes[s], hot, why, sizeof why) && bad++ == 0)
                        snprintf(first, sizeof first, "weights %d: %s", weights, why);
                }
            tc_termcount_map_free(&m);
            TC_CHECK(m == NULL, "free clears the pointer");
        }
    TC_CHECK(bad == 0 && runs > 1000, "%zu of %zu counts wrong; first: %s", bad, runs, first);
    tc_termcount_map_free(NULL);
}

TC_TESTS(TC_TEST(test_against_reference))
