/*
 * py_regex.c - scikit-learn token patterns through PCRE2 (tc_py_regex.h): a recursive
 * descent parser that follows Python 3.11's re/_parser.py where it reads a construct,
 * writes the PCRE2 equivalent as it goes, and works out what a match must hold (its
 * minimum width, whether group 1 is always set, whether a token can hold a separator).
 */
#include "tc_py_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_buf.h"
#include "tc_py_class.h"
#include "tc_unicode.h"
#include "tc_utf8.h"

#define NONE SIZE_MAX
#define WIDTH_CAP ((uint64_t)1 << 40)  /* minimum widths saturate here */
#define REPEAT_MAX 65535u              /* PCRE2's largest repeat count */

struct tc_py_regex {
    pcre2_code *code;
    char *translation;
    unsigned groups;
};

struct tc_py_regex_scratch {
    pcre2_match_data *md;
    pcre2_match_context *mc;
    pcre2_jit_stack *stack;
};

typedef struct parser {
    const char *p;
    size_t len, i;
    bool ascii, multiline, dotall;
    tc_buf out;
    tc_py_class *cls;
    unsigned depth, look;       /* group and lookaround nesting */
    bool items;                 /* something parsed: global flags come too late */
    bool top_alt;               /* a '|' at the top level */
    unsigned groups;
    bool in_group1;
    bool group1_ok;             /* top level and not quantified */
    uint64_t group1_width;
    size_t group1_at;
    size_t sep_any, sep_group1; /* first atom that can consume a separator; NONE */
    char *err;
} parser;

typedef enum atom_kind { ATOM_CHAR, ATOM_GROUP, ATOM_ZERO, ATOM_NOTHING } atom_kind;

static tc_status refuse(parser *ps, size_t at, const char *what)
{
    return tc_py_refuse(ps->err, at, what);
}

/* One code point of the pattern at ps->i, advancing past it. */
static uint32_t next_cp(parser *ps) { return tc_utf8_next(ps->p, ps->len, &ps->i); }

static tc_status nomem(parser *ps) { return tc_fail(ps->err, TC_ENOMEM, "out of memory"); }

static tc_status emit(parser *ps, const char *s)
{
    return tc_buf_append_str(&ps->out, s) ? TC_OK : nomem(ps);
}

/* Notes where a consuming atom at `at` that may match a separator lies. */
static void note_separator(parser *ps, size_t at, bool may)
{
    if (!may || ps->look > 0)
        return;
    if (ps->sep_any == NONE)
        ps->sep_any = at;
    if (ps->in_group1 && ps->sep_group1 == NONE)
        ps->sep_group1 = at;
}

static bool is_separator(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r';
}

static tc_status emit_set(parser *ps, size_t at)
{
    const tc_py_class *c = ps->cls;
    note_separator(ps, at, tc_py_class_has_ascii(c, ' ') || tc_py_class_has_ascii(c, '\t') ||
                               tc_py_class_has_ascii(c, '\n') || tc_py_class_has_ascii(c, '\r'));
    return tc_py_class_emit(c, &ps->out) ? TC_OK : nomem(ps);
}

static tc_status emit_char(parser *ps, size_t at, uint32_t cp)
{
    note_separator(ps, at, is_separator(cp));
    return tc_buf_printf(&ps->out, "\\x{%x}", (unsigned)cp) ? TC_OK : nomem(ps);
}

/* Global flags "(?aimsuxL)" at ps->i (after "(?"), up to and with ')'. */
static tc_status parse_flags(parser *ps, size_t at)
{
    bool a = false, u = false;
    for (; ps->i < ps->len && ps->p[ps->i] != ')'; ps->i++) {
        switch (ps->p[ps->i]) {
        case 'a': a = true; break;
        case 'u': u = true; break;
        case 'm': ps->multiline = true; break;
        case 's': ps->dotall = true; break;
        case 'i':
            return refuse(ps, at, "the flag (?i) (Python's and PCRE2's Unicode case-insensitive "
                                  "matching are not shown to agree; lowercase the pattern)");
        case 'x':
            return refuse(ps, at, "the flag (?x) (verbose patterns are not translated)");
        case 'L':
            return refuse(ps, at, "the flag (?L) (Python refuses it with a str pattern)");
        case '-':
        case ':':
            return refuse(ps, at, "a scoped inline flag group (?flags:...)");
        default:
            return refuse(ps, at, "this '(?' group");
        }
    }
    if (ps->i >= ps->len)
        return refuse(ps, at, "an unterminated '(?'");
    ps->i++;
    if (a && u)
        return refuse(ps, at, "(?a) with (?u) (Python refuses them together)");
    if (ps->depth > 0 || ps->items || ps->top_alt)
        return refuse(ps, at, "inline flags after the start of the pattern");
    ps->ascii = ps->ascii || a;
    return TC_OK;
}

