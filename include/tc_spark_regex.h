/*
 * tc_spark_regex.h - a Spark RegexTokenizer pattern other than the default, matched with
 * PCRE2 (UTF mode, ASCII \w \s \d as Java's defaults, JIT-compiled) the way Java's
 * Pattern.split (gaps = true) or Scala's findAllIn (gaps = false) use it.
 *
 * Only the part of the syntax where java.util.regex and PCRE2 agree is accepted; every
 * other construct is refused by name (TC_EUNSUPPORTED): '.', '^', '$' (Java ends lines at
 * \r, \u0085, \u2028 and \u2029 too), \b \B (Java 17's follows Unicode letters and
 * digits, its \w does not), other escapes with letters (\p, \x, \u, \Q, \h, \R, ...),
 * backreferences and octal escapes, inline flags and other (? and (* groups than
 * (?: (?= (?! (?<= (?<! (?>, braces that are not a {m}, {m,} or {m,n} quantifier,
 * and inside [...]: nested classes, &&, and POSIX [: ... :]. A pattern that can match
 * the empty string is refused too (Java and PCRE2 step past empty matches differently).
 *
 * The compiled pattern is immutable and shared; each thread brings a match scratch.
 */
#ifndef TC_SPARK_REGEX_H
#define TC_SPARK_REGEX_H

#include <stdbool.h>
#include <stddef.h>

#include "tc_status.h"
#include "tc_tokens.h"

typedef struct tc_spark_regex tc_spark_regex;
typedef struct tc_spark_regex_scratch tc_spark_regex_scratch;

/* Checks and compiles pattern[0..len). err names the refused construct and its offset. */
tc_status tc_spark_regex_compile(const char *pattern, size_t len, tc_spark_regex **out,
                                 char *err);
void tc_spark_regex_free(tc_spark_regex **r);

tc_spark_regex_scratch *tc_spark_regex_scratch_new(void);
void tc_spark_regex_scratch_free(tc_spark_regex_scratch *s);

/* The tokens of text[0..len) (valid UTF-8), appended to tokens (room for len + 1):
 * gaps: the pieces between matches as Java's String.split(regex) gives them (trailing
 * empty pieces dropped; the whole text when nothing matches); otherwise the matches.
 * *count receives how many. TC_EINPUT when PCRE2 gives up (match or JIT stack limit). */
tc_status tc_spark_regex_tokens(const tc_spark_regex *r, tc_spark_regex_scratch *s,
                                const char *text, size_t len, bool gaps, tc_token *tokens,
                                size_t *count, char *err);

#endif
