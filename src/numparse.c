/* numparse.c - strict decimal parsing (see tc_numparse.h). */
#include "tc_numparse.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* The end of the run of digits that starts at s[i] (n: end of the string), 8 bytes at
 * a time while 8 remain: a byte is a digit iff its high nibble is 3 both as it is and
 * plus 6 (0x30..0x3f and 0x2a..0x39); once every byte passes the first test, none
 * carries into the next in the sum. A model file's weights are mostly 17-digit
 * fractions, and this loop was a fifth of parsing them byte by byte. */
static inline size_t digits_end(const char *s, size_t i, size_t n)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = ones * 0xf0u;
    while (n - i >= 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        if ((v & highs) != ones * 0x30u || ((v + ones * 6u) & highs) != ones * 0x30u)
            break;
        i += 8;
    }
    while (i < n && is_digit(s[i]))
        i++;
    return i;
}

/* Powers of ten that are exact doubles (10^22 < 2^53 * 2^22 has an exact form). */
static const double exact_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

#if LDBL_MANT_DIG >= 64
/* 10^k for k <= 27 is exact in a 64-bit significand (5^27 < 2^64). */
static const long double ld_pow10[28] = {
    1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,
    1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L,
    1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};

/* Extended fast path for up to 19 significant digits and |exp10| <= 27, which covers
 * the 17-digit numbers model files are full of. mant and 10^|e| are exact long
 * doubles, so r = mant (*|/) 10^|e| is v rounded once to >= 64 bits. Rounding is
 * monotone and fixes every midpoint M between adjacent doubles, so r and v lie on
 * the same side of every such M unless r == M itself; hence (double)r is the
 * correctly rounded v except when r is exactly a midpoint, which is refused here
 * (false) and left to strtod. Results are normal doubles (10^-27 <= |v| < 10^47). */
static bool extended_path(uint64_t mant, long exp10, double *out)
{
    long double r = exp10 < 0 ? (long double)mant / ld_pow10[-exp10]
                              : (long double)mant * ld_pow10[exp10];
    double d = (double)r;
    long double e = r - (long double)d;
    if (e != 0.0L) {
        long double other = (long double)d + 2.0L * e;
        if ((long double)(double)other == other)
            return false;
    }
    *out = d;
    return true;
}
#endif

/* Value of 8 ASCII digits p[0..8) (p[0] most significant), by SWAR: pairs, then
 * quadruples, then the whole (three multiplies instead of eight dependent steps). */
static inline uint64_t eight_digits(const char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    v -= UINT64_C(0x3030303030303030);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    v = (v * 10u + (v >> 8)) & UINT64_C(0x00ff00ff00ff00ff);
    v = (v * 100u + (v >> 16)) & UINT64_C(0x0000ffff0000ffff);
    return (v & 0xffffu) * 10000u + (v >> 32);
}

/* mant * 10^len + value of the digits p[0..len); the caller guarantees the result
 * has at most 19 digits. */
static inline uint64_t accumulate(uint64_t mant, const char *p, size_t len)
{
    while (len >= 8) {
        mant = mant * 100000000u + eight_digits(p);
        p += 8;
        len -= 8;
    }
    while (len-- > 0)
        mant = mant * 10u + (uint64_t)(*p++ - '0');
    return mant;
}

