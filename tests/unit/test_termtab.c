/* test_termtab.c - term table: insertion-order indices, duplicates refused with the
 * first index, lookups of present/absent terms, growth far past the size hint, and
 * byte-exact handling of spaces (n-grams), UTF-8, NUL bytes and near-miss terms. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_termtab.h"
#include "tc_test.h"

static void test_basic_and_duplicates(void)
{
    tc_termtab *t = tc_termtab_new(4);
    TC_CHECK(t != NULL, "new");
    if (t == NULL)
        return;
    static const char *const terms[] = {"good", "movie", "good movie", "not good", "ß", "straße",
                                        "日本語", "naïve", "e\xcc\x81", "\xc3\xa9"};
    size_t n = sizeof terms / sizeof *terms;
    for (size_t i = 0; i < n; i++) {
        tc_status st = tc_termtab_add(t, terms[i], strlen(terms[i]), NULL);
        TC_CHECK(st == TC_OK, "add \"%s\": %d", terms[i], (int)st);
    }
    TC_CHECK(tc_termtab_size(t) == n, "size %zu", tc_termtab_size(t));
    for (size_t i = 0; i < n; i++) {
        TC_CHECK(tc_termtab_find(t, terms[i], strlen(terms[i])) == (int64_t)i, "find \"%s\"",
                 terms[i]);
        size_t len = 0;
        const char *s = tc_termtab_term(t, i, &len);
        TC_CHECK(len == strlen(terms[i]) && memcmp(s, terms[i], len) == 0, "term(%zu)", i);
    }
    uint32_t prev = 99;
    TC_CHECK(tc_termtab_add(t, "good movie", 10, &prev) == TC_EFORMAT && prev == 2,
             "duplicate \"good movie\" -> EFORMAT, first index 2 (got %u)", prev);
    TC_CHECK(tc_termtab_add(t, "日本語", strlen("日本語"), &prev) == TC_EFORMAT && prev == 6,
             "duplicate UTF-8 term");
    TC_CHECK(tc_termtab_add(t, "good", 4, NULL) == TC_EFORMAT, "duplicate with NULL existing");
    TC_CHECK(tc_termtab_size(t) == n, "duplicates do not grow the table");
    /* near misses */
    static const char *const absent[] = {"goo", "goods", "good ", " good", "goodmovie",
                                         "good  movie", "Good", "strasse", "e", "", "日本"};
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
        TC_CHECK(tc_termtab_find(t, absent[i], strlen(absent[i])) == -1, "\"%s\" absent",
                 absent[i]);
    /* only len bytes count */
    TC_CHECK(tc_termtab_find(t, "good movie", 4) == 0, "prefix length lookup finds \"good\"");
    tc_termtab_free(&t);
    TC_CHECK(t == NULL, "free clears the pointer");
    tc_termtab_free(&t);
    tc_termtab_free(NULL);
}

static void test_binary_and_empty(void)
{
    tc_termtab *t = tc_termtab_new(0);
    if (t == NULL) {
        TC_CHECK(false, "new");
        return;
    }
    TC_CHECK(tc_termtab_add(t, "a\0b", 3, NULL) == TC_OK, "term with NUL");
    TC_CHECK(tc_termtab_add(t, "a\0c", 3, NULL) == TC_OK, "other term with NUL");
    TC_CHECK(tc_termtab_add(t, "a", 1, NULL) == TC_OK, "prefix term");
    TC_CHECK(tc_termtab_add(t, "", 0, NULL) == TC_OK, "empty term");
    TC_CHECK(tc_termtab_add(t, "", 0, NULL) == TC_EFORMAT, "empty term twice");
    TC_CHECK(tc_termtab_find(t, "a\0b", 3) == 0 && tc_termtab_find(t, "a\0c", 3) == 1 &&
                 tc_termtab_find(t, "a", 1) == 2 && tc_termtab_find(t, "", 0) == 3,
             "binary lookups");
    size_t len = 9;
    tc_termtab_term(t, 3, &len);
    TC_CHECK(len == 0, "empty term length");
    tc_termtab_free(&t);
}