static tc_status parse_alternation(parser *ps, uint64_t *width);

/* A group at ps->i == '('. kind: ATOM_GROUP (quantifiable), ATOM_ZERO (a lookaround),
 * ATOM_NOTHING (global flags). */
static tc_status parse_group(parser *ps, atom_kind *kind, uint64_t *width)
{
    const size_t at = ps->i++;
    const char *q = ps->p + ps->i;
    const size_t rest = ps->len - ps->i;
    bool capture = false, look = false;
    const char *open = "(?:";
    if (rest >= 1 && q[0] != '?') {
        capture = true;
        open = "(";
    } else if (rest >= 2 && q[1] == ':') {
        ps->i += 2;
    } else if (rest >= 2 && q[1] == '>') {
        ps->i += 2, open = "(?>";
    } else if (rest >= 2 && (q[1] == '=' || q[1] == '!')) {
        ps->i += 2, look = true, open = q[1] == '=' ? "(?=" : "(?!";
    } else if (rest >= 3 && q[1] == '<' && (q[2] == '=' || q[2] == '!')) {
        ps->i += 3, look = true, open = q[2] == '=' ? "(?<=" : "(?<!";
    } else if (rest >= 3 && q[1] == 'P' && q[2] == '<') {
        const char *gt = memchr(q + 3, '>', rest - 3);
        if (gt == NULL || gt == q + 3)
            return refuse(ps, at, "a malformed (?P<name> group");
        ps->i += (size_t)(gt - q) + 1, capture = true, open = "(";
    } else if (rest >= 2 && q[1] == 'P') {
        return refuse(ps, at, "a (?P=name) backreference");
    } else if (rest >= 2 && q[1] == '#') {
        return refuse(ps, at, "a (?#...) comment");
    } else if (rest >= 2 && q[1] == '(') {
        return refuse(ps, at, "a conditional (?(...)...)");
    } else if (rest >= 2 && strchr("aimsuxL-", q[1]) != NULL && q[1] != '\0') {
        ps->i += 1;
        *kind = ATOM_NOTHING;
        *width = 0;
        return parse_flags(ps, at);
    } else if (rest >= 1) {
        return refuse(ps, at, "this '(?' group");
    }
    if (capture && ++ps->groups > 1)
        return refuse(ps, at, "a second capturing group (scikit-learn refuses more than one)");
    const bool outer_group1 = ps->in_group1;
    if (capture) {
        ps->in_group1 = true;
        ps->group1_ok = ps->depth == 0 && ps->look == 0;
        ps->group1_at = at;
    }
    tc_status st = emit(ps, open);
    ps->depth++;
    ps->look += look;
    if (st == TC_OK)
        st = parse_alternation(ps, width);
    ps->depth--;
    ps->look -= look;
    if (st != TC_OK)
        return st;
    if (ps->i >= ps->len || ps->p[ps->i] != ')')
        return refuse(ps, at, "an unterminated group");
    ps->i++;
    if (capture) {
        ps->in_group1 = outer_group1;
        ps->group1_width = *width;
    }
    *kind = look ? ATOM_ZERO : ATOM_GROUP;
    if (look)
        *width = 0;
    return emit(ps, ")");
}

/* A {m}, {m,}, {,n}, {m,n} or {,} quantifier at ps->p[i] == '{' (Python reads any other
 * '{' as itself). Sets *end past '}'. */
static bool brace_quantifier(const parser *ps, size_t i, uint64_t *lo, uint64_t *hi,
                             size_t *end)
{
    size_t j = i + 1, dl = 0, dh = 0;
    uint64_t a = 0, b = 0;
    for (; j < ps->len && ps->p[j] >= '0' && ps->p[j] <= '9'; j++, dl++)
        a = a < WIDTH_CAP ? a * 10 + (uint64_t)(ps->p[j] - '0') : a;
    const bool comma = j < ps->len && ps->p[j] == ',';
    if (comma)
        for (j++; j < ps->len && ps->p[j] >= '0' && ps->p[j] <= '9'; j++, dh++)
            b = b < WIDTH_CAP ? b * 10 + (uint64_t)(ps->p[j] - '0') : b;
    if (j >= ps->len || ps->p[j] != '}' || (dl == 0 && !comma))
        return false;
    *lo = a;
    *hi = comma ? (dh > 0 ? b : UINT64_MAX) : a;
    *end = j + 1;
    return true;
}

