/*
 * py_class.c - Python re character sets spelled as PCRE2 classes (tc_py_class.h): a
 * bitmap for the code points listed explicitly, four flags for the \p{..} properties.
 */
#include "tc_py_class.h"

#include <stdlib.h>
#include <string.h>

#include "tc_utf8.h"

#define WORDS (TC_PY_CP_END / 64u)

struct tc_py_class {
    uint64_t bits[WORDS];
    bool ascii;
    bool word, not_word;    /* \p{Xwd} / \P{Xwd} (Unicode \w / \W) */
    bool digit, not_digit;  /* \p{Nd} / \P{Nd} (Unicode \d / \D) */
    bool negated;
};

/* str.isspace() (Python 3.11, Unicode 14.0.0): bidirectional class WS, B or S, or
 * category Zs. */
static const uint32_t UNI_SPACE[][2] = {
    {0x09, 0x0D}, {0x1C, 0x20}, {0x85, 0x85}, {0xA0, 0xA0}, {0x1680, 0x1680},
    {0x2000, 0x200A}, {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F},
    {0x3000, 0x3000}};
/* (?a): Py_ISSPACE, Py_ISDIGIT, Py_ISALNUM + '_' */
static const uint32_t ASCII_SPACE[][2] = {{0x09, 0x0D}, {0x20, 0x20}};
static const uint32_t ASCII_DIGIT[][2] = {{0x30, 0x39}};
static const uint32_t ASCII_WORD[][2] = {{0x30, 0x39}, {0x41, 0x5A}, {0x5F, 0x5F}, {0x61, 0x7A}};

tc_py_class *tc_py_class_new(void) { return calloc(1, sizeof(tc_py_class)); }

void tc_py_class_free(tc_py_class **c)
{
    if (c == NULL)
        return;
    free(*c);
    *c = NULL;
}

void tc_py_class_reset(tc_py_class *c, bool ascii)
{
    memset(c, 0, sizeof *c);
    c->ascii = ascii;
}

void tc_py_class_add_range(tc_py_class *c, uint32_t lo, uint32_t hi)
{
    for (uint32_t cp = lo; cp <= hi && cp < TC_PY_CP_END;) {
        if ((cp & 63u) == 0 && hi - cp >= 63u) {  /* whole words at once */
            c->bits[cp >> 6] = ~(uint64_t)0;
            cp += 64;
        } else {
            c->bits[cp >> 6] |= (uint64_t)1 << (cp & 63u);
            cp++;
        }
    }
    /* surrogates are not text: never listed (PCRE2's UTF mode refuses them) */
    for (uint32_t cp = 0xD800; cp <= 0xDFFF; cp += 64)
        c->bits[cp >> 6] = 0;
}

static bool has_bit(const tc_py_class *c, uint32_t cp)
{
    return (c->bits[cp >> 6] >> (cp & 63u)) & 1u;
}

/* Adds the ranges tab[0..n), or (negated) every code point outside them. */
static void add_table(tc_py_class *c, const uint32_t (*tab)[2], size_t n, bool negated)
{
    uint32_t next = 0;
    for (size_t i = 0; i < n; i++) {
        if (!negated)
            tc_py_class_add_range(c, tab[i][0], tab[i][1]);
        else if (tab[i][0] > next)
            tc_py_class_add_range(c, next, tab[i][0] - 1);
        next = tab[i][1] + 1;
    }
    if (negated)
        tc_py_class_add_range(c, next, TC_PY_CP_END - 1);
}

#define TAB(t) (t), (sizeof(t) / sizeof *(t))

void tc_py_class_add_category(tc_py_class *c, tc_py_category cat, bool negated)
{
    if (cat == TC_PY_SPACE) {
        if (c->ascii)
            add_table(c, TAB(ASCII_SPACE), negated);
        else
            add_table(c, TAB(UNI_SPACE), negated);
    } else if (c->ascii) {
        if (cat == TC_PY_WORD)
            add_table(c, TAB(ASCII_WORD), negated);
        else
            add_table(c, TAB(ASCII_DIGIT), negated);
    } else if (cat == TC_PY_WORD) {
        *(negated ? &c->not_word : &c->word) = true;
    } else {
        *(negated ? &c->not_digit : &c->digit) = true;
    }
}

void tc_py_class_negate(tc_py_class *c) { c->negated = !c->negated; }

