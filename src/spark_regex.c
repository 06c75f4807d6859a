/*
 * spark_regex.c - RegexTokenizer patterns through PCRE2 (tc_spark_regex.h): a checker
 * that admits the syntax java.util.regex and PCRE2 read alike, then pcre2_compile and
 * the JIT, then Java's split / find loops.
 */
#include "tc_spark_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

struct tc_spark_regex {
    pcre2_code *code;
};

struct tc_spark_regex_scratch {
    pcre2_match_data *md;
};

static tc_status refuse(char *err, size_t at, const char *what)
{
    return tc_fail(err, TC_EUNSUPPORTED,
                   "RegexTokenizer pattern: %s at offset %zu is not supported (Java's regex "
                   "and PCRE2 read it differently, or textclf does not check it)",
                   what, at);
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* An escape \c at p[i] (p[i] == '\\'): the escapes both read alike. */
static tc_status check_escape(const char *p, size_t len, size_t i, char *err)
{
    if (i + 1 >= len)
        return refuse(err, i, "a trailing backslash");
    const unsigned char c = (unsigned char)p[i + 1];
    if (strchr("sSwWdDtnrf", c) != NULL && c != '\0')
        return TC_OK;
    if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit((char)c)))
        return TC_OK;  /* an escaped ASCII punctuation character or space: itself */
    if (c == 'b' || c == 'B')
        return refuse(err, i, "\\b / \\B (Java 17's word boundary is Unicode-aware)");
    if (is_digit((char)c))
        return refuse(err, i, "a backreference or octal escape");
    return refuse(err, i, "this escape");
}

/* A {m}, {m,} or {m,n} quantifier at p[i]; *end receives the offset after '}'. */
static bool quantifier(const char *p, size_t len, size_t i, size_t *end)
{
    size_t j = i + 1, d = 0;
    while (j < len && is_digit(p[j]))
        j++, d++;
    if (d == 0)
        return false;
    if (j < len && p[j] == ',') {
        j++;
        while (j < len && is_digit(p[j]))
            j++;
    }
    if (j >= len || p[j] != '}')
        return false;
    *end = j + 1;
    return true;
}

/* A character class starting at p[i] == '['; *end receives the offset after its ']'. */
static tc_status check_class(const char *p, size_t len, size_t i, size_t *end, char *err)
{
    size_t j = i + 1;
    if (j < len && p[j] == '^')
        j++;
    if (j < len && p[j] == ']')
        return refuse(err, j, "']' first in a class");
    for (; j < len; j++) {
        char c = p[j];
        if (c == ']') {
            *end = j + 1;
            return TC_OK;
        }
        if (c == '[')
            return refuse(err, j, "'[' inside a class (Java unions, POSIX classes)");
        if (c == '&' && j + 1 < len && p[j + 1] == '&')
            return refuse(err, j, "'&&' in a class (Java intersections)");
        if (c == '\\') {
            tc_status st = check_escape(p, len, j, err);
            if (st != TC_OK)
                return st;
            j++;
        }
    }
    return refuse(err, i, "an unclosed '['");
}

static tc_status check_group(const char *p, size_t len, size_t i, char *err)
{
    if (i + 1 < len && p[i + 1] == '*')
        return refuse(err, i, "'(*' (PCRE2 verbs)");
    if (i + 1 >= len || p[i + 1] != '?')
        return TC_OK;
    static const char *const ok[] = {"(?:", "(?=", "(?!", "(?<=", "(?<!", "(?>"};
    for (size_t k = 0; k < sizeof ok / sizeof *ok; k++)
        if (len - i >= strlen(ok[k]) && memcmp(p + i, ok[k], strlen(ok[k])) == 0)
            return TC_OK;
    return refuse(err, i, "this '(?' group (inline flags, named groups, ...)");
}