static bool quantifier_at(const parser *ps, size_t i, uint64_t *lo, uint64_t *hi, size_t *end)
{
    if (i >= ps->len)
        return false;
    const char c = ps->p[i];
    *end = i + 1;
    if (c == '*' || c == '+' || c == '?') {
        *lo = c == '+';
        *hi = c == '?' ? 1 : UINT64_MAX;
        return true;
    }
    return c == '{' && brace_quantifier(ps, i, lo, hi, end);
}

/* The quantifier after an atom of `kind` whose output starts at `start`. */
static tc_status parse_quantifier(parser *ps, atom_kind kind, bool was_group1, uint64_t *width)
{
    uint64_t lo = 0, hi = 0;
    size_t end = 0;
    const size_t at = ps->i;
    if (!quantifier_at(ps, ps->i, &lo, &hi, &end))
        return TC_OK;
    if (kind == ATOM_ZERO)
        return refuse(ps, at, "a quantifier on an anchor or lookaround");
    if (kind == ATOM_NOTHING)
        return refuse(ps, at, "a quantifier with nothing to repeat");
    if (lo > REPEAT_MAX || (hi != UINT64_MAX && hi > REPEAT_MAX))
        return refuse(ps, at, "a repeat count above 65535 (PCRE2's limit)");
    if (hi < lo)
        return refuse(ps, at, "a {m,n} quantifier with n < m");
    ps->i = end;
    if (was_group1)
        ps->group1_ok = false;
    bool ok = hi == UINT64_MAX ? tc_buf_printf(&ps->out, "{%u,}", (unsigned)lo)
                               : tc_buf_printf(&ps->out, "{%u,%u}", (unsigned)lo, (unsigned)hi);
    if (ps->i < ps->len && ps->p[ps->i] == '+' && kind == ATOM_GROUP)
        return refuse(ps, ps->i, "a possessive quantifier on a group (Python 3.11's does not "
                                 "backtrack inside the group as the atomic group would)");
    if (ps->i < ps->len && (ps->p[ps->i] == '?' || ps->p[ps->i] == '+'))
        ok = ok && tc_buf_append_char(&ps->out, ps->p[ps->i++]);  /* lazy or possessive */
    if (!ok)
        return nomem(ps);
    if (quantifier_at(ps, ps->i, &lo, &hi, &end))
        return refuse(ps, ps->i, "a quantifier after a quantifier (Python's \"multiple repeat\")");
    *width = *width * lo < WIDTH_CAP ? *width * lo : WIDTH_CAP;
    return TC_OK;
}

/* One atom and its quantifier. */
static tc_status parse_item(parser *ps, uint64_t *width)
{
    const size_t at = ps->i;
    const char c = ps->p[at];
    atom_kind kind = ATOM_CHAR;
    tc_status st = TC_OK;
    uint64_t lo, hi;
    size_t end;
    *width = 1;
    if (c == '(') {
        const unsigned groups_before = ps->groups;
        st = parse_group(ps, &kind, width);
        if (st == TC_OK)
            st = parse_quantifier(ps, kind, ps->groups > groups_before, width);
        if (st == TC_OK && kind != ATOM_NOTHING)
            ps->items = true;
        return st;
    }
    if (quantifier_at(ps, at, &lo, &hi, &end))
        return refuse(ps, at, "a quantifier with nothing to repeat");
    if (c == '[') {
        st = tc_py_class_parse(ps->cls, ps->ascii, ps->p, ps->len, &ps->i, ps->err);
        if (st == TC_OK)
            st = emit_set(ps, at);
    } else if (c == '.') {
        ps->i++;
        tc_py_class_reset(ps->cls, ps->ascii);
        if (!ps->dotall)
            tc_py_class_add_range(ps->cls, '\n', '\n');
        tc_py_class_negate(ps->cls);
        st = emit_set(ps, at);
    } else if (c == '^' || c == '$') {
        ps->i++;
        kind = ATOM_ZERO;
        st = emit(ps, c == '^' ? (ps->multiline ? "(?:\\A|(?<=\\x{a}))" : "\\A")
                               : (ps->multiline ? "(?=\\x{a}|\\z)" : "(?=\\x{a}?\\z)"));
    } else if (c == '\\') {
        tc_py_escape e;
        if ((st = tc_py_escape_parse(ps->p, ps->len, &ps->i, false, &e, ps->err)) != TC_OK)
            return st;
        if (e.kind == TC_PY_ESC_CHAR) {
            st = emit_char(ps, at, e.cp);
        } else if (e.kind == TC_PY_ESC_CATEGORY) {
            tc_py_class_reset(ps->cls, ps->ascii);
            tc_py_class_add_category(ps->cls, e.cat, e.negated);
            st = emit_set(ps, at);
        } else {
            kind = ATOM_ZERO;
            st = e.anchor == 'A'   ? emit(ps, "\\A")
                 : e.anchor == 'Z' ? emit(ps, "\\z")
                 : tc_py_class_emit_boundary(ps->cls, ps->ascii, e.anchor == 'b', &ps->out)
                     ? TC_OK
                     : nomem(ps);
        }
    } else {
        st = emit_char(ps, at, next_cp(ps));
    }
    if (kind == ATOM_ZERO)
        *width = 0;
    ps->items = true;
    return st == TC_OK ? parse_quantifier(ps, kind, false, width) : st;
}

