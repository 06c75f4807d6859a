/*
 * tc_numparse.h - strict, locale-independent number parsing for model files.
 *
 * tc_parse_double accepts exactly   -?D+(\.D+)?([eE][+-]?D+)?   (D a decimal digit),
 * the syntax of Python's repr(float) and of C's "%.17g" for finite values, and
 * returns the double strtod would return (correctly rounded, bit-identical). Refused:
 * empty strings, leading '+', spaces, hex, "nan", "inf", ".5", "5.", trailing junk,
 * strings longer than TC_NUM_MAX_LEN, and values that overflow to infinity.
 * Numbers that are small enough for an exact double multiply/divide (Clinger's fast
 * path) never reach strtod.
 *
 * tc_parse_u64 / tc_parse_i64 accept -?D+ (unsigned: no sign) without leading zeros
 * ("0" itself is fine; "-0" is refused) and refuse overflow.
 */
#ifndef TC_NUMPARSE_H
#define TC_NUMPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TC_NUM_MAX_LEN 100

bool tc_parse_double(const char *s, size_t n, double *out);
bool tc_parse_u64(const char *s, size_t n, uint64_t *out);
bool tc_parse_i64(const char *s, size_t n, int64_t *out);

#endif
