/* test_numparse.c - tc_parse_double must return exactly what strtod returns (bit for bit)
 * for every string of its grammar, over millions of random strings of many shapes
 * (repr-style shortest, %.17g, long digit runs, subnormals, huge exponents, exact
 * binary midpoints and their neighbours), and refuse every other form.
 * TEXTCLF_TEST_SEED=N changes the random stream (default fixed). */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_numparse.h"
#include "tc_test.h"

__extension__ typedef unsigned __int128 u128;

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}

static unsigned rnd_below(unsigned n) { return (unsigned)(rnd() % n); }

static uint64_t bits_of(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static double double_of(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static size_t n_compared, n_mismatch;
static char first_mismatch[200];

/* s is a string of the accepted grammar: result must equal strtod's, or be refused
 * exactly when strtod overflows. */
static void compare(const char *s)
{
    size_t n = strlen(s);
    errno = 0;
    char *end = NULL;
    double want = strtod(s, &end);
    double got = 0.0;
    bool ok = tc_parse_double(s, n, &got);
    bool bad;
    if (n > TC_NUM_MAX_LEN)
        bad = ok;
    else if (!isfinite(want))
        bad = ok;
    else
        bad = !ok || bits_of(got) != bits_of(want) || end != s + n;
    n_compared++;
    if (bad && n_mismatch++ == 0)
        snprintf(first_mismatch, sizeof first_mismatch, "\"%s\": ok=%d got %.17g want %.17g", s,
                 ok, got, want);
}

static void check_compare_clean(const char *what)
{
    TC_CHECK(n_mismatch == 0, "%s: %zu of %zu differ from strtod, first %s", what, n_mismatch,
             n_compared, first_mismatch);
    n_mismatch = 0;
    n_compared = 0;
}

/* Shortest of %.1g..%.17g that round-trips (Python repr's digits, C spelling). */
static void shortest(double d, char *buf, size_t cap)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            return;
    }
}

static double random_finite_double(void)
{
    for (;;) {
        double d = double_of(rnd());
        if (isfinite(d))
            return d;
    }
}

static void test_random_bit_patterns(void)
{
    char buf[64];
    for (int i = 0; i < 250000; i++) {
        double d = random_finite_double();
        snprintf(buf, sizeof buf, "%.17g", d);
        compare(buf);
        shortest(d, buf, sizeof buf);
        compare(buf);
        snprintf(buf, sizeof buf, "%.*e", (int)rnd_below(20), d);
        compare(buf);
    }
    check_compare_clean("random doubles as %.17g / shortest / %.Ne");
}

/* Values like model weights and idf: magnitudes 1e-12..1e3, 17 digits, repr style. */
static void test_model_like_values(void)
{
    char buf[64];
    for (int i = 0; i < 300000; i++) {
        double mag = pow(10.0, (double)rnd_below(16) - 12.0);
        double d = mag * ((double)(rnd() >> 11) / 9007199254740992.0) * (rnd() & 1 ? 1 : -1);
        shortest(d, buf, sizeof buf);
        compare(buf);
        snprintf(buf, sizeof buf, "%.17g", d);
        compare(buf);
    }
    check_compare_clean("model-like values");
}

static void append_digits(char *buf, size_t *len, unsigned count, bool nonzero_first)
{
    for (unsigned i = 0; i < count; i++) {
        unsigned dgt = rnd_below(10);
        if (i == 0 && nonzero_first && dgt == 0)
            dgt = 1 + rnd_below(9);
        buf[(*len)++] = (char)('0' + dgt);
    }
    buf[*len] = '\0';
}

/* Free-form strings of the grammar -?D+(.D+)?([eE][+-]?D+)? with 1..30 digit runs,
 * leading zeros, and exponents up to +-400 (overflow, underflow, subnormals). */
