/* test_records.c - the records container (tc_records.h): borrowed and written records,
 * the record limit across parts, positions, reuse and release. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tc_records.h"
#include "tc_test.h"

static bool record_is(const tc_records *r, size_t i, const char *want, size_t want_len)
{
    size_t l;
    const char *t = tc_records_text(r, i, &l);
    return l == want_len && memcmp(t, want, l) == 0;
}

static void test_spans_and_written(void)
{
    static const char part[] = "alpha\nbeta";
    tc_records *r = tc_records_new();
    char err[TC_ERR_LEN] = "";
    TC_CHECK(r != NULL, "allocation");
    if (r == NULL)
        return;
    tc_records_start(r, part, &tc_body_start, 10);
    TC_CHECK(tc_records_add_span(r, 0, 5, err) == TC_OK, "%s", err);
    char *w = tc_records_space(r, 8);
    TC_CHECK(w != NULL, "space");
    if (w != NULL) {
        memcpy(w, "x\0y", 3);  /* written records may hold NUL bytes */
        TC_CHECK(tc_records_add_text(r, tc_records_keep(r, 3), 3, err) == TC_OK, "%s", err);
    }
    TC_CHECK(tc_records_add_span(r, 6, 4, err) == TC_OK, "%s", err);
    /* kept text can be added later; text written but not kept is overwritten */
    char *k = tc_records_space(r, 2);
    size_t kept = k != NULL ? (memcpy(k, "kk", 2), tc_records_keep(r, 2)) : 0;
    char *scratch = tc_records_space(r, 2);
    if (scratch != NULL)
        memcpy(scratch, "ss", 2);
    TC_CHECK(k != NULL && scratch != NULL && tc_records_add_text(r, kept, 2, err) == TC_OK,
             "kept text: %s", err);
    TC_CHECK(tc_records_count(r) == 4, "count %zu", tc_records_count(r));
    TC_CHECK(record_is(r, 0, "alpha", 5) && record_is(r, 1, "x\0y", 3) &&
                 record_is(r, 2, "beta", 4) && record_is(r, 3, "kk", 2),
             "records wrong");
    const char *t;
    size_t l;
    t = tc_records_text(r, 0, &l);
    TC_CHECK(t == part, "a span borrows from the part");
    tc_records_drop(r);
    TC_CHECK(tc_records_count(r) == 0, "drop left %zu", tc_records_count(r));
    tc_records_free(&r);
    TC_CHECK(r == NULL, "free clears the pointer");
    tc_records_free(&r);  /* a second free is harmless */
}

/* Written text grows (and moves) while earlier written records stay right. */
static void test_growth(void)
{
    tc_records *r = tc_records_new();
    char err[TC_ERR_LEN] = "";
    size_t n = 20000;
    tc_records_start(r, "", &tc_body_start, n);
    int bad = 0;
    for (size_t i = 0; i < n && bad == 0; i++) {
        char *w = tc_records_space(r, 32);
        size_t l = w != NULL ? (size_t)snprintf(w, 32, "rec%zu", i) : 0;
        if (w == NULL || tc_records_add_text(r, tc_records_keep(r, l), l, err) != TC_OK)
            bad++;
    }
    char want[32];
    for (size_t i = 0; i < n && bad == 0; i++)
        bad += !record_is(r, i, want, (size_t)snprintf(want, sizeof want, "rec%zu", i));
    TC_CHECK(bad == 0 && tc_records_count(r) == n, "%d wrong of %zu", bad, tc_records_count(r));
    /* release keeps small buffers, frees big ones; r stays usable */
    tc_records_release(r, 1024);
    TC_CHECK(tc_records_count(r) == 0, "release left records");
    tc_records_start(r, "ab", &tc_body_start, 5);
    TC_CHECK(tc_records_add_span(r, 1, 1, err) == TC_OK && record_is(r, 0, "b", 1),
             "after release: %s", err);
    tc_records_free(&r);
}

/* The limit counts the records of the whole body: the part's origin included. */
static void test_limit(void)
{
    tc_records *r = tc_records_new();
    char err[TC_ERR_LEN] = "";
    tc_body_origin at = {100, 7, 3};
    tc_records_start(r, "abc", &at, 5);
    TC_CHECK(tc_records_part_first(r) == 3, "part_first %zu", tc_records_part_first(r));
    TC_CHECK(tc_records_add_span(r, 0, 1, err) == TC_OK, "%s", err);
    TC_CHECK(tc_records_add_span(r, 1, 1, err) == TC_OK, "%s", err);
    TC_CHECK(tc_records_add_span(r, 2, 1, err) == TC_ETOOBIG &&
                 strcmp(err, "more than 5 records in one request") == 0,
             "sixth record: %s", err);
    err[0] = '\0';
    TC_CHECK(tc_records_space(r, 1) != NULL &&
                 tc_records_add_text(r, tc_records_keep(r, 1), 1, err) == TC_ETOOBIG,
             "written record over the limit: %s", err);
    TC_CHECK(tc_records_count(r) == 2, "count %zu", tc_records_count(r));
    tc_records_free(&r);
}

static void test_positions(void)
{
    static const char part[] = "ab\ncd\n\nef";
    tc_body_origin at = {1000, 40, 0};
    tc_records *r = tc_records_new();
    tc_records_start(r, part, &at, 10);
    TC_CHECK(tc_records_byte_at(r, 4) == 1004, "byte %zu", tc_records_byte_at(r, 4));
    TC_CHECK(tc_records_line_at(r, 0) == 41 && tc_records_line_at(r, 2) == 41 &&
                 tc_records_line_at(r, 3) == 42 && tc_records_line_at(r, 7) == 44,
             "lines %zu %zu %zu %zu", tc_records_line_at(r, 0), tc_records_line_at(r, 2),
             tc_records_line_at(r, 3), tc_records_line_at(r, 7));
    tc_records_free(&r);
    tc_body_origin o = tc_body_start;
    tc_body_origin_advance(&o, part, sizeof part - 1);
    TC_CHECK(o.byte == 9 && o.line == 3 && o.record == 0, "advance: %zu %zu %zu", o.byte, o.line,
             o.record);
    TC_CHECK(tc_body_origin_line(&o, "x\ny", 2) == 5, "line after the advance");
}

TC_TESTS(TC_TEST(test_spans_and_written), TC_TEST(test_growth), TC_TEST(test_limit),
         TC_TEST(test_positions))