static tc_status check_syntax(const char *p, size_t len, char *err)
{
    for (size_t i = 0; i < len;) {
        tc_status st = TC_OK;
        size_t next = i + 1;
        switch (p[i]) {
        case '\\':
            st = check_escape(p, len, i, err);
            next = i + 2;
            break;
        case '.':
            return refuse(err, i, "'.' (Java's excludes \\r, \\u0085, \\u2028 and \\u2029)");
        case '^':
        case '$':
            return refuse(err, i, "'^' / '$' (line ends differ)");
        case '[':
            st = check_class(p, len, i, &next, err);
            break;
        case '(':
            st = check_group(p, len, i, err);
            break;
        case '{':
            if (!quantifier(p, len, i, &next))
                return refuse(err, i, "a '{' that is not a {m}, {m,} or {m,n} quantifier");
            break;
        case '}':
        case ']':
            return refuse(err, i, "an unbalanced '}' or ']'");
        default:
            break;
        }
        if (st != TC_OK)
            return st;
        i = next;
    }
    return TC_OK;
}

tc_status tc_spark_regex_compile(const char *pattern, size_t len, tc_spark_regex **out,
                                 char *err)
{
    tc_status st = check_syntax(pattern, len, err);
    if (st != TC_OK)
        return st;
    int ec = 0;
    PCRE2_SIZE eo = 0;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, len,
                                     PCRE2_UTF | PCRE2_NEVER_UCP | PCRE2_NEVER_BACKSLASH_C, &ec,
                                     &eo, NULL);
    if (code == NULL) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(ec, msg, sizeof msg);
        return tc_fail(err, TC_EFORMAT, "RegexTokenizer pattern: %s at offset %zu", (char *)msg,
                       (size_t)eo);
    }
    uint32_t minlen = 0;
    if (pcre2_pattern_info(code, PCRE2_INFO_MINLENGTH, &minlen) != 0 || minlen == 0) {
        pcre2_code_free(code);
        return refuse(err, 0, "a pattern that can match the empty string");
    }
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  /* the interpreter if no JIT */
    tc_spark_regex *r = malloc(sizeof *r);
    if (r == NULL) {
        pcre2_code_free(code);
        return tc_fail(err, TC_ENOMEM, "out of memory");
    }
    r->code = code;
    *out = r;
    return TC_OK;
}

void tc_spark_regex_free(tc_spark_regex **r)
{
    if (r == NULL || *r == NULL)
        return;
    pcre2_code_free((*r)->code);
    free(*r);
    *r = NULL;
}

tc_spark_regex_scratch *tc_spark_regex_scratch_new(void)
{
    tc_spark_regex_scratch *s = malloc(sizeof *s);
    if (s != NULL && (s->md = pcre2_match_data_create(1, NULL)) == NULL) {
        free(s);
        s = NULL;
    }
    return s;
}

void tc_spark_regex_scratch_free(tc_spark_regex_scratch *s)
{
    if (s == NULL)
        return;
    pcre2_match_data_free(s->md);
    free(s);
}

tc_status tc_spark_regex_tokens(const tc_spark_regex *r, tc_spark_regex_scratch *s,
                                const char *text, size_t len, bool gaps, tc_token *tokens,
                                size_t *count, char *err)
{
    size_t n = 0, index = 0, pos = 0;
    bool matched = false;
    while (pos <= len) {
        int rc = pcre2_match(r->code, (PCRE2_SPTR)text, len, pos, PCRE2_NO_UTF_CHECK, s->md, NULL);
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc < 0)
            return tc_fail(err, TC_EINPUT, "RegexTokenizer pattern: PCRE2 error %d", rc);
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
        size_t ms = ov[0], me = ov[1];
        if (me <= ms)  /* refused at compile (minimum length 0); never loop */
            return tc_fail(err, TC_EINPUT, "RegexTokenizer pattern matched the empty string");
        matched = true;
        if (gaps)
            tokens[n++] = (tc_token){(uint32_t)index, (uint32_t)(ms - index)};
        else
            tokens[n++] = (tc_token){(uint32_t)ms, (uint32_t)(me - ms)};
        index = pos = me;
    }
    if (gaps) {
        tokens[n++] = (tc_token){(uint32_t)index, (uint32_t)(len - index)};
        if (matched)
            while (n > 0 && tokens[n - 1].len == 0)
                n--;
    }
    *count = n;
    return TC_OK;
}
