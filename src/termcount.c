/*
 * termcount.c - counting a document's term keys (tc_termcount.h).
 */
#include "tc_termcount.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MAP_BITS 14u    /* resolution of the map from keys to buckets */
#define BUCKET_BITS 12u /* most buckets */

struct tc_termcount_map {
    /* The bucket of key k: bucket[k >> shift] (2^bits of them, ascending with the key),
     * of 2^bucket_bits buckets. */
    unsigned shift, bits, bucket_bits;
    double *mass;   /* while building: the weight of each map entry */
    double total;
    uint16_t bucket[1u << MAP_BITS];
};

tc_termcount_map *tc_termcount_map_new(unsigned key_bits)
{
    tc_termcount_map *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->bits = key_bits < MAP_BITS ? key_bits : MAP_BITS;
    m->shift = key_bits - m->bits;
    m->bucket_bits = m->bits < BUCKET_BITS ? m->bits : BUCKET_BITS;
    m->mass = calloc((size_t)1 << m->bits, sizeof *m->mass);
    if (m->mass == NULL)
        tc_termcount_map_free(&m);
    return m;
}

void tc_termcount_map_add(tc_termcount_map *m, uint32_t key, double weight)
{
    m->mass[key >> m->shift] += weight;
    m->total += weight;
}

void tc_termcount_map_finish(tc_termcount_map *m)
{
    const size_t nf = (size_t)1 << m->bits;
    const double nb = (double)((size_t)1 << m->bucket_bits);
    double before = 0.0;
    for (size_t f = 0; f < nf; f++) {
        double at = m->total > 0.0 ? before / m->total * nb : 0.0;
        m->bucket[f] = (uint16_t)(at < nb - 1.0 ? at : nb - 1.0);
        before += m->mass[f];
    }
    free(m->mass);
    m->mass = NULL;
}

void tc_termcount_map_free(tc_termcount_map **m)
{
    if (m == NULL || *m == NULL)
        return;
    free((*m)->mass);
    free(*m);
    *m = NULL;
}

/* The largest key so far stays in a register: storing every key back and loading it
 * again as the next one's neighbour chained each step to the one before through a
 * store-to-load forward. */
static void insertion_sort(uint32_t *a, size_t n)
{
    if (n < 2)
        return;
    uint32_t top = a[0];
    for (size_t i = 1; i < n; i++) {
        const uint32_t x = a[i];
        if (x >= top) {
            top = x;
            continue;
        }
        size_t j = i;
        do {
            a[j] = a[j - 1];
            j--;
        } while (j > 0 && a[j - 1] > x);
        a[j] = x;
    }
}

/* c[k] += c[0] + ... + c[k-1] for k < n (n a multiple of 4): running sums, 4 lanes at
 * a time where SSE2 is available (the scalar loop is a chain of dependent adds). */
static void running_sum(uint32_t *c, size_t n)
{
#ifdef __SSE2__
    __m128i carry = _mm_setzero_si128();
    for (size_t k = 0; k < n; k += 4) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(c + k));
        x = _mm_add_epi32(x, _mm_slli_si128(x, 4));
        x = _mm_add_epi32(x, _mm_slli_si128(x, 8));
        x = _mm_add_epi32(x, carry);
        _mm_storeu_si128((__m128i *)(void *)(c + k), x);
        carry = _mm_shuffle_epi32(x, 0xff);
    }
#else
    for (size_t k = 1; k < n; k++)
        c[k] += c[k - 1];
#endif
}

/* Ascending sort of a[0..n): one counting pass into about 2n buckets, then insertion
 * sort, which has little left to do (a bucket holds a key or two; with n buckets,
 * twice as many keys had to move, each move a mispredicted branch or two). The result
 * is in a or tmp: returned. */
static uint32_t *sort_keys(const tc_termcount_map *m, uint32_t *a, uint32_t *tmp, uint16_t *bk,
                           size_t n)
{
    if (n < 32) {
        insertion_sort(a, n);
        return a;
    }
    unsigned b = 6;
    while (b < BUCKET_BITS && ((size_t)1 << b) < 2 * n)
        b++;
    if (b > m->bucket_bits)
        b = m->bucket_bits;
    const unsigned shift = m->shift, drop = m->bucket_bits - b;
    const uint16_t *map = m->bucket;
    uint32_t cnt[(1u << BUCKET_BITS) + 4];
    size_t nb = (size_t)1 << b;
    memset(cnt, 0, (nb + 4) * sizeof cnt[0]);
    for (size_t i = 0; i < n; i++) {
        bk[i] = (uint16_t)(map[a[i] >> shift] >> drop);
        cnt[bk[i] + 1]++;
    }
    running_sum(cnt, (nb + 3) & ~(size_t)3);  /* cnt[k] = first position of bucket k */
    for (size_t i = 0; i < n; i++)
        tmp[cnt[bk[i]]++] = a[i];
    insertion_sort(tmp, n);
    return tmp;
}

/* Branch-free run counting (whether a key repeats the previous one is as
 * unpredictable as the document): every key writes its run's slot, so the slot ends
 * up holding the run's last key and its end position, and no store waits for a load
 * of the one before. */
size_t tc_termcount(const tc_termcount_map *m, uint32_t *keys, size_t n, uint32_t *tmp,
                    uint16_t *bucket, uint32_t *out_keys, uint32_t *out_counts)
{
    if (n == 0)
        return 0;
    const uint32_t *h = sort_keys(m, keys, tmp, bucket, n);
    uint32_t *ends = out_counts;
    size_t nc = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        out_keys[nc] = h[i];
        ends[nc] = (uint32_t)(i + 1);
        nc += h[i] != h[i + 1];
    }
    out_keys[nc] = h[n - 1];
    ends[nc] = (uint32_t)n;
    nc++;
    for (size_t k = nc; k-- > 1;)
        ends[k] -= ends[k - 1];  /* end positions -> counts */
    return nc;
}