bool tc_py_class_has_ascii(const tc_py_class *c, unsigned char ch)
{
    const bool w = (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
                   (ch >= 'a' && ch <= 'z') || ch == '_';
    const bool d = ch >= '0' && ch <= '9';
    bool in = has_bit(c, ch) || (c->word && w) || (c->not_word && !w) || (c->digit && d) ||
              (c->not_digit && !d);
    return in != c->negated;
}

/* The first code point >= cp whose bit is `set`, or TC_PY_CP_END. */
static uint32_t next_with(const tc_py_class *c, uint32_t cp, bool set)
{
    while (cp < TC_PY_CP_END) {
        uint64_t w = c->bits[cp >> 6];
        if (!set)
            w = ~w;
        w &= ~(uint64_t)0 << (cp & 63u);
        if (w != 0)
            return (cp & ~63u) + (uint32_t)__builtin_ctzll(w);
        cp = (cp & ~63u) + 64;
    }
    return TC_PY_CP_END;
}

bool tc_py_class_emit(const tc_py_class *c, tc_buf *out)
{
    const bool props = c->word || c->not_word || c->digit || c->not_digit;
    uint32_t lo = next_with(c, 0, true);
    if (!props && lo == TC_PY_CP_END)  /* no code point: "[]" would not parse */
        return tc_buf_append_str(out, c->negated ? "[\\x{0}-\\x{10ffff}]"
                                                 : "[^\\x{0}-\\x{10ffff}]");
    bool ok = tc_buf_append_str(out, c->negated ? "[^" : "[");
    if (c->word)
        ok = ok && tc_buf_append_str(out, "\\p{Xwd}");
    if (c->not_word)
        ok = ok && tc_buf_append_str(out, "\\P{Xwd}");
    if (c->digit)
        ok = ok && tc_buf_append_str(out, "\\p{Nd}");
    if (c->not_digit)
        ok = ok && tc_buf_append_str(out, "\\P{Nd}");
    while (ok && lo < TC_PY_CP_END) {
        const uint32_t end = next_with(c, lo, false);
        if (end == lo + 1)
            ok = tc_buf_printf(out, "\\x{%x}", (unsigned)lo);
        else
            ok = tc_buf_printf(out, "\\x{%x}-\\x{%x}", (unsigned)lo, (unsigned)(end - 1));
        lo = next_with(c, end, true);
    }
    return ok && tc_buf_append_char(out, ']');
}

/* ---- the pattern's syntax ----------------------------------------------------------- */

typedef struct cursor {
    const char *p;
    size_t len, i;
    char *err;
} cursor;

tc_status tc_py_refuse(char *err, size_t at, const char *what)
{
    return tc_fail(err, TC_EUNSUPPORTED, "token_pattern: %s at offset %zu is not supported",
                   what, at);
}

#define refuse tc_py_refuse

/* One code point of the pattern at ps->i, advancing past it. */
static uint32_t next_cp(cursor *ps) { return tc_utf8_next(ps->p, ps->len, &ps->i); }

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }


