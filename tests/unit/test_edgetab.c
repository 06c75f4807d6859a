/* test_edgetab.c - the n-gram edge table on its own: keys inserted with the bucket the
 * caller chose are found from that bucket, also when many keys crowd one bucket and
 * spill over into the next ones (and past the last bucket to the first); absent keys
 * give TC_EDGETAB_NONE; the bigram filter passes every pair hash added, and a table
 * made without pairs has no filter. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "tc_edgetab_inline.h"
#include "tc_test.h"

static void test_insert_and_find(void)
{
    enum { N = 20000 };
    tc_edgetab *t = tc_edgetab_new(N, N);
    if (t == NULL) {
        TC_CHECK(false, "new");
        return;
    }
    TC_CHECK(t->filter != NULL && t->n_buckets >= N / 5 * 2, "%zu buckets", t->n_buckets);
    /* half the keys by their own hash, a quarter crowding bucket 3, a quarter the last
     * bucket (their overflow wraps to bucket 0) */
    uint32_t *bucket = malloc(N * sizeof *bucket);
    if (bucket == NULL) {
        tc_edgetab_free(&t);
        return;
    }
    const uint32_t last = (uint32_t)t->n_buckets - 1;
    for (uint32_t i = 0; i < N; i++) {
        uint64_t key = tc_edgetab_key(i, i * 7u + 1u);
        bucket[i] = i % 4 == 1 ? 3u : i % 4 == 3 ? last : tc_edgetab_bucket_of(t, key);
        tc_edgetab_insert(t, bucket[i], key, i + 100u);
        tc_edgetab_filter_add(t, key * 31u);
    }
    size_t bad = 0, spilled = 0;
    for (uint32_t i = 0; i < N; i++) {
        uint64_t key = tc_edgetab_key(i, i * 7u + 1u);
        bad += tc_edgetab_find(t, key, bucket[i]) != i + 100u;
        bad += tc_edgetab_filter_has(t, key * 31u) != 1u;
        /* the same parent with another word, and the key's halves swapped: absent */
        bad += tc_edgetab_find(t, tc_edgetab_key(i, i * 7u + 2u), bucket[i]) != TC_EDGETAB_NONE;
        bad += tc_edgetab_find(t, tc_edgetab_key(i * 7u + 1u, i), bucket[i]) != TC_EDGETAB_NONE;
    }
    for (size_t b = 0; b < t->n_buckets; b++)
        spilled += t->buckets[b].overflow;
    TC_CHECK(bad == 0, "%zu wrong lookups", bad);
    TC_CHECK(t->buckets[3].overflow && t->buckets[last].overflow && spilled > 1000,
             "crowded buckets spilled over (%zu overflowed)", spilled);
    free(bucket);
    tc_edgetab_free(&t);
    TC_CHECK(t == NULL, "free clears the pointer");
    tc_edgetab_free(NULL);
    t = tc_edgetab_new(0, 0);
    TC_CHECK(t != NULL && t->filter == NULL && t->n_buckets == 1 &&
                 tc_edgetab_find(t, tc_edgetab_key(1, 2), 0) == TC_EDGETAB_NONE,
             "empty table without filter");
    tc_edgetab_free(&t);
}

TC_TESTS(TC_TEST(test_insert_and_find))