static void test_random_decimal_strings(void)
{
    char buf[128];
    for (int i = 0; i < 1000000; i++) {
        size_t len = 0;
        if (rnd() & 1)
            buf[len++] = '-';
        unsigned shape = rnd_below(4);
        unsigned int_digits = shape == 0 ? 1 + rnd_below(3) : 1 + rnd_below(25);
        append_digits(buf, &len, int_digits, rnd_below(4) != 0);
        if (rnd() & 1) {
            buf[len++] = '.';
            append_digits(buf, &len, 1 + rnd_below(shape == 3 ? 40 : 20), false);
        }
        if (rnd_below(3) != 0) {
            buf[len++] = rnd() & 1 ? 'e' : 'E';
            unsigned sgn = rnd_below(3);
            if (sgn == 1)
                buf[len++] = '-';
            else if (sgn == 2)
                buf[len++] = '+';
            int e = rnd_below(4) == 0 ? (int)rnd_below(420) : (int)rnd_below(30);
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%0*d", 1 + (int)rnd_below(3), e);
        }
        buf[len] = '\0';
        compare(buf);
    }
    check_compare_clean("random decimal strings");
}

static void test_subnormals_and_extremes(void)
{
    char buf[64];
    for (int i = 0; i < 100000; i++) {
        double d = double_of(rnd() & UINT64_C(0x800fffffffffffff)); /* subnormal */
        snprintf(buf, sizeof buf, "%.17g", d);
        compare(buf);
        shortest(d, buf, sizeof buf);
        compare(buf);
        double big = double_of((rnd() & UINT64_C(0x800fffffffffffff)) | UINT64_C(0x7fe0000000000000));
        snprintf(buf, sizeof buf, "%.17g", big);
        compare(buf);
    }
    static const char *const fixed[] = {
        "4.9406564584124654e-324", "5e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
        "2e-324", "1e-400", "-1e-400", "2.2250738585072011e-308", "2.2250738585072014e-308",
        "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e308",
        "1e309", "-1e309", "9007199254740993", "9007199254740992", "9007199254740991",
        "18446744073709551615", "18446744073709551616", "1e22", "1e23", "8.98846567431158e307",
        "0.1", "0.2", "0.3", "1.0", "1", "0", "-0", "-0.0", "0.0e0", "000123.4500", "1e0000",
        "123456789012345678901234567890", "0.000000000000000000000000000001",
        "7.0064923216240854e-46", "4.35689e-320", "1.5e-45", "3.4028234663852886e38"};
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        compare(fixed[i]);
    check_compare_clean("subnormals, huge exponents, fixed cases");
    double z = 1.0;
    TC_CHECK(tc_parse_double("-0", 2, &z) && z == 0.0 && signbit(z), "-0 must give negative zero");
}

/* Exact midpoints between adjacent doubles (and their decimal neighbours), written as
 * 17..20-digit integers or short fractions: the hardest cases for rounding. */
static void test_midpoints(void)
{
    char buf[128];
    for (int i = 0; i < 300000; i++) {
        uint64_t m = (UINT64_C(1) << 52) | (rnd() & ((UINT64_C(1) << 52) - 1));
        u128 odd = (u128)m * 2 + 1; /* midpoint = odd * 2^(k-1) */
        int k = (int)rnd_below(16) - 5;
        u128 num;
        int scale = 0; /* value = num / 10^scale */
        if (k >= 1) {
            num = odd << (k - 1);
        } else {
            /* odd / 2^(1-k) = odd * 5^(1-k) / 10^(1-k) */
            num = odd;
            for (int j = 0; j < 1 - k; j++)
                num *= 5;
            scale = 1 - k;
        }
        int delta = (int)rnd_below(5) - 2; /* exact midpoint and neighbours */
        if (delta < 0)
            num -= (unsigned)-delta;
        else
            num += (unsigned)delta;
        char digits[64];
        size_t nd = 0;
        for (u128 x = num; x > 0; x /= 10)
            digits[nd++] = (char)('0' + (int)(x % 10));
        size_t len = 0;
        if (rnd() & 1)
            buf[len++] = '-';
        if (scale == 0 || rnd() & 1) {
            for (size_t j = nd; j-- > 0;)
                buf[len++] = digits[j];
            if (scale > 0)
                len += (size_t)snprintf(buf + len, sizeof buf - len, "e-%d", scale);
        } else {
            /* place the decimal point: D / 10^scale */
            char ms[64];
            for (size_t j = 0; j < nd; j++)
                ms[j] = digits[nd - 1 - j];
            size_t sc = (size_t)scale;
            if (nd > sc) {
                memcpy(buf + len, ms, nd - sc);
                len += nd - sc;
                buf[len++] = '.';
                memcpy(buf + len, ms + nd - sc, sc);
                len += sc;
            } else {
                buf[len++] = '0';
                buf[len++] = '.';
                for (size_t j = nd; j < sc; j++)
                    buf[len++] = '0';
                memcpy(buf + len, ms, nd);
                len += nd;
            }
        }
        buf[len] = '\0';
        compare(buf);
        /* the same digits scaled by a power of ten exercise the division path */
        if (strchr(buf, 'e') == NULL) {
            snprintf(buf + len, sizeof buf - len, "e-%u", 1 + rnd_below(20));
            compare(buf);
        }
    }
    check_compare_clean("binary midpoints and neighbours");
}