/* \x \u \U: exactly n hex digits after the letter (Python's "incomplete escape"). */
static tc_status hex_escape(cursor *ps, size_t at, unsigned n, tc_py_escape *e)
{
    uint32_t v = 0;
    for (unsigned k = 0; k < n; k++) {
        if (ps->i >= ps->len || !is_hex(ps->p[ps->i]))
            return refuse(ps->err, at, "an incomplete \\x, \\u or \\U escape");
        const char c = ps->p[ps->i++];
        v = v * 16 + (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
        if (v > 0x10FFFF)
            return refuse(ps->err, at, "an escape above U+10FFFF");
    }
    if (v >= 0xD800 && v <= 0xDFFF)
        return refuse(ps->err, at, "a surrogate code point (UTF-8 text holds none)");
    e->kind = TC_PY_ESC_CHAR;
    e->cp = v;
    return TC_OK;
}

/* The escape at ps->i (p[i] == '\\'), as _escape (outside a class) or _class_escape
 * read it. */
static tc_status parse_escape(cursor *ps, bool in_class, tc_py_escape *e)
{
    const size_t at = ps->i++;
    if (ps->i >= ps->len)
        return refuse(ps->err, at, "a trailing backslash");
    const char c = ps->p[ps->i];
    static const char cats[] = "wWdDsS";
    const char *k = c != '\0' ? strchr(cats, c) : NULL;
    uint32_t control = 0;
    switch (c) {
    case 'a': control = 7; break;
    case 'f': control = 12; break;
    case 'n': control = 10; break;
    case 'r': control = 13; break;
    case 't': control = 9; break;
    case 'v': control = 11; break;
    case '\\': control = '\\'; break;
    default: break;
    }
    if (control != 0) {
        ps->i++;
        e->kind = TC_PY_ESC_CHAR;
        e->cp = control;
        return TC_OK;
    }
    if (k != NULL) {
        const long n = k - cats;
        ps->i++;
        e->kind = TC_PY_ESC_CATEGORY;
        e->cat = n / 2 == 0 ? TC_PY_WORD : n / 2 == 1 ? TC_PY_DIGIT : TC_PY_SPACE;
        e->negated = n % 2 == 1;
        return TC_OK;
    }
    if (in_class && c == 'b') {  /* backspace inside a class */
        ps->i++;
        e->kind = TC_PY_ESC_CHAR;
        e->cp = 8;
        return TC_OK;
    }
    if (!in_class && (c == 'A' || c == 'Z' || c == 'b' || c == 'B')) {
        ps->i++;
        e->kind = TC_PY_ESC_ANCHOR;
        e->anchor = c;
        return TC_OK;
    }
    if (c == 'x' || c == 'u' || c == 'U') {
        ps->i++;
        return hex_escape(ps, at, c == 'x' ? 2 : c == 'u' ? 4 : 8, e);
    }
    if (c == 'N')
        return refuse(ps->err, at, "a \\N{...} named character");
    if (c >= '0' && c <= '9')
        return refuse(ps->err, at, "a backreference or octal escape");
    if (is_ascii_letter(c))
        return refuse(ps->err, at, "an unknown escape (Python's \"bad escape\")");
    e->kind = TC_PY_ESC_CHAR;  /* any other character stands for itself */
    e->cp = next_cp(ps);
    return TC_OK;
}


tc_status tc_py_escape_parse(const char *p, size_t len, size_t *i, bool in_class,
                             tc_py_escape *e, char *err)
{
    cursor cur = {p, len, *i, err};
    tc_status st = parse_escape(&cur, in_class, e);
    *i = cur.i;
    return st;
}

/* One item of a class: a character or a category escape. */
static tc_status class_item(cursor *ps, tc_py_escape *e)
{
    if (ps->p[ps->i] == '\\')
        return parse_escape(ps, true, e);
    e->kind = TC_PY_ESC_CHAR;
    e->cp = next_cp(ps);
    return TC_OK;
}

static void add_item(tc_py_class *c, const tc_py_escape *e)
{
    if (e->kind == TC_PY_ESC_CHAR)
        tc_py_class_add_range(c, e->cp, e->cp);
    else
        tc_py_class_add_category(c, e->cat, e->negated);
}

tc_status tc_py_class_parse(tc_py_class *c, bool ascii, const char *p, size_t len, size_t *i,
                            char *err)
{
    cursor cur = {p, len, *i, err}, *ps = &cur;
    const size_t at = ps->i++;
    tc_py_class_reset(c, ascii);
    const bool negate = ps->i < ps->len && ps->p[ps->i] == '^';
    ps->i += negate;
    tc_status st = TC_OK;
    for (bool any = false;; any = true) {
        if (ps->i >= ps->len)
            return refuse(ps->err, at, "an unterminated character class");
        if (ps->p[ps->i] == ']' && any) {
            ps->i++;
            break;
        }
        tc_py_escape a, b;
        if ((st = class_item(ps, &a)) != TC_OK)
            return st;
        if (ps->i >= ps->len || ps->p[ps->i] != '-') {
            add_item(c, &a);
            continue;
        }
        const size_t dash = ps->i++;
        if (ps->i >= ps->len)
            return refuse(ps->err, at, "an unterminated character class");
        if (ps->p[ps->i] == ']') {
            add_item(c, &a);
            tc_py_class_add_range(c, '-', '-');
            ps->i++;
            break;
        }
        if ((st = class_item(ps, &b)) != TC_OK)
            return st;
        if (a.kind != TC_PY_ESC_CHAR || b.kind != TC_PY_ESC_CHAR)
            return refuse(ps->err, dash, "a range with a class escape at an end");
        if (b.cp < a.cp)
            return refuse(ps->err, dash, "a reversed range");
        tc_py_class_add_range(c, a.cp, b.cp);
    }
    if (negate)
        tc_py_class_negate(c);
    *i = ps->i;
    return TC_OK;
}

bool tc_py_class_emit_boundary(tc_py_class *c, bool ascii, bool boundary, tc_buf *out)
{
    tc_buf w = TC_BUF_INIT;
    tc_py_class_reset(c, ascii);
    tc_py_class_add_category(c, TC_PY_WORD, false);
    bool ok = tc_py_class_emit(c, &w);
    const char *W = w.data;
    if (ok)  /* a boundary: a word character on exactly one side */
        ok = boundary ? tc_buf_printf(out, "(?:(?<=%s)(?!%s)|(?<!%s)(?=%s))", W, W, W, W)
                      : tc_buf_printf(out, "(?:(?<=%s)(?=%s)|(?<!%s)(?!%s))", W, W, W, W);
    tc_buf_free(&w);
    return ok;
}