bool tc_parse_double(const char *s, size_t n, double *out)
{
    if (n == 0 || n > TC_NUM_MAX_LEN)
        return false;
    size_t i = 0;
    bool neg = false;
    if (s[0] == '-') {
        neg = true;
        i = 1;
    }
    /* Syntax first: integer digits, optional fraction, optional exponent. */
    const size_t int_start = i;
    i = digits_end(s, i, n);
    const size_t int_end = i;
    if (int_end == int_start)
        return false;
    size_t frac_start = i, frac_end = i;
    if (i < n && s[i] == '.') {
        frac_start = ++i;
        i = digits_end(s, i, n);
        frac_end = i;
        if (frac_end == frac_start)
            return false;
    }
    long exp10 = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            eneg = s[i] == '-';
            i++;
        }
        size_t exp_start = i;
        long e = 0;
        while (i < n && is_digit(s[i])) {
            if (e < 100000)
                e = e * 10 + (s[i] - '0');
            i++;
        }
        if (i == exp_start)
            return false;
        exp10 = eneg ? -e : e;
    }
    if (i != n)
        return false;

    /* Significant digits: skip leading zeros of the integer part and, if it is all
     * zeros, of the fraction. */
    size_t a = int_start;
    while (a < int_end && s[a] == '0')
        a++;
    size_t f = frac_start;
    if (a == int_end)
        while (f < frac_end && s[f] == '0')
            f++;
    size_t nsig = (int_end - a) + (frac_end - f);
    exp10 -= (long)(frac_end - frac_start);
    if (nsig == 0) {
        *out = neg ? -0.0 : 0.0;
        return true;
    }
    if (nsig <= 19) {
        uint64_t mant = accumulate(accumulate(0, s + a, int_end - a), s + f, frac_end - f);
        if (mant <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
            /* Clinger: both operands are exact doubles, so one IEEE operation rounds
             * correctly. */
            double v = (double)mant;
            v = exp10 < 0 ? v / exact_pow10[-exp10] : v * exact_pow10[exp10];
            *out = neg ? -v : v;
            return true;
        }
#if LDBL_MANT_DIG >= 64
        if (exp10 >= -27 && exp10 <= 27) {
            double v;
            if (extended_path(mant, exp10, &v)) {
                *out = neg ? -v : v;
                return true;
            }
        }
#endif
    }
    /* Slow path: strtod on a copy without the decimal point (digits, then an
     * exponent), so the result does not depend on the locale's radix character. */
    char buf[TC_NUM_MAX_LEN + 32];
    size_t b = 0;
    long exp_adj = 0;
    size_t j = 0;
    if (neg)
        buf[b++] = s[j++];
    bool frac = false;
    for (; j < n && s[j] != 'e' && s[j] != 'E'; j++) {
        if (s[j] == '.') {
            frac = true;
            continue;
        }
        buf[b++] = s[j];
        if (frac)
            exp_adj--;
    }
    long e_total = exp_adj;
    if (j < n) { /* recompute the written exponent (already validated) */
        j++;
        bool eneg = false;
        if (s[j] == '+' || s[j] == '-') {
            eneg = s[j] == '-';
            j++;
        }
        long e = 0;
        for (; j < n; j++)
            if (e < 100000)
                e = e * 10 + (s[j] - '0');
        e_total += eneg ? -e : e;
    }
    buf[b++] = 'e';
    int w = 0;
    {
        char tmp[24];
        unsigned long ue = (unsigned long)(e_total < 0 ? -e_total : e_total);
        if (e_total < 0)
            buf[b++] = '-';
        do {
            tmp[w++] = (char)('0' + ue % 10u);
            ue /= 10u;
        } while (ue > 0);
        while (w > 0)
            buf[b++] = tmp[--w];
    }
    buf[b] = '\0';
    char *end = NULL;
    double v = strtod(buf, &end);
    if (end != buf + b || !isfinite(v))
        return false;
    *out = v;
    return true;
}

bool tc_parse_u64(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 20 || (s[0] == '0' && n > 1))
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return false;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10u)
            return false;
        v = v * 10u + d;
    }
    *out = v;
    return true;
}

bool tc_parse_i64(const char *s, size_t n, int64_t *out)
{
    bool neg = n > 0 && s[0] == '-';
    uint64_t u;
    if (!tc_parse_u64(s + neg, n - neg, &u))
        return false;
    if (neg) {
        if (u == 0 || u > (uint64_t)INT64_MAX + 1u)
            return false;
        *out = u == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)u;
    } else {
        if (u > (uint64_t)INT64_MAX)
            return false;
        *out = (int64_t)u;
    }
    return true;
}