static void test_refused_forms(void)
{
    static const char *const bad[] = {
        "",     "+1",   " 1",   "1 ",    "\t1",  "0x10", "0X1p3", "nan",    "NaN",   "inf",
        "-inf", "Infinity", "infinity", ".5", "-.5", "5.", "-5.", "1e", "1e+", "1e-", "e5",
        "E5",   "-",    "--1",  "1..2",  "1.2.3", "1e5.5", "1,5", "1_000", "1d5", "1f", "١",
        "1e5e5", "1.e5", "- 1", "1-", "0x", "1e++5", "+", "."};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double v = 42.0;
        bool ok = tc_parse_double(bad[i], strlen(bad[i]), &v);
        TC_CHECK(!ok, "\"%s\" must be refused (got %.17g)", bad[i], v);
        TC_CHECK(v == 42.0, "\"%s\": output written on failure", bad[i]);
    }
    /* overflow to infinity */
    static const char *const huge[] = {"1e309", "-1e309", "1.7976931348623159e308", "1e99999",
                                       "1e999999999999999999999"};
    for (size_t i = 0; i < sizeof huge / sizeof *huge; i++) {
        double v = 42.0;
        TC_CHECK(!tc_parse_double(huge[i], strlen(huge[i]), &v), "\"%s\" overflows: refused",
                 huge[i]);
    }
    /* embedded NUL: length counts it, so it is trailing junk */
    double v;
    TC_CHECK(!tc_parse_double("1\0", 2, &v), "embedded NUL refused");
    /* length limit */
    char longs[TC_NUM_MAX_LEN + 2];
    memset(longs, '1', sizeof longs);
    TC_CHECK(!tc_parse_double(longs, TC_NUM_MAX_LEN + 1, &v), "over TC_NUM_MAX_LEN refused");
    TC_CHECK(tc_parse_double(longs, TC_NUM_MAX_LEN, &v) && v == strtod("1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111", NULL),
             "exactly TC_NUM_MAX_LEN digits accepted");
    /* only the first n bytes count */
    TC_CHECK(tc_parse_double("2.5xyz", 3, &v) && v == 2.5, "prefix of a longer buffer");
    TC_CHECK(!tc_parse_double("2.5", 0, &v), "n = 0 refused");
}

/* Every byte value at every position of long digit runs (before and after the point),
 * which are scanned 8 bytes at a time: a digit leaves the number as strtod reads it,
 * any other byte (':' and '/' sit next to the digits, 0xb0..0xb9 differ from them in
 * the high bit only) makes it refused, except a '.', 'e' or '-' where the grammar
 * allows one, which is left to the other tests. */
