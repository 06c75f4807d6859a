/* test_buf.c - growable buffer, JSON string escaping, and the round-trip double
 * formatter that every response and `predict` line goes through. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_buf.h"
#include "tc_test.h"

/* The printf reference: shortest of %.15g/%.16g/%.17g that strtod reads back. */
static void reference_format(double v, char *out, size_t cap)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, cap, "%.*g", prec, v);
        if (prec == 17 || strtod(out, NULL) == v)
            return;
    }
}

static double random_double(uint64_t *state)
{
    for (;;) {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        double v;
        uint64_t bits = *state;
        memcpy(&v, &bits, sizeof v);
        if (isfinite(v))
            return v;
    }
}

static void test_double_equals_printf_shortest_round_trip(void)
{
    uint64_t state = 0x9e3779b97f4a7c15u;
    size_t differ = 0;
    for (int i = 0; i < 500000; i++) {
        double v;
        switch (i % 5) {
        case 0: v = random_double(&state); break;                      /* any bit pattern */
        case 1: v = (double)(state % 1000000007u) / 1000000007.0; break; /* probabilities */
        case 2: v = 1.0 / (1.0 + exp(-(double)(int64_t)(state % 4000u) / 97.0)); break;
        case 3: v = (double)(int64_t)(state % 2000001u) / 1000.0 - 1000.0; break;
        default: /* the exact-integer fast range, 2^-8 .. 2^64, and just outside it */
            v = ldexp(1.0 + (double)(state >> 12) / 4503599627370496.0,
                      (int)(state % 76u) - 10);
            break;
        }
        (void)random_double(&state);
        tc_buf b = TC_BUF_INIT;
        TC_CHECK(tc_buf_append_double(&b, v), "append failed");
        char ref[40];
        reference_format(v, ref, sizeof ref);
        double back = strtod(b.data, NULL);
        if (back != v || b.len > strlen(ref)) {
            TC_CHECK(0, "%.17g written as %s (reads back as %.17g); printf gives %s", v, b.data,
                     back, ref);
            tc_buf_free(&b);
            return;
        }
        differ += strcmp(b.data, ref) != 0;
        tc_buf_free(&b);
    }
    /* The fast path must give printf's exact string, ties included. */
    TC_CHECK(differ == 0, "%zu of 500000 layouts differ from printf's", differ);
}

static void test_double_special_values_and_layouts(void)
{
    static const struct { double v; const char *want; } cases[] = {
        {0.5, "0.5"}, {0.1, "0.1"}, {1.0, "1"}, {-2.5, "-2.5"}, {100.0, "100"},
        {1e-5, "1e-05"}, {1.5e-5, "1.5e-05"}, {0.0001, "0.0001"}, {1e22, "1e+22"},
        {123456789012345678.0, "1.2345678901234568e+17"}, {5e-324, "4.94065645841247e-324"},
        {1.7976931348623157e308, "1.7976931348623157e+308"}, {0.9999999999999999, "0.9999999999999999"},
        {2.6944061428742344e-07, "2.6944061428742344e-07"}, {0.0, "0"}, {-0.0, "-0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tc_buf b = TC_BUF_INIT;
        TC_CHECK(tc_buf_append_double(&b, cases[i].v), "append failed");
        TC_CHECK(strcmp(b.data, cases[i].want) == 0, "%.17g written as %s, want %s", cases[i].v,
                 b.data, cases[i].want);
        TC_CHECK(strtod(b.data, NULL) == cases[i].v, "%s does not read back", b.data);
        tc_buf_free(&b);
    }
    tc_buf b = TC_BUF_INIT;
    TC_CHECK(tc_buf_append_double(&b, NAN) && strcmp(b.data, "null") == 0, "NaN -> %s", b.data);
    tc_buf_clear(&b);
    TC_CHECK(tc_buf_append_double(&b, -INFINITY) && strcmp(b.data, "null") == 0, "-inf -> %s",
             b.data);
    tc_buf_free(&b);
}

static void test_json_string_escapes(void)
{
    tc_buf b = TC_BUF_INIT;
    const char in[] = "a\"b\\c\n\t\x01\x7f\xc3\xa9";
    TC_CHECK(tc_buf_append_json_string(&b, in, sizeof in - 1), "append failed");
    TC_CHECK(strcmp(b.data, "\"a\\\"b\\\\c\\n\\t\\u0001\x7f\xc3\xa9\"") == 0, "got %s", b.data);
    tc_buf_free(&b);
}

static void test_growth_and_steal(void)
{
    tc_buf b = TC_BUF_INIT;
    for (int i = 0; i < 10000; i++)
        TC_CHECK(tc_buf_printf(&b, "%d,", i % 10), "printf failed");
    TC_CHECK(b.len == 20000 && b.data[b.len] == '\0', "len %zu", b.len);
    size_t len = 0;
    char *p = tc_buf_steal(&b, &len);
    TC_CHECK(p != NULL && len == 20000 && b.data == NULL && b.len == 0, "steal left len %zu", len);
    free(p);
}

static void test_array_reserve(void)
{
    int *a = NULL;
    size_t cap = 0;
    TC_CHECK(tc_array_reserve((void **)&a, &cap, 3, sizeof *a) && a != NULL && cap == 256,
             "first reserve: cap %zu", cap);
    for (int i = 0; i < 256; i++)
        a[i] = i;
    TC_CHECK(tc_array_reserve((void **)&a, &cap, 1000, sizeof *a) && cap == 1024,
             "grown to %zu, not the next power of two", cap);
    TC_CHECK(a[0] == 0 && a[255] == 255, "contents lost in the move");
    int *before = a;
    TC_CHECK(tc_array_reserve((void **)&a, &cap, 1024, sizeof *a) && a == before && cap == 1024,
             "a reserve within the capacity moved the array");
    TC_CHECK(!tc_array_reserve((void **)&a, &cap, SIZE_MAX / 2 + 2, 1) && a == before &&
                 cap == 1024,
             "a count past SIZE_MAX / 2 was not refused, or changed the array");
    TC_CHECK(!tc_array_reserve((void **)&a, &cap, SIZE_MAX / 4, sizeof *a) && a == before &&
                 cap == 1024,
             "a byte size past SIZE_MAX was not refused, or changed the array");
    free(a);
}

TC_TESTS(TC_TEST(test_double_equals_printf_shortest_round_trip),
         TC_TEST(test_double_special_values_and_layouts), TC_TEST(test_json_string_escapes),
         TC_TEST(test_growth_and_steal), TC_TEST(test_array_reserve))