/* Lengths around the 8-byte hashing word, many terms sharing long prefixes. */
static void test_growth_many_terms(void)
{
    tc_termtab *t = tc_termtab_new(1); /* tiny hint: must grow many times */
    if (t == NULL) {
        TC_CHECK(false, "new");
        return;
    }
    const size_t n = 300000;
    char buf[64];
    size_t failures = 0;
    for (size_t i = 0; i < n; i++) {
        int len = snprintf(buf, sizeof buf, "%s%zu", i % 3 == 0 ? "prefix shared by many " : "w",
                           i);
        if (tc_termtab_add(t, buf, (size_t)len, NULL) != TC_OK)
            failures++;
    }
    TC_CHECK(failures == 0, "%zu adds failed", failures);
    TC_CHECK(tc_termtab_size(t) == n, "size %zu", tc_termtab_size(t));
    size_t wrong = 0;
    for (size_t i = 0; i < n; i++) {
        int len = snprintf(buf, sizeof buf, "%s%zu", i % 3 == 0 ? "prefix shared by many " : "w",
                           i);
        if (tc_termtab_find(t, buf, (size_t)len) != (int64_t)i)
            wrong++;
        len = snprintf(buf, sizeof buf, "x%zu", i);
        if (tc_termtab_find(t, buf, (size_t)len) != -1)
            wrong++;
    }
    TC_CHECK(wrong == 0, "%zu wrong lookups after growth", wrong);
    /* all lengths 1..40 of one character run */
    tc_termtab *u = tc_termtab_new(8);
    char run[41];
    memset(run, 'z', sizeof run);
    for (size_t l = 1; l <= 40; l++)
        TC_CHECK(u != NULL && tc_termtab_add(u, run, l, NULL) == TC_OK, "add run %zu", l);
    for (size_t l = 1; u != NULL && l <= 40; l++)
        TC_CHECK(tc_termtab_find(u, run, l) == (int64_t)(l - 1), "find run %zu", l);
    tc_termtab_free(&u);
    tc_termtab_free(&t);
}

/* The n-gram lookup path: hash joined from parts equals the string hash; find_joined
 * and the pipelined find_hashed agree with find for present and absent n-grams. */
