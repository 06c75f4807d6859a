/* test_plaintext.c - text/plain bodies (tc_plaintext.h): one record per line. */
#include "tc_plaintext.h"
#include "tc_test.h"
#include "../lib/decode_expect.h"

static void test_lines(void)
{
    EXPECT(tc_plaintext_decode, "one line", "one line");
    EXPECT(tc_plaintext_decode, "a\n", "a");
    EXPECT(tc_plaintext_decode, "a\nb", "a", "b");
    EXPECT(tc_plaintext_decode, "a\n\nb\n", "a", "", "b");
    EXPECT(tc_plaintext_decode, "a\r\nb\r\n", "a", "b");
    EXPECT(tc_plaintext_decode, "\n", "");
    EXPECT(tc_plaintext_decode, "a\n\n", "a", "");
    EXPECT(tc_plaintext_decode, "a\rb\r", "a\rb\r");         /* a lone CR is text */
    EXPECT(tc_plaintext_decode, "x=1&y=%20", "x=1&y=%20");  /* form bodies are not URL-decoded */
    EXPECT(tc_plaintext_decode, "caf\xc3\xa9 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xf0\x9f\x98\x80");
}

static void test_limit(void)
{
    tc_records *r = tc_records_new();
    char err[TC_ERR_LEN] = "";
    TC_CHECK(decode_whole(tc_plaintext_decode, "a\nb\nc\n", 6, 2, r, err) == TC_ETOOBIG &&
                 strstr(err, "more than 2 records") != NULL,
             "3 records with max 2: %s", err);
    TC_CHECK(decode_whole(tc_plaintext_decode, "a\nb\nc\n", 6, 3, r, err) == TC_OK &&
                 tc_records_count(r) == 3,
             "3 records with max 3: %s", err);
    tc_records_free(&r);
}

TC_TESTS(TC_TEST(test_lines), TC_TEST(test_limit))
