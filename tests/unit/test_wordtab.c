/* test_wordtab.c - the string table on its own: upsert finds or inserts (duplicates
 * give the first value back, values can be changed in place), lookups of present and
 * absent keys, growth far past the size hint, keys of every length around the 8- and
 * 16-byte encodings (empty, NUL bytes, long shared prefixes), the inline hot-path
 * functions agreeing with the plain ones (token encoding of lengths 0..8+ with garbage
 * after the key), and many random keys against a sorted-array reference. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_test.h"
#include "tc_wordtab.h"
#include "tc_wordtab_inline.h"

static void test_duplicates_and_values(void)
{
    tc_wordtab *t = tc_wordtab_new(4);
    TC_CHECK(t != NULL, "new");
    if (t == NULL)
        return;
    static const char *const keys[] = {"good", "movie", "good movie", "not good", "ß", "straße",
                                       "日本語", "naïve", "e\xcc\x81", "\xc3\xa9"};
    const size_t n = sizeof keys / sizeof *keys;
    for (size_t i = 0; i < n; i++) {
        bool ins = false;
        uint32_t *v = tc_wordtab_upsert(t, keys[i], strlen(keys[i]), (uint32_t)(100 + i), &ins);
        TC_CHECK(v != NULL && ins && *v == 100 + i, "insert \"%s\"", keys[i]);
    }
    TC_CHECK(tc_wordtab_size(t) == n, "size %zu", tc_wordtab_size(t));
    for (size_t i = 0; i < n; i++)
        TC_CHECK(tc_wordtab_find(t, keys[i], strlen(keys[i])) == 100 + i, "find \"%s\"", keys[i]);
    /* a duplicate gives the first value back and inserts nothing */
    bool ins = true;
    uint32_t *v = tc_wordtab_upsert(t, "good movie", 10, 7, &ins);
    TC_CHECK(v != NULL && !ins && *v == 102, "duplicate \"good movie\": %u", v ? *v : 0);
    TC_CHECK(tc_wordtab_size(t) == n, "duplicates do not grow the table");
    /* the value can be changed through the returned pointer */
    *v = 5;
    TC_CHECK(tc_wordtab_find(t, "good movie", 10) == 5, "value changed in place");
    static const char *const absent[] = {"goo", "goods", "good ", " good", "goodmovie",
                                         "good  movie", "Good", "strasse", "e", "", "日本"};
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
        TC_CHECK(tc_wordtab_find(t, absent[i], strlen(absent[i])) == TC_WORDTAB_NONE,
                 "\"%s\" absent", absent[i]);
    TC_CHECK(tc_wordtab_find(t, "good movie", 4) == 100, "only len bytes count");
    tc_wordtab_free(&t);
    TC_CHECK(t == NULL, "free clears the pointer");
    tc_wordtab_free(&t);
    tc_wordtab_free(NULL);
}

/* The run's first l bytes with the last one NUL (last), and with byte 8 changed (ninth). */
static void variants(const char run[41], size_t l, char last[41], char ninth[41])
{
    memcpy(last, run, 41);
    memcpy(ninth, run, 41);
    if (l > 0)
        last[l - 1] = '\0';
    if (l > 8)
        ninth[8] = 'y';
}

/* Keys of length 0..40 over one byte value, and the same lengths differing only in
 * the last byte or only in byte 8 (the first byte past the encoding), NUL bytes. */
static void test_lengths_empty_and_binary(void)
{
    tc_wordtab *t = tc_wordtab_new(0);
    if (t == NULL) {
        TC_CHECK(false, "new");
        return;
    }
    char run[41], last[41], ninth[41];
    memset(run, 'z', sizeof run);
    size_t bad = 0;
    for (uint32_t l = 0; l <= 40; l++) {
        bool ins;
        variants(run, l, last, ninth);
        uint32_t *a = tc_wordtab_upsert(t, run, l, l, &ins);
        bad += a == NULL || !ins;
        uint32_t *b = tc_wordtab_upsert(t, last, l, 100 + l, &ins);
        bad += b == NULL || ins != (l > 0);  /* length 0: the same empty key */
        uint32_t *c = tc_wordtab_upsert(t, ninth, l, 200 + l, &ins);
        bad += c == NULL || ins != (l > 8);
    }
    TC_CHECK(bad == 0, "%zu wrong inserts", bad);
    for (uint32_t l = 0; l <= 40; l++) {
        variants(run, l, last, ninth);
        TC_CHECK(tc_wordtab_find(t, run, l) == l, "run of %u", l);
        TC_CHECK(tc_wordtab_find(t, last, l) == (l > 0 ? 100 + l : 0), "NUL-ended run of %u", l);
        TC_CHECK(tc_wordtab_find(t, ninth, l) == (l > 8 ? 200 + l : l), "run of %u, byte 8", l);
    }
    TC_CHECK(tc_wordtab_find(t, "", 0) == 0, "the empty key");
    TC_CHECK(tc_wordtab_find(t, "a\0b", 3) == TC_WORDTAB_NONE, "absent key with a NUL");
    tc_wordtab_free(&t);
}