static void test_joined_lookups(void)
{
    static const char *const words[] = {"good", "movie", "x", "très", "日本語", "a_b", "12345678",
                                        "123456789", "longerwordthanoneword"};
    const size_t nw = sizeof words / sizeof *words;
    tc_termtab *t = tc_termtab_new(16);
    if (t == NULL) {
        TC_CHECK(false, "new");
        return;
    }
    char buf[256];
    /* vocabulary: all words and all ordered pairs with i <= j */
    for (size_t i = 0; i < nw; i++)
        TC_CHECK(tc_termtab_add(t, words[i], strlen(words[i]), NULL) == TC_OK, "add word");
    for (size_t i = 0; i < nw; i++)
        for (size_t j = i; j < nw; j++) {
            int n = snprintf(buf, sizeof buf, "%s %s", words[i], words[j]);
            TC_CHECK(tc_termtab_add(t, buf, (size_t)n, NULL) == TC_OK, "add pair");
        }
    /* odd spacing is just bytes: consistent between add and find */
    TC_CHECK(tc_termtab_add(t, " lead", 5, NULL) == TC_OK && tc_termtab_add(t, "a  b", 4, NULL) == TC_OK &&
                 tc_termtab_add(t, "trail ", 6, NULL) == TC_OK,
             "odd spacing terms");
    TC_CHECK(tc_termtab_find(t, " lead", 5) >= 0 && tc_termtab_find(t, "a  b", 4) >= 0 &&
                 tc_termtab_find(t, "trail ", 6) >= 0 && tc_termtab_find(t, "a b", 3) == -1,
             "odd spacing lookups");
    size_t bad = 0;
    for (size_t i = 0; i < nw; i++)
        for (size_t j = 0; j < nw; j++)
            for (size_t k = 0; k < nw; k++) {
                tc_term_ref parts[3] = {{words[i], strlen(words[i])},
                                        {words[j], strlen(words[j])},
                                        {words[k], strlen(words[k])}};
                uint64_t ph[3];
                for (int q = 0; q < 3; q++)
                    ph[q] = tc_termtab_hash_part(parts[q].s, parts[q].len);
                for (size_t n = 1; n <= 3; n++) {
                    int len = n == 1   ? snprintf(buf, sizeof buf, "%s", words[i])
                              : n == 2 ? snprintf(buf, sizeof buf, "%s %s", words[i], words[j])
                                       : snprintf(buf, sizeof buf, "%s %s %s", words[i],
                                                  words[j], words[k]);
                    uint64_t h = tc_termtab_hash_join(ph, n);
                    if (h != tc_termtab_hash(buf, (size_t)len))
                        bad++;
                    int64_t want = tc_termtab_find(t, buf, (size_t)len);
                    if (n == 2 && (want >= 0) != (i <= j))
                        bad++;
                    tc_termtab_prefetch(t, h);
                    tc_termtab_prefetch_entry(t, h);
                    if (tc_termtab_find_joined(t, parts, n, h) != want ||
                        tc_termtab_find_hashed(t, buf, (size_t)len, h) != want)
                        bad++;
                }
            }
    TC_CHECK(bad == 0, "%zu disagreements between string and joined lookups", bad);
    /* batch form over a long "document" (more keys than one internal block) */
    enum { NT = 700 };
    tc_term_ref doc[NT];
    uint64_t ph[NT];
    static tc_ngram_key keys[3 * NT];
    static int64_t found[3 * NT];
    size_t nk = 0;
    for (size_t i = 0; i < NT; i++) {
        const char *w = words[(i * 7 + i / 3) % nw];
        doc[i].s = w;
        doc[i].len = strlen(w);
    }
    tc_termtab_hash_parts(doc, NT, ph);
    for (uint32_t n = 1; n <= 3; n++)
        for (uint32_t i = 0; i + n <= NT; i++) {
            keys[nk].first = i;
            keys[nk].n = n;
            nk++;
        }
    tc_termtab_find_ngrams(t, doc, ph, keys, nk, found);
    size_t wrong = 0, hits = 0;
    for (size_t q = 0; q < nk; q++) {
        size_t len = 0;
        buf[0] = '\0';
        for (uint32_t k = 0; k < keys[q].n; k++)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%.*s", k ? " " : "",
                                    (int)doc[keys[q].first + k].len, doc[keys[q].first + k].s);
        int64_t want = tc_termtab_find(t, buf, len);
        wrong += found[q] != want;
        hits += want >= 0;
    }
    TC_CHECK(wrong == 0 && hits > NT, "find_ngrams: %zu wrong of %zu (%zu hits)", wrong, nk, hits);
    tc_termtab_free(&t);
}

/* Bulk insertion stops at the first duplicate and reports both positions. */
static void test_add_many(void)
{
    tc_termtab *t = tc_termtab_new(2);
    if (t == NULL) {
        TC_CHECK(false, "new");
        return;
    }
    tc_term_ref refs[100];
    char names[100][16];
    for (int i = 0; i < 100; i++) {
        snprintf(names[i], sizeof names[i], "t%d", i);
        refs[i].s = names[i];
        refs[i].len = strlen(names[i]);
    }
    size_t dup = 99;
    uint32_t prev = 99;
    TC_CHECK(tc_termtab_add_many(t, refs, 60, &dup, &prev) == TC_OK && tc_termtab_size(t) == 60,
             "first 60");
    TC_CHECK(tc_termtab_add_many(t, refs + 60, 0, &dup, &prev) == TC_OK, "empty batch");
    refs[70] = refs[12];
    TC_CHECK(tc_termtab_add_many(t, refs + 60, 40, &dup, &prev) == TC_EFORMAT && dup == 10 &&
                 prev == 12 && tc_termtab_size(t) == 70,
             "duplicate in batch: dup %zu prev %u size %zu", dup, prev, tc_termtab_size(t));
    for (int i = 0; i < 70; i++)
        TC_CHECK(tc_termtab_find(t, names[i], strlen(names[i])) == i, "find t%d", i);
    tc_termtab_free(&t);
}

TC_TESTS(TC_TEST(test_basic_and_duplicates), TC_TEST(test_binary_and_empty),
         TC_TEST(test_growth_many_terms), TC_TEST(test_joined_lookups), TC_TEST(test_add_many))
