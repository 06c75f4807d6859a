/* test_csv.c - text/csv bodies (tc_csv.h): RFC 4180 decoding of the first column, and
 * finding record ends in pieces. */
#include <stdbool.h>

#include "tc_csv.h"
#include "tc_test.h"
#include "../lib/decode_expect.h"

static void test_decode(void)
{
    EXPECT(tc_csv_decode, "plain,1\n\"hello, world\",2\n\"say \"\"hi\"\"\",3\n", "plain",
           "hello, world", "say \"hi\"");
    EXPECT(tc_csv_decode, "\"two\nlines\",x\nnext\n", "two\nlines", "next");
    EXPECT(tc_csv_decode, "a\r\n\"b\"\r\nc", "a", "b", "c");
    EXPECT(tc_csv_decode, "a\n\nb\n", "a", "", "b");
    EXPECT(tc_csv_decode, "5\" screen,x\n", "5\" screen");  /* bare quote: literal */
    EXPECT(tc_csv_decode, "\"\",\"x,y\"\n", "");
    EXPECT(tc_csv_decode, "only\n", "only");
    EXPECT(tc_csv_decode, ",second\n", "");
    EXPECT(tc_csv_decode, "a,\"b\nc\",d\ne\n", "a", "e");
    EXPECT(tc_csv_decode, "\"a\"\"\"\r", "a\"");               /* final CR after a quote */
    EXPECT(tc_csv_decode, "tail\r", "tail");
}

static void test_errors(void)
{
    FAIL_(tc_csv_decode, "ok\n\"never closed\n", TC_EINPUT,
          "malformed CSV: record 2 (line 2): unterminated quoted field");
    FAIL_(tc_csv_decode, "\"a\"b,c\n", TC_EINPUT,
          "malformed CSV: record 1 (line 1, byte 3): unexpected character after a closing quote");
    FAIL_(tc_csv_decode, "x,\"a\"b\n", TC_EINPUT, "record 1 (line 1, byte 5)");  /* later field */
    FAIL_(tc_csv_decode, "\"a\"\rb\n", TC_EINPUT, "after a closing quote");
}

/* Positions in messages are whole-body ones when the part starts later. */
static void test_positions_in_a_part(void)
{
    static const char part[] = "x\n\"open";
    tc_records *r = tc_records_new();
    char err[TC_ERR_LEN] = "";
    tc_body_origin at = {50, 9, 4};
    tc_records_start(r, part, &at, 100);
    TC_CHECK(tc_csv_decode(r, part, sizeof part - 1, err) == TC_EINPUT &&
                 strstr(err, "record 6 (line 11): unterminated") != NULL,
             "%s", err);
    tc_records_free(&r);
}

/* In each piece the cutter finds the first and the last record end (a line end outside
 * quotes) of the body that fall in it, however the body is cut. */
static void test_cutter(void)
{
    static const char body[] = "a,1\n\"b\nb\",2\n\"c\"\"\n\",3\r\nd\n\"\"\n";
    static const size_t ends[] = {4, 12, 22, 24, 27};  /* offsets just after them */
    size_t len = sizeof body - 1, n_ends = sizeof ends / sizeof *ends;
    for (size_t step = 1; step <= len; step++) {
        tc_csv_cutter c;
        tc_csv_cutter_init(&c);
        bool ok = true;
        for (size_t at = 0; at < len; at += step) {
            size_t n = len - at < step ? len - at : step, first;
            size_t last = tc_csv_cut(&c, body + at, n, &first);
            size_t want_first = 0, want_last = 0;
            for (size_t k = 0; k < n_ends; k++)
                if (ends[k] > at && ends[k] <= at + n) {
                    want_first = want_first ? want_first : ends[k] - at;
                    want_last = ends[k] - at;
                }
            ok = ok && first == want_first && last == want_last;
        }
        TC_CHECK(ok, "pieces of %zu bytes: record ends misplaced", step);
    }
}

TC_TESTS(TC_TEST(test_decode), TC_TEST(test_errors), TC_TEST(test_positions_in_a_part),
         TC_TEST(test_cutter))