/* The hot-path functions: tc_wordtab_token_enc equals tc_wordtab_enc whatever follows
 * the key (it masks a full 8-byte load; length 0 included), and find_hashed equals
 * find. */
static void test_inline_lookups(void)
{
    char buf[64];
    size_t bad = 0;
    for (size_t l = 0; l <= 20; l++)
        for (int fill = 0; fill < 256; fill += 51) {
            memset(buf, fill, sizeof buf);
            memcpy(buf, "abcdefghijklmnopqrst", l);
            uint64_t want = tc_wordtab_enc(buf, l);
            bad += tc_wordtab_token_enc(buf, l) != want;
            bad += tc_wordtab_hash(buf, l, want) != tc_wordtab_hash(buf, l, tc_wordtab_enc(buf, l));
        }
    TC_CHECK(bad == 0, "%zu token encodings differ from the key encoding", bad);
    /* the key encoding itself against its definition (first min(len, 8) bytes, zero
     * padded, read little-endian here), with bytes >= 0x80 that a sign extension would
     * smear */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (size_t l = 0; l <= 20; l++)
        for (int base = 0; base < 256; base += 37) {
            for (size_t i = 0; i < sizeof buf; i++)
                buf[i] = (char)(unsigned char)(base + 29 * (int)i);
            unsigned char ref[8] = {0};
            memcpy(ref, buf, l < 8 ? l : 8);
            uint64_t want = 0;
            for (int i = 7; i >= 0; i--)
                want = want << 8 | ref[i];
            bad += tc_wordtab_enc(buf, l) != want;
        }
    TC_CHECK(bad == 0, "%zu key encodings differ from their definition", bad);
#endif
    TC_CHECK(tc_wordtab_token_enc("\xff\xff\xff\xff\xff\xff\xff\xff", 0) == 0,
             "an empty token encodes as 0");
    tc_wordtab *t = tc_wordtab_new(8);
    static const char *const keys[] = {"", "a", "ab", "abcdefgh", "abcdefghi",
                                       "abcdefghijklmnop", "abcdefghijklmnopq",
                                       "a somewhat longer key of many bytes"};
    bool ins;
    for (uint32_t i = 0; t != NULL && i < 8; i++)
        tc_wordtab_upsert(t, keys[i], strlen(keys[i]), i, &ins);
    for (uint32_t i = 0; t != NULL && i < 8; i++) {
        size_t l = strlen(keys[i]);
        memset(buf, '#', sizeof buf);
        memcpy(buf, keys[i], l);
        uint64_t enc = tc_wordtab_token_enc(buf, l), h = tc_wordtab_hash(buf, l, enc);
        tc_wordtab_prefetch(t, h, l);
        tc_wordtab_prefetch_insert(t, h);
        TC_CHECK(tc_wordtab_find_hashed(t, buf, l, enc, h) == i, "find_hashed \"%s\"", keys[i]);
        /* one byte more: absent (the '#' after it is part of that key) */
        enc = tc_wordtab_token_enc(buf, l + 1);
        TC_CHECK(tc_wordtab_find_hashed(t, buf, l + 1, enc, tc_wordtab_hash(buf, l + 1, enc)) ==
                     TC_WORDTAB_NONE,
                 "\"%s#\" absent", keys[i]);
    }
    TC_CHECK(t != NULL, "new");
    tc_wordtab_free(&t);
}

typedef struct ref_key {
    char s[16];
    size_t len;
    uint32_t index;  /* position in the insertion sequence */
} ref_key;

/* By bytes, then length, then position: equal keys end up together, first one first. */
static int cmp_ref(const void *a, const void *b)
{
    const ref_key *x = a, *y = b;
    size_t m = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, m);
    if (c != 0)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* 100,000 random keys (lengths 0..15 over three byte values, NUL among them, so
 * that short keys repeat often) upserted into a table sized for 1, each with its
 * position as value: the reference (the keys sorted) says for each position whether
 * it is the first of its key, and the first position is the value every later upsert
 * and the final lookup must give. */
