/*
 * tc_py_regex.h - a scikit-learn token_pattern (a Python 3.11 `re` str pattern) matched
 * with PCRE2 the way CountVectorizer's word analyzer uses it:
 * re.compile(token_pattern).findall(doc), each token the whole match, or group 1's text
 * when the pattern has exactly one capturing group.
 *
 * The pattern is parsed by Python's grammar and translated into a PCRE2 pattern that
 * means the same (UTF mode, JIT-compiled): every literal becomes \x{..}; \w \W \d \D \s
 * \S, '.' and [...] become explicit classes (tc_py_class.h: Python's Unicode definitions,
 * or ASCII ones under (?a)); \b \B become lookarounds on Python's \w; '^' is \A, '$'
 * (?=\n?\z), \Z \z ((?m): after / before every '\n'). Accepted besides: literals and
 * escapes \a \f \n \r \t \v \\ \xhh \uhhhh \Uhhhhhhhh and escaped punctuation; groups
 * ( ), (?: ), (?P<name> ), (?> ), lookarounds (?= ) (?! ) (?<= ) (?<! ); quantifiers
 * * + ? {m} {m,} {,n} {m,n} (m, n <= 65535), lazy (?), or possessive (+) on a character
 * or class; alternation;
 * global flags (?u) (?a) (?m) (?s) at the start.
 *
 * Refused by name and offset (TC_EUNSUPPORTED), message "token_pattern: ...": (?i)
 * (Python's and PCRE2's Unicode case folding are not shown to agree), (?x), (?L), flags
 * anywhere else or scoped, backreferences and octal escapes, \N{...}, surrogates,
 * comments, conditionals, quantified lookarounds or anchors, a possessive quantifier on
 * a group (Python 3.11's does not backtrack inside the group: (?:a+){2}+ finds nothing
 * in "aaa", where the atomic group it means finds "aaa"), more than one capturing
 * group (scikit-learn raises), a group that could be unset or empty in a match (it
 * must be at the top level, unquantified, outside any alternation, and match at least
 * one character), a pattern that can match the empty string, and a token that could
 * contain a space, TAB, CR or LF (textclf's vocabulary joins n-grams with spaces and
 * holds no TAB, CR or LF). Python's syntax errors are refused too (the pattern came
 * from a fitted model, so they do not occur in practice).
 *
 * The compiled pattern is immutable and shared by threads; each brings a scratch.
 */
#ifndef TC_PY_REGEX_H
#define TC_PY_REGEX_H

#include <stddef.h>

#include "tc_status.h"
#include "tc_tokens.h"

#define TC_PY_REGEX_MAX_LEN 4096u   /* longest pattern accepted, in bytes */

typedef struct tc_py_regex tc_py_regex;
typedef struct tc_py_regex_scratch tc_py_regex_scratch;

/* Checks, translates and compiles pattern[0..len) (UTF-8). err names the refused
 * construct and its byte offset; TC_ENOMEM when out of memory. */
tc_status tc_py_regex_compile(const char *pattern, size_t len, tc_py_regex **out, char *err);
void tc_py_regex_free(tc_py_regex **r);

/* The PCRE2 pattern the Python one became (NUL-terminated; for tests and messages). */
const char *tc_py_regex_translation(const tc_py_regex *r);
/* 0 or 1: the capturing groups (with 1, tokens are group 1's text). */
unsigned tc_py_regex_groups(const tc_py_regex *r);

tc_py_regex_scratch *tc_py_regex_scratch_new(void);  /* NULL when out of memory */
void tc_py_regex_scratch_free(tc_py_regex_scratch *s);

/* findall over text[0..len) (valid UTF-8, < 2^32 bytes): the tokens, none empty, in
 * order, into tokens (room for len + 1), their number in *count. A match that outgrows
 * the JIT stack (a group repeated over a long run) runs again in PCRE2's interpreter.
 * TC_EINPUT when PCRE2 gives up (its match or heap limit), naming the error. */
tc_status tc_py_regex_tokens(const tc_py_regex *r, tc_py_regex_scratch *s, const char *text,
                             size_t len, tc_token *tokens, size_t *count, char *err);

#endif