static void test_digit_runs_every_byte(void)
{
    /* up to 19 significant digits (the fast paths) and more (strtod's) */
    static const char *const bases[] = {"1234567890123456789",   "-0.08545438625084237",
                                        "12345678.9e-3",         "0.1619157792065706",
                                        "1234567890123456789012", "0.12345678901234567890",
                                        "-98765432109876543.210987"};
    size_t wrong = 0;
    for (size_t b = 0; b < sizeof bases / sizeof *bases; b++) {
        const size_t n = strlen(bases[b]);
        char buf[64];
        for (size_t pos = 0; pos < n; pos++) {
            if (!(bases[b][pos] >= '0' && bases[b][pos] <= '9'))
                continue;
            for (int c = 0; c < 256; c++) {
                if (c == '.' || c == 'e' || c == 'E' || c == '-')
                    continue;
                memcpy(buf, bases[b], n + 1);
                buf[pos] = (char)c;
                double v = 0.0;
                bool ok = tc_parse_double(buf, n, &v);
                bool digit = c >= '0' && c <= '9';
                double want = digit ? strtod(buf, NULL) : 0.0;
                if (ok != digit || (digit && memcmp(&v, &want, sizeof v) != 0))
                    wrong++;
            }
        }
    }
    TC_CHECK(wrong == 0, "%zu one-byte substitutions in digit runs parsed wrongly", wrong);
}

static void test_integers(void)
{
    uint64_t u = 7;
    int64_t s = 7;
    TC_CHECK(tc_parse_u64("0", 1, &u) && u == 0, "u64 0");
    TC_CHECK(tc_parse_u64("18446744073709551615", 20, &u) && u == UINT64_MAX, "u64 max");
    TC_CHECK(!tc_parse_u64("18446744073709551616", 20, &u), "u64 overflow refused");
    TC_CHECK(!tc_parse_u64("99999999999999999999", 20, &u), "u64 overflow 2 refused");
    TC_CHECK(!tc_parse_u64("123456789012345678901", 21, &u), "u64 21 digits refused");
    static const char *const bad_u[] = {"", "01", "00", "-1", "+1", " 1", "1 ", "1.0", "1e3", "x",
                                        "-0"};
    for (size_t i = 0; i < sizeof bad_u / sizeof *bad_u; i++)
        TC_CHECK(!tc_parse_u64(bad_u[i], strlen(bad_u[i]), &u), "u64 \"%s\" refused", bad_u[i]);
    TC_CHECK(tc_parse_i64("-9223372036854775808", 20, &s) && s == INT64_MIN, "i64 min");
    TC_CHECK(tc_parse_i64("9223372036854775807", 19, &s) && s == INT64_MAX, "i64 max");
    TC_CHECK(tc_parse_i64("-1", 2, &s) && s == -1, "i64 -1");
    TC_CHECK(tc_parse_i64("42", 2, &s) && s == 42, "i64 42");
    static const char *const bad_i[] = {"", "-", "-0", "--1", "+1", "-01", "9223372036854775808",
                                        "-9223372036854775809", "1-", " 1"};
    for (size_t i = 0; i < sizeof bad_i / sizeof *bad_i; i++)
        TC_CHECK(!tc_parse_i64(bad_i[i], strlen(bad_i[i]), &s), "i64 \"%s\" refused", bad_i[i]);
    for (int i = 0; i < 200000; i++) {
        uint64_t x = rnd() >> rnd_below(64);
        char buf[32];
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)x);
        uint64_t y = 0;
        if (!tc_parse_u64(buf, strlen(buf), &y) || y != x) {
            TC_CHECK(false, "u64 round trip of %s", buf);
            break;
        }
        int64_t sx = (int64_t)(rnd() >> rnd_below(64));
        if (rnd() & 1)
            sx = -sx;
        snprintf(buf, sizeof buf, "%lld", (long long)sx);
        int64_t sy = 0;
        if (sx != 0 && (!tc_parse_i64(buf, strlen(buf), &sy) || sy != sx)) {
            TC_CHECK(false, "i64 round trip of %s", buf);
            break;
        }
    }
}

static void seed_from_env(void)
{
    const char *s = getenv("TEXTCLF_TEST_SEED");
    if (s != NULL && *s != '\0')
        rng_state = strtoull(s, NULL, 10) | 1u;
}

static void test_seed(void)
{
    seed_from_env();
    TC_CHECK(rng_state != 0, "seed");
}

TC_TESTS(TC_TEST(test_seed), TC_TEST(test_refused_forms), TC_TEST(test_digit_runs_every_byte),
         TC_TEST(test_integers),
         TC_TEST(test_random_bit_patterns), TC_TEST(test_model_like_values),
         TC_TEST(test_random_decimal_strings), TC_TEST(test_subnormals_and_extremes),
         TC_TEST(test_midpoints))
