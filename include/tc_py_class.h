/*
 * tc_py_class.h - the character-level syntax of a Python 3.11 str pattern for
 * tc_py_regex.h's translation: escapes and [...] classes read as Python's re/_parser.py
 * reads them, and character sets (a class, '.', \w \W \d \D \s \S) spelled as one
 * PCRE2 class each.
 *
 * Python's Unicode categories (verified against Python 3.11, Unicode 14.0.0):
 *   \w  str.isalnum() or '_'  = Unicode letters (L*) and numbers (N*) and '_', which is
 *       PCRE2's \p{Xwd} in 10.42 (tests/unit/test_py_regex.c compares every code point);
 *   \d  str.isdecimal()       = \p{Nd};
 *   \s  str.isspace()         = 29 code points, listed here (PCRE2's \s differs: it has
 *       U+180E's history and lacks U+001C..U+001F), so spelled out;
 * under (?a): [0-9A-Za-z_], [0-9] and [ \t\n\v\f\r], spelled out. PCRE2's own \w \d \s
 * are never emitted, so neither PCRE2_UCP nor the PCRE2 version changes their meaning;
 * \p{..} depends on PCRE2's Unicode tables, which tc_py_regex_compile checks are
 * Unicode 14.0.0 like textclf's (tc_unicode.h).
 *
 * Explicit code points are a bitmap over U+0000..U+10FFFF (136 KiB); a class is made
 * once per pattern and reused for each set. Surrogates never appear in the output (UTF-8
 * text cannot hold them, and PCRE2's UTF mode refuses them in a pattern).
 */
#ifndef TC_PY_CLASS_H
#define TC_PY_CLASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tc_buf.h"
#include "tc_status.h"

#define TC_PY_CP_END 0x110000u

typedef enum tc_py_category { TC_PY_WORD = 0, TC_PY_DIGIT, TC_PY_SPACE } tc_py_category;

typedef struct tc_py_class tc_py_class;

tc_py_class *tc_py_class_new(void);  /* NULL when out of memory */
void tc_py_class_free(tc_py_class **c);

/* Empties c for a new set; ascii: (?a) categories. */
void tc_py_class_reset(tc_py_class *c, bool ascii);
/* Adds the code points lo..hi (lo <= hi < TC_PY_CP_END). */
void tc_py_class_add_range(tc_py_class *c, uint32_t lo, uint32_t hi);
/* Adds \w \d \s (negated: \W \D \S). */
void tc_py_class_add_category(tc_py_class *c, tc_py_category cat, bool negated);
/* The set becomes its complement ([^...]). */
void tc_py_class_negate(tc_py_class *c);
/* Whether the set holds the ASCII character ch (ch < 0x80). */
bool tc_py_class_has_ascii(const tc_py_class *c, unsigned char ch);
/* Appends the set as one PCRE2 class "[...]" of \x{..} code points and ranges and
 * \p{..} properties; false when out of memory. */
bool tc_py_class_emit(const tc_py_class *c, tc_buf *out);

/* Appends \b (boundary) or \B on Python's \w (ascii: (?a)'s) as PCRE2 lookarounds,
 * using c as scratch; false when out of memory. */
bool tc_py_class_emit_boundary(tc_py_class *c, bool ascii, bool boundary, tc_buf *out);

/* TC_EUNSUPPORTED with "token_pattern: <what> at offset <at> is not supported". */
tc_status tc_py_refuse(char *err, size_t at, const char *what);

typedef struct tc_py_escape {
    enum { TC_PY_ESC_CHAR, TC_PY_ESC_CATEGORY, TC_PY_ESC_ANCHOR } kind;
    uint32_t cp;            /* TC_PY_ESC_CHAR */
    tc_py_category cat;     /* TC_PY_ESC_CATEGORY, negated for \W \D \S */
    bool negated;
    char anchor;            /* TC_PY_ESC_ANCHOR (outside a class): 'A', 'Z', 'b' or 'B' */
} tc_py_escape;

/* The escape at p[*i] == '\\' of the pattern p[0..len) (valid UTF-8), as _escape
 * (outside a class) or _class_escape (in_class: \b is a backspace, no anchors) read it;
 * *i moves past it. \a \f \n \r \t \v \\, \xhh \uhhhh \Uhhhhhhhh, and any character
 * but an ASCII letter or digit escaped, are characters. Refused (tc_py_refuse):
 * backreferences and octal escapes, \N{...}, surrogates, unknown letters (Python's "bad
 * escape"), an incomplete hex escape, a trailing backslash. */
tc_status tc_py_escape_parse(const char *p, size_t len, size_t *i, bool in_class,
                             tc_py_escape *e, char *err);

/* The class at p[*i] == '[' into c (reset first; ascii: (?a)), as _parser.py reads a set:
 * '^' first negates, ']' first is a character, '-' first or last is a character, a
 * range needs two characters in order (a category at either end is refused); *i moves
 * past the closing ']'. */
tc_status tc_py_class_parse(tc_py_class *c, bool ascii, const char *p, size_t len, size_t *i,
                            char *err);

#endif