/* Items up to '|', ')' or the end; *width: the sum of their minimum widths. */
static tc_status parse_sequence(parser *ps, uint64_t *width)
{
    *width = 0;
    while (ps->i < ps->len && ps->p[ps->i] != '|' && ps->p[ps->i] != ')') {
        uint64_t w = 0;
        tc_status st = parse_item(ps, &w);
        if (st != TC_OK)
            return st;
        *width = *width + w < WIDTH_CAP ? *width + w : WIDTH_CAP;
    }
    return TC_OK;
}

/* Sequences separated by '|'; *width: the least of theirs. */
static tc_status parse_alternation(parser *ps, uint64_t *width)
{
    tc_status st = parse_sequence(ps, width);
    while (st == TC_OK && ps->i < ps->len && ps->p[ps->i] == '|') {
        if (ps->depth == 0)
            ps->top_alt = true;
        ps->i++;
        uint64_t w = 0;
        if ((st = emit(ps, "|")) == TC_OK && (st = parse_sequence(ps, &w)) == TC_OK && w < *width)
            *width = w;
    }
    return st;
}

/* The whole pattern: parsed and translated into ps->out, then what a match must hold. */
static tc_status translate(parser *ps)
{
    uint64_t width = 0;
    tc_status st = parse_alternation(ps, &width);
    if (st != TC_OK)
        return st;
    if (ps->i < ps->len)
        return refuse(ps, ps->i, "an unbalanced ')'");
    if (width == 0)
        return refuse(ps, 0, "a pattern that can match the empty string (scikit-learn would "
                             "count empty tokens)");
    if (ps->groups == 1 && (!ps->group1_ok || ps->top_alt))
        return refuse(ps, ps->group1_at, "a capturing group that can be unset in a match (it "
                                         "must be at the top level, unquantified, outside any "
                                         "'|' and lookaround)");
    if (ps->groups == 1 && ps->group1_width == 0)
        return refuse(ps, ps->group1_at, "a capturing group that can match the empty string");
    const size_t sep = ps->groups == 1 ? ps->sep_group1 : ps->sep_any;
    if (sep != NONE)
        return refuse(ps, sep, "a token that can hold a space, TAB, CR or LF (textclf's "
                               "vocabulary joins n-grams with spaces and holds no TAB, CR or LF)");
    return TC_OK;
}

/* Unicode categories are PCRE2 properties: its tables must be textclf's version. */
static tc_status check_unicode_version(char *err)
{
    char v[32] = "";
    if (pcre2_config(PCRE2_CONFIG_UNICODE_VERSION, v) < 0 || strcmp(v, TC_UNICODE_VERSION) != 0)
        return tc_fail(err, TC_EUNSUPPORTED, "token_pattern: PCRE2's Unicode tables are version "
                       "%s, textclf's %s: \\w and \\d could differ", v, TC_UNICODE_VERSION);
    return TC_OK;
}