static void test_many_keys_against_reference(void)
{
    enum { N = 100000 };
    ref_key *keys = calloc(N, sizeof *keys), *sorted = calloc(N, sizeof *sorted);
    uint32_t *first = calloc(N, sizeof *first);
    tc_wordtab *t = tc_wordtab_new(1);
    if (keys == NULL || sorted == NULL || first == NULL || t == NULL) {
        TC_CHECK(false, "setup");
        goto out;
    }
    uint64_t rng = 42;
    for (uint32_t i = 0; i < N; i++) {
        rng = rng * 6364136223846793005u + 1442695040888963407u;
        keys[i].len = (size_t)(rng >> 60);
        for (size_t c = 0; c < keys[i].len; c++) {
            rng = rng * 6364136223846793005u + 1442695040888963407u;
            keys[i].s[c] = "a\0\xc3"[(rng >> 40) % 3];
        }
        keys[i].index = i;
    }
    memcpy(sorted, keys, N * sizeof *keys);
    qsort(sorted, N, sizeof *sorted, cmp_ref);
    size_t distinct = 0;
    for (size_t k = 0; k < N; k++) {
        bool same = k > 0 && sorted[k].len == sorted[k - 1].len &&
                    memcmp(sorted[k].s, sorted[k - 1].s, sorted[k].len) == 0;
        first[sorted[k].index] = same ? first[sorted[k - 1].index] : sorted[k].index;
        distinct += !same;
    }
    size_t bad = 0;
    for (uint32_t i = 0; i < N; i++) {
        bool ins;
        const uint32_t *v = tc_wordtab_upsert(t, keys[i].s, keys[i].len, i, &ins);
        bad += v == NULL || ins != (first[i] == i) || *v != first[i];
    }
    TC_CHECK(bad == 0, "%zu upserts disagree with the reference", bad);
    TC_CHECK(tc_wordtab_size(t) == distinct && distinct > N / 4 && distinct < N / 4 * 3,
             "size %zu, reference %zu", tc_wordtab_size(t), distinct);
    for (uint32_t i = 0; i < N; i++) {
        bad += tc_wordtab_find(t, keys[i].s, keys[i].len) != first[i];
        char q[24];
        int ql = snprintf(q, sizeof q, "q%u", i);
        bad += tc_wordtab_find(t, q, (size_t)ql) != TC_WORDTAB_NONE;
    }
    TC_CHECK(bad == 0, "%zu lookups disagree with the reference", bad);
out:
    free(keys);
    free(sorted);
    free(first);
    tc_wordtab_free(&t);
}

/* Growth from a hint of 1 to 300,000 keys, a third sharing a long prefix. */
static void test_growth(void)
{
    tc_wordtab *t = tc_wordtab_new(1);
    if (t == NULL) {
        TC_CHECK(false, "new");
        return;
    }
    const uint32_t n = 300000;
    char buf[64];
    size_t failures = 0, wrong = 0;
    for (uint32_t i = 0; i < n; i++) {
        int len = snprintf(buf, sizeof buf, "%s%u", i % 3 == 0 ? "prefix shared by many " : "w", i);
        bool ins;
        if (tc_wordtab_upsert(t, buf, (size_t)len, i, &ins) == NULL || !ins)
            failures++;
    }
    TC_CHECK(failures == 0, "%zu inserts failed", failures);
    TC_CHECK(tc_wordtab_size(t) == n, "size %zu", tc_wordtab_size(t));
    for (uint32_t i = 0; i < n; i++) {
        int len = snprintf(buf, sizeof buf, "%s%u", i % 3 == 0 ? "prefix shared by many " : "w", i);
        wrong += tc_wordtab_find(t, buf, (size_t)len) != i;
        len = snprintf(buf, sizeof buf, "x%u", i);
        wrong += tc_wordtab_find(t, buf, (size_t)len) != TC_WORDTAB_NONE;
    }
    TC_CHECK(wrong == 0, "%zu wrong lookups after growth", wrong);
    tc_wordtab_free(&t);
}

TC_TESTS(TC_TEST(test_duplicates_and_values), TC_TEST(test_lengths_empty_and_binary),
         TC_TEST(test_inline_lookups), TC_TEST(test_many_keys_against_reference),
         TC_TEST(test_growth))
