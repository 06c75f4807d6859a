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

TC_TESTS(TC_TEST(test_basic_and_duplicates), TC_TEST(test_binary_and_empty),
         TC_TEST(test_growth_many_terms))
