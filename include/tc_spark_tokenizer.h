/*
 * tc_spark_tokenizer.h - Spark ML's tokenizers as a tokenizer family (tc_tokens.h):
 *
 *   TC_SPARK_TOKENIZER   org.apache.spark.ml.feature.Tokenizer:
 *                        text.toLowerCase.split("\\s")
 *   TC_SPARK_REGEX_GAPS  RegexTokenizer with its default pattern "\\s+" and gaps = true:
 *                        (toLowercase ? text.toLowerCase : text).split("\\s+"), then
 *                        tokens of fewer than minTokenLength UTF-16 code units dropped
 *
 * Java's semantics, exactly where they matter:
 *  - "\\s" is Java regex's ASCII whitespace [ \t\n\x0B\f\r] (not U+00A0, U+0085, U+2028).
 *  - String.split keeps a leading empty string (text starting with whitespace) and
 *    empty strings between consecutive separators (Tokenizer), drops trailing empty
 *    strings, and returns the whole text as the one token when there is no separator
 *    (so "" gives one empty token and "  " none).
 *  - toLowerCase is Java 17's String.toLowerCase(Locale.ROOT) (Spark calls it with the
 *    JVM's default locale; any locale but tr, az and lt gives the same): the full
 *    lowercase mapping of Unicode 13, i.e. tc_unicode.h's Unicode 14 mapping less the
 *    40 uppercase letters Unicode 14 added (U+2C2F, U+A7C0, U+A7D0, U+A7D6, U+A7D8,
 *    U+10570..U+10595), which Java 17 leaves as they are (the parity suite re-derives
 *    this list from the JVM). U+03A3 becomes final sigma by Java's Final_Cased rule: a
 *    cased letter before it and none after it within its word, the word as Java 17's
 *    word BreakIterator delimits it (letters and digits, joined through a $mid_word
 *    between letters or a $mid_num between digits, [:Mn:][:Me:][:Cf:] transparent; the
 *    classes are generated from the JVM, src/spark_wordclass_table.c) and "cased" as
 *    ConditionalSpecialCasing.isCased. Not reproduced: the iterator's handling of
 *    surrogate pairs and of some ignorables beside them (29 of 20,000 random
 *    adversarial sigma strings differ, tests/parity/spark_parity.py; none of IMDB test
 *    and unicode_torture.txt).
 *  - minTokenLength counts UTF-16 code units (a code point above U+FFFF counts 2).
 *
 * Other RegexTokenizer patterns, and gaps = false, are matched with PCRE2 on the
 * lowercased text (tc_spark_regex.h, which refuses what Java and PCRE2 read differently).
 * Every token points into the scratch's lowercased copy of
 * the text. Input that is not valid UTF-8 is TC_EINPUT with the byte offset; more than
 * 2^31 bytes TC_ETOOBIG.
 */
#ifndef TC_SPARK_TOKENIZER_H
#define TC_SPARK_TOKENIZER_H

#include <stdbool.h>
#include <stdint.h>

#include "tc_tokens.h"

typedef enum tc_spark_tokenizer_kind {
    TC_SPARK_TOKENIZER = 0,
    TC_SPARK_REGEX_GAPS,  /* RegexTokenizer, pattern "\\s+", gaps = true: hand-written */
    TC_SPARK_REGEX_PCRE2  /* RegexTokenizer, any other pattern or gaps (tc_spark_regex.h) */
} tc_spark_tokenizer_kind;

struct tc_spark_regex;

typedef struct tc_spark_tokenizer_options {
    tc_spark_tokenizer_kind kind;
    bool lowercase;             /* TC_SPARK_TOKENIZER: always true */
    uint32_t min_token_length;  /* RegexTokenizer kinds; 0 keeps empty tokens */
    bool gaps;                  /* TC_SPARK_REGEX_PCRE2: split on matches, or the matches */
    /* TC_SPARK_REGEX_PCRE2: the compiled pattern, borrowed: its owner (the Spark
     * vectorizer) outlives every use of these options */
    const struct tc_spark_regex *regex;
} tc_spark_tokenizer_options;

extern const tc_tokenizer_ops tc_spark_tokenizer;

/* Java 17's Character.toLowerCase-based full mapping of one code point other than
 * U+03A3 (see above): writes 1..3 code points to out, returns the count. */
size_t tc_spark_java_lower(uint32_t cp, uint32_t out[3]);

#endif