tc_status tc_py_regex_compile(const char *pattern, size_t len, tc_py_regex **out, char *err)
{
    size_t bad = 0;
    if (len > TC_PY_REGEX_MAX_LEN)
        return tc_fail(err, TC_EUNSUPPORTED, "token_pattern: longer than %u bytes",
                       TC_PY_REGEX_MAX_LEN);
    if (!tc_utf8_valid(pattern, len, &bad))
        return tc_fail(err, TC_EFORMAT, "token_pattern: invalid UTF-8 at byte %zu", bad);
    tc_status st = check_unicode_version(err);
    if (st != TC_OK)
        return st;
    parser ps;
    memset(&ps, 0, sizeof ps);
    ps.p = pattern;
    ps.len = len;
    ps.sep_any = ps.sep_group1 = NONE;
    ps.err = err;
    tc_py_regex *r = calloc(1, sizeof *r);
    ps.cls = tc_py_class_new();
    if (r == NULL || ps.cls == NULL)
        st = tc_fail(err, TC_ENOMEM, "out of memory");
    if (st == TC_OK)
        st = translate(&ps);
    if (st == TC_OK && ps.out.data == NULL)
        st = tc_fail(err, TC_ENOMEM, "out of memory");
    if (st == TC_OK) {
        int ec = 0;
        PCRE2_SIZE eo = 0;
        r->code = pcre2_compile((PCRE2_SPTR)ps.out.data, ps.out.len,
                                PCRE2_UTF | PCRE2_NEVER_BACKSLASH_C | PCRE2_NO_UTF_CHECK, &ec,
                                &eo, NULL);
        if (r->code == NULL) {  /* e.g. a lookbehind of varying width, as Python says */
            PCRE2_UCHAR msg[160];
            pcre2_get_error_message(ec, msg, sizeof msg);
            st = tc_fail(err, TC_EUNSUPPORTED, "token_pattern: PCRE2 refuses its translation: %s",
                         (char *)msg);
        }
    }
    tc_py_class_free(&ps.cls);
    if (st != TC_OK) {
        tc_buf_free(&ps.out);
        tc_py_regex_free(&r);
        return st;
    }
    (void)pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE);  /* the interpreter if no JIT */
    r->translation = tc_buf_steal(&ps.out, NULL);
    r->groups = ps.groups;
    *out = r;
    return TC_OK;
}

void tc_py_regex_free(tc_py_regex **r)
{
    if (r == NULL || *r == NULL)
        return;
    pcre2_code_free((*r)->code);
    free((*r)->translation);
    free(*r);
    *r = NULL;
}

const char *tc_py_regex_translation(const tc_py_regex *r) { return r->translation; }

unsigned tc_py_regex_groups(const tc_py_regex *r) { return r->groups; }

tc_py_regex_scratch *tc_py_regex_scratch_new(void)
{
    tc_py_regex_scratch *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    /* a JIT stack that grows to 1 MiB (the default is 32 KiB on the machine stack);
     * matches that need more run in the interpreter (tc_py_regex_tokens) */
    s->md = pcre2_match_data_create(2, NULL);
    s->mc = pcre2_match_context_create(NULL);
    s->stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
    if (s->md == NULL || s->mc == NULL || s->stack == NULL) {
        tc_py_regex_scratch_free(s);
        return NULL;
    }
    pcre2_jit_stack_assign(s->mc, NULL, s->stack);
    return s;
}

void tc_py_regex_scratch_free(tc_py_regex_scratch *s)
{
    if (s == NULL)
        return;
    pcre2_match_data_free(s->md);
    pcre2_match_context_free(s->mc);
    pcre2_jit_stack_free(s->stack);
    free(s);
}

tc_status tc_py_regex_tokens(const tc_py_regex *r, tc_py_regex_scratch *s, const char *text,
                             size_t len, tc_token *tokens, size_t *count, char *err)
{
    size_t n = 0, pos = 0;
    while (pos < len) {  /* every match holds a character: none starts at the end */
        int rc = pcre2_match(r->code, (PCRE2_SPTR)text, len, pos, PCRE2_NO_UTF_CHECK, s->md,
                             s->mc);
        if (rc == PCRE2_ERROR_JIT_STACKLIMIT)  /* a long repeat of a group: the interpreter
                                                  keeps its backtracking frames on the heap */
            rc = pcre2_match(r->code, (PCRE2_SPTR)text, len, pos, PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT,
                             s->md, s->mc);
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc < 0) {
            PCRE2_UCHAR msg[160];
            pcre2_get_error_message(rc, msg, sizeof msg);
            return tc_fail(err, TC_EINPUT, "token_pattern: PCRE2 gave up at byte %zu: %s", pos,
                           (char *)msg);
        }
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
        const size_t k = r->groups;  /* the token: group 1 if there is one */
        if (ov[1] <= ov[0] || (size_t)rc <= k || ov[2 * k] == PCRE2_UNSET ||
            ov[2 * k + 1] <= ov[2 * k])  /* refused at compile; never loop or count "" */
            return tc_fail(err, TC_EINPUT, "token_pattern matched an empty token");
        tokens[n++] = (tc_token){(uint32_t)ov[2 * k], (uint32_t)(ov[2 * k + 1] - ov[2 * k])};
        pos = ov[1];
    }
    *count = n;
    return TC_OK;
}
