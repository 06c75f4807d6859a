/* codec.c - request decoding and response encoding (see tc_codec.h). */
/* memrchr is a GNU extension (glibc, musl) */
#define _GNU_SOURCE 1
#include "tc_codec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_utf8.h"

/* ---- media types ------------------------------------------------------------------------ */

const char *tc_format_mime(tc_format f)
{
    switch (f) {
    case TC_FMT_TEXT: return "text/plain";
    case TC_FMT_CSV: return "text/csv";
    case TC_FMT_JSON: return "application/json";
    case TC_FMT_JSONLINES: return "application/jsonlines";
    }
    return "application/octet-stream";
}

static int lower_ascii(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool eq_ci(const char *a, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower_ascii((unsigned char)a[i]) != lit[i])
            return false;
    return true;
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* Trims optional whitespace around s[*b..*e). */
static void trim(const char *s, size_t *b, size_t *e)
{
    while (*b < *e && is_ows(s[*b]))
        (*b)++;
    while (*e > *b && is_ows(s[*e - 1]))
        (*e)--;
}

typedef struct media_names {
    const char *name;
    int fmt;  /* tc_format, or -1 */
} media_names;

/* Request types; the response side accepts the same names minus TEXT. */
static const media_names k_types[] = {
    {"text/plain", TC_FMT_TEXT},
    {"application/x-www-form-urlencoded", TC_FMT_TEXT},
    {"text/csv", TC_FMT_CSV},
    {"application/csv", TC_FMT_CSV},
    {"application/json", TC_FMT_JSON},
    {"application/jsonlines", TC_FMT_JSONLINES},
    {"application/jsonl", TC_FMT_JSONLINES},
    {"application/x-jsonlines", TC_FMT_JSONLINES},
    {"application/x-ndjson", TC_FMT_JSONLINES},
};

static int lookup_type(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof k_types / sizeof *k_types; i++)
        if (eq_ci(s, n, k_types[i].name))
            return k_types[i].fmt;
    return -1;
}

/* Parameter "name=value" in s[b..e): value unquoted into (*vb, *ve). */
static bool param_split(const char *s, size_t b, size_t e, size_t *nb, size_t *ne,
                        size_t *vb, size_t *ve)
{
    const char *eq = memchr(s + b, '=', e - b);
    if (eq == NULL)
        return false;
    *nb = b;
    *ne = (size_t)(eq - s);
    *vb = *ne + 1;
    *ve = e;
    trim(s, nb, ne);
    trim(s, vb, ve);
    if (*ve - *vb >= 2 && s[*vb] == '"' && s[*ve - 1] == '"') {
        (*vb)++;
        (*ve)--;
    }
    return true;
}

tc_status tc_codec_request_format(const char *ct, tc_format *out, char *err)
{
    if (ct == NULL || ct[0] == '\0') {
        *out = TC_FMT_TEXT;
        return TC_OK;
    }
    size_t n = strlen(ct);
    const char *semi = memchr(ct, ';', n);
    size_t b = 0, e = semi ? (size_t)(semi - ct) : n;
    trim(ct, &b, &e);
    int fmt = lookup_type(ct + b, e - b);
    if (fmt < 0)
        return tc_fail(err, TC_EUNSUPPORTED,
                       "unsupported Content-Type \"%.*s\" (use text/plain, text/csv, "
                       "application/json or application/jsonlines)",
                       (int)(e - b > 100 ? 100 : e - b), ct + b);
    while (semi != NULL) {
        size_t pb = (size_t)(semi - ct) + 1;
        semi = memchr(ct + pb, ';', n - pb);
        size_t pe = semi ? (size_t)(semi - ct) : n;
        size_t nb, ne, vb, ve;
        if (!param_split(ct, pb, pe, &nb, &ne, &vb, &ve))
            continue;
        if (eq_ci(ct + nb, ne - nb, "charset") && !eq_ci(ct + vb, ve - vb, "utf-8") &&
            !eq_ci(ct + vb, ve - vb, "utf8"))
            return tc_fail(err, TC_EUNSUPPORTED, "unsupported charset \"%.*s\" (only utf-8)",
                           (int)(ve - vb > 100 ? 100 : ve - vb), ct + vb);
    }
    *out = (tc_format)fmt;
    return TC_OK;
}

/* q-value per RFC 9110: "0", "1", "0.xyz", "1.000". Returns -1 if malformed
 * (a malformed range is ignored, as most servers do). Scaled to 0..1000. */
static int parse_q(const char *s, size_t n)
{
    if (n == 0 || (s[0] != '0' && s[0] != '1'))
        return -1;
    int q = (s[0] - '0') * 1000;
    if (n == 1)
        return q;
    if (s[1] != '.' || n > 5)
        return -1;
    int scale = 100;
    for (size_t i = 2; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        q += (s[i] - '0') * scale;
        scale /= 10;
    }
    return q > 1000 ? -1 : q;
}

tc_status tc_codec_response_format(const char *accept, tc_format dflt, tc_format *out,
                                   char *err)
{
    enum { NF = 3 };
    static const tc_format fmts[NF] = {TC_FMT_JSON, TC_FMT_JSONLINES, TC_FMT_CSV};
    int q[NF] = {-1, -1, -1};
    int spec[NF] = {-1, -1, -1};  /* 0: any, 1: type wildcard, 2: exact */
    size_t pos[NF] = {0, 0, 0};
    if (accept == NULL)
        accept = "";
    size_t n = strlen(accept), b = 0, idx = 0;
    bool any_range = false;
    while (b <= n) {
        const char *comma = memchr(accept + b, ',', n - b);
        size_t e = comma ? (size_t)(comma - accept) : n;
        const char *semi = memchr(accept + b, ';', e - b);
        size_t tb = b, te = semi ? (size_t)(semi - accept) : e;
        trim(accept, &tb, &te);
        int qv = 1000;
        while (semi != NULL) {
            size_t pb = (size_t)(semi - accept) + 1;
            semi = memchr(accept + pb, ';', e - pb);
            size_t pe = semi ? (size_t)(semi - accept) : e;
            size_t nb, ne, vb, ve;
            if (param_split(accept, pb, pe, &nb, &ne, &vb, &ve) &&
                eq_ci(accept + nb, ne - nb, "q"))
                qv = parse_q(accept + vb, ve - vb);
        }
        if (te > tb && qv >= 0) {
            any_range = true;
            const char *t = accept + tb;
            size_t tl = te - tb;
            int s = -1;
            int exact = -1;
            bool app_any = false;
            if (eq_ci(t, tl, "*/*") || eq_ci(t, tl, "*"))
                s = 0;
            else if (eq_ci(t, tl, "application/*"))
                s = 1, app_any = true;
            else if (eq_ci(t, tl, "text/*"))
                s = 1;
            else if ((exact = lookup_type(t, tl)) >= 0 && exact != TC_FMT_TEXT)
                s = 2;
            for (int k = 0; s >= 0 && k < NF; k++) {
                bool match = s == 0 || (s == 2 && exact == (int)fmts[k]) ||
                             (s == 1 && app_any == (fmts[k] != TC_FMT_CSV));
                if (match && s > spec[k]) {
                    spec[k] = s;
                    q[k] = qv;
                    pos[k] = idx;
                } else if (match && s == spec[k] && qv > q[k]) {
                    q[k] = qv;
                }
            }
            idx++;
        }
        if (comma == NULL)
            break;
        b = e + 1;
    }
    if (!any_range) {
        *out = dflt;
        return TC_OK;
    }
    int best = -1;
    for (int k = 0; k < NF; k++) {
        if (q[k] <= 0)
            continue;
        if (best < 0 || q[k] > q[best] || (q[k] == q[best] && pos[k] < pos[best]) ||
            (q[k] == q[best] && pos[k] == pos[best] && fmts[k] == dflt &&
             fmts[best] != dflt))
            best = k;
    }
    if (best < 0)
        return tc_fail(err, TC_ENOTACCEPTABLE,
                       "none of the Accept types \"%.200s\" can be produced (use "
                       "application/json, application/jsonlines or text/csv)",
                       accept);
    *out = fmts[best];
    return TC_OK;
}

/* ---- records ---------------------------------------------------------------------------- */

/* A record is a span of the request body or of the records' own text buffer (decoded
 * JSON escapes, CSV doubled quotes). Offsets, not pointers, because the buffer grows. */
#define SPAN_OWNED 0x80000000u
#define SPAN_MAX 0x7fffffffu

typedef struct span {
    uint32_t off;  /* SPAN_OWNED bit: offset into r->text, else into r->body */
    uint32_t len;
} span;

/* Where a part of a body starts in it: the bytes, line ends and records before it.
 * A body decoded whole is one part at {0, 0, 0}. */
typedef struct body_origin {
    size_t byte, line, record;
} body_origin;

struct tc_records {
    const char *body;    /* the part being decoded */
    body_origin at;      /* where it starts in the whole body (messages, the limit) */
    tc_buf text;
    span *v;
    size_t n, cap;
    size_t max;          /* records allowed in the whole body */
};

tc_records *tc_records_new(void)
{
    return calloc(1, sizeof(tc_records));
}

void tc_records_free(tc_records **r)
{
    if (r == NULL || *r == NULL)
        return;
    tc_buf_free(&(*r)->text);
    free((*r)->v);
    free(*r);
    *r = NULL;
}

void tc_records_release(tc_records *r, size_t keep_bytes)
{
    r->n = 0;
    r->body = NULL;
    if (r->text.cap > keep_bytes)
        tc_buf_free(&r->text);
    if (r->cap > keep_bytes / sizeof *r->v) {
        free(r->v);
        r->v = NULL;
        r->cap = 0;
    }
}

size_t tc_records_count(const tc_records *r)
{
    return r->n;
}

const char *tc_records_text(const tc_records *r, size_t i, size_t *len)
{
    const span *s = &r->v[i];
    *len = s->len;
    if (s->off & SPAN_OWNED)
        return r->text.data + (s->off & ~SPAN_OWNED);
    return r->body + s->off;
}

/* Adds a record; owned spans are offsets into r->text. */
static tc_status rec_add(tc_records *r, size_t off, size_t len, bool owned, char *err)
{
    if (r->at.record + r->n >= r->max)
        return tc_fail(err, TC_ETOOBIG, "more than %zu records in one request", r->max);
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        span *v = realloc(r->v, cap * sizeof *v);
        if (v == NULL)
            return tc_fail(err, TC_ENOMEM, "out of memory for %zu records", cap);
        r->v = v;
        r->cap = cap;
    }
    r->v[r->n].off = (uint32_t)off | (owned ? SPAN_OWNED : 0u);
    r->v[r->n].len = (uint32_t)len;
    r->n++;
    return TC_OK;
}

static size_t count_newlines(const char *s, size_t n)
{
    size_t k = 0;
    for (const char *p = s, *end = s + n; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
        k++;
    return k;
}

/* Line (from 1) and byte (from 0) in the whole body of offset off in the part. */
static size_t line_of(const tc_records *r, size_t off)
{
    return r->at.line + count_newlines(r->body, off) + 1;
}

static size_t byte_of(const tc_records *r, size_t off)
{
    return r->at.byte + off;
}

/* ---- text/plain --------------------------------------------------------------------------- */

static tc_status decode_text(tc_records *r, const char *s, size_t n, char *err)
{
    size_t pos = 0;
    while (pos < n) {
        const char *nl = memchr(s + pos, '\n', n - pos);
        size_t end = nl ? (size_t)(nl - s) : n;
        size_t le = end;
        if (nl != NULL && le > pos && s[le - 1] == '\r')
            le--;
        tc_status st = rec_add(r, pos, le - pos, false, err);
        if (st != TC_OK)
            return st;
        pos = nl ? end + 1 : n;
    }
    return TC_OK;
}

/* ---- text/csv (RFC 4180) ------------------------------------------------------------------ */

/* One field at *pos; on return *pos is at the separator, line end or n. The first field of
 * a record becomes the record (want = true). Bare quotes inside an unquoted field are
 * literal (like Python's csv module); text after a closing quote is an error. */
static tc_status csv_field(tc_records *r, const char *s, size_t n, size_t *pos, bool want,
                           size_t rec, char *err)
{
    size_t i = *pos;
    if (i < n && s[i] == '"') {
        size_t start = ++i;
        bool doubled = false;
        for (;;) {
            const char *q = memchr(s + i, '"', n - i);
            if (q == NULL)
                return tc_fail(err, TC_EINPUT,
                               "malformed CSV: record %zu (line %zu): unterminated quoted "
                               "field",
                               r->at.record + rec, line_of(r, start));
            i = (size_t)(q - s) + 1;
            if (i < n && s[i] == '"') {
                doubled = true;
                i++;
                continue;
            }
            break;
        }
        size_t end = i - 1;  /* closing quote */
        if (i < n && s[i] != ',' && s[i] != '\n' && !(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') &&
            !(s[i] == '\r' && i + 1 == n))
            return tc_fail(err, TC_EINPUT,
                           "malformed CSV: record %zu (line %zu, byte %zu): unexpected "
                           "character after a closing quote",
                           r->at.record + rec, line_of(r, i), byte_of(r, i));
        *pos = i;
        if (!want)
            return TC_OK;
        if (!doubled)
            return rec_add(r, start, end - start, false, err);
        size_t off = r->text.len;
        if (!tc_buf_reserve(&r->text, end - start))
            return tc_fail(err, TC_ENOMEM, "out of memory");
        for (size_t k = start; k < end; k++) {
            r->text.data[r->text.len++] = s[k];
            if (s[k] == '"')
                k++;
        }
        r->text.data[r->text.len] = '\0';
        return rec_add(r, off, r->text.len - off, true, err);
    }
    size_t start = i;
    while (i < n && s[i] != ',' && s[i] != '\n')
        i++;
    size_t end = i;
    if (i < n && s[i] == '\n' && end > start && s[end - 1] == '\r')
        end--;
    else if (i == n && end > start && s[end - 1] == '\r')
        end--;
    *pos = end;
    return want ? rec_add(r, start, end - start, false, err) : TC_OK;
}

static tc_status decode_csv(tc_records *r, const char *s, size_t n, char *err)
{
    size_t pos = 0, rec = 1;
    while (pos < n) {
        tc_status st = csv_field(r, s, n, &pos, true, rec, err);
        while (st == TC_OK && pos < n && s[pos] == ',') {
            pos++;
            st = csv_field(r, s, n, &pos, false, rec, err);
        }
        if (st != TC_OK)
            return st;
        if (pos < n && s[pos] == '\r')
            pos++;
        if (pos < n && s[pos] == '\n')
            pos++;
        rec++;
    }
    return TC_OK;
}

/* ---- JSON --------------------------------------------------------------------------------- */

#define JSON_MAX_DEPTH 256

typedef struct jp {
    const char *s;
    size_t n, i;
    size_t base;   /* offset of s within the body (JSON Lines) */
    tc_records *r;
    char *err;
} jp;

static tc_status jfail(jp *p, const char *what)
{
    size_t at = p->base + p->i;
    return tc_fail(p->err, TC_EINPUT, "malformed JSON at byte %zu (line %zu): %s",
                   byte_of(p->r, at), line_of(p->r, at), what);
}

static void jws(jp *p)
{
    while (p->i < p->n) {
        char c = p->s[p->i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->i++;
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)lower_ascii((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool read_u4(jp *p, size_t at, uint32_t *out)
{
    if (at + 4 > p->n)
        return false;
    uint32_t v = 0;
    for (size_t k = 0; k < 4; k++) {
        int h = hexval(p->s[at + k]);
        if (h < 0)
            return false;
        v = v << 4 | (uint32_t)h;
    }
    *out = v;
    return true;
}

/* Parses a string at p->i (which is '"'). If sp != NULL, stores it as a record span
 * candidate (borrowed from the body when it has no escapes, else decoded into r->text). */
static tc_status jstring(jp *p, span *sp)
{
    size_t start = ++p->i;
    bool escaped = false;
    for (;;) {
        if (p->i >= p->n)
            return jfail(p, "unterminated string");
        unsigned char c = (unsigned char)p->s[p->i];
        if (c == '"')
            break;
        if (c < 0x20)
            return jfail(p, "control character in string");
        if (c == '\\') {
            escaped = true;
            p->i++;
            if (p->i >= p->n)
                return jfail(p, "unterminated string");
        }
        p->i++;
    }
    size_t end = p->i++;
    if (!escaped) {
        if (sp == NULL)
            return TC_OK;
        sp->off = (uint32_t)(p->base + start);
        sp->len = (uint32_t)(end - start);
        return TC_OK;
    }
    tc_buf *t = &p->r->text;
    size_t off = t->len;
    if (!tc_buf_reserve(t, end - start))
        return tc_fail(p->err, TC_ENOMEM, "out of memory");
    for (size_t k = start; k < end; k++) {
        char c = p->s[k];
        if (c != '\\') {
            t->data[t->len++] = c;
            continue;
        }
        char e = p->s[++k];
        char lit = 0;
        switch (e) {
        case '"': lit = '"'; break;
        case '\\': lit = '\\'; break;
        case '/': lit = '/'; break;
        case 'b': lit = '\b'; break;
        case 'f': lit = '\f'; break;
        case 'n': lit = '\n'; break;
        case 'r': lit = '\r'; break;
        case 't': lit = '\t'; break;
        case 'u': {
            uint32_t cp, lo;
            p->i = k - 1;
            if (!read_u4(p, k + 1, &cp))
                return jfail(p, "bad \\u escape");
            k += 4;
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return jfail(p, "lone low surrogate in \\u escape");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (k + 2 >= end || p->s[k + 1] != '\\' || p->s[k + 2] != 'u' ||
                    !read_u4(p, k + 3, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                    return jfail(p, "lone high surrogate in \\u escape");
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                k += 6;
            }
            /* A \u escape never expands beyond the 6 (or 12) bytes it replaces. */
            t->len += tc_utf8_encode(cp, t->data + t->len);
            continue;
        }
        default:
            p->i = k - 1;
            return jfail(p, "bad escape in string");
        }
        t->data[t->len++] = lit;
    }
    p->i = end + 1;
    if (sp != NULL) {
        sp->off = (uint32_t)off | SPAN_OWNED;
        sp->len = (uint32_t)(t->len - off);
    } else {
        t->len = off;  /* validated only: a key or a skipped value */
    }
    t->data[t->len] = '\0';
    return TC_OK;
}

static bool jdigits(jp *p)
{
    size_t b = p->i;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
        p->i++;
    return p->i > b;
}

static tc_status jnumber(jp *p)
{
    if (p->s[p->i] == '-')
        p->i++;
    if (p->i < p->n && p->s[p->i] == '0')
        p->i++;
    else if (!jdigits(p))
        return jfail(p, "bad number");
    if (p->i < p->n && p->s[p->i] == '.') {
        p->i++;
        if (!jdigits(p))
            return jfail(p, "bad number");
    }
    if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        p->i++;
        if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
            p->i++;
        if (!jdigits(p))
            return jfail(p, "bad number");
    }
    return TC_OK;
}

static tc_status jvalue(jp *p, unsigned depth);

/* Object members: calls on_member for each key, or skips values when on_member is NULL.
 * p->i is at '{'. */
typedef tc_status (*member_fn)(jp *p, const char *key, size_t klen, void *ctx);

static tc_status jobject(jp *p, unsigned depth, member_fn on_member, void *ctx)
{
    if (depth >= JSON_MAX_DEPTH)
        return jfail(p, "nesting too deep");
    p->i++;
    jws(p);
    if (p->i < p->n && p->s[p->i] == '}') {
        p->i++;
        return TC_OK;
    }
    for (;;) {
        jws(p);
        if (p->i >= p->n || p->s[p->i] != '"')
            return jfail(p, "expected a string key");
        /* Keys are decoded (escapes included) and copied when short enough to be one
         * of ours; the decoded text is dropped again. */
        span ks;
        size_t mark = p->r->text.len;
        tc_status st = jstring(p, &ks);
        if (st != TC_OK)
            return st;
        char key[16];
        size_t klen = ks.len < sizeof key ? ks.len : 0;
        if (klen > 0)
            memcpy(key,
                   (ks.off & SPAN_OWNED) ? p->r->text.data + (ks.off & ~SPAN_OWNED)
                                         : p->r->body + ks.off,
                   klen);
        p->r->text.len = mark;
        jws(p);
        if (p->i >= p->n || p->s[p->i] != ':')
            return jfail(p, "expected ':'");
        p->i++;
        jws(p);
        st = on_member ? on_member(p, key, klen, ctx) : jvalue(p, depth + 1);
        if (st != TC_OK)
            return st;
        jws(p);
        if (p->i < p->n && p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        if (p->i < p->n && p->s[p->i] == '}') {
            p->i++;
            return TC_OK;
        }
        return jfail(p, "expected ',' or '}'");
    }
}

static tc_status jarray(jp *p, unsigned depth)
{
    if (depth >= JSON_MAX_DEPTH)
        return jfail(p, "nesting too deep");
    p->i++;
    jws(p);
    if (p->i < p->n && p->s[p->i] == ']') {
        p->i++;
        return TC_OK;
    }
    for (;;) {
        jws(p);
        tc_status st = jvalue(p, depth + 1);
        if (st != TC_OK)
            return st;
        jws(p);
        if (p->i < p->n && p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        if (p->i < p->n && p->s[p->i] == ']') {
            p->i++;
            return TC_OK;
        }
        return jfail(p, "expected ',' or ']'");
    }
}

static bool jlit(jp *p, const char *lit)
{
    size_t l = strlen(lit);
    if (p->n - p->i < l || memcmp(p->s + p->i, lit, l) != 0)
        return false;
    p->i += l;
    return true;
}

/* Validates and skips any JSON value at p->i (whitespace already skipped). */
static tc_status jvalue(jp *p, unsigned depth)
{
    if (p->i >= p->n)
        return jfail(p, "unexpected end of input");
    char c = p->s[p->i];
    switch (c) {
    case '"': return jstring(p, NULL);
    case '{': return jobject(p, depth, NULL, NULL);
    case '[': return jarray(p, depth);
    case 't': return jlit(p, "true") ? TC_OK : jfail(p, "unexpected token");
    case 'f': return jlit(p, "false") ? TC_OK : jfail(p, "unexpected token");
    case 'n': return jlit(p, "null") ? TC_OK : jfail(p, "unexpected token");
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return jnumber(p);
        return jfail(p, "unexpected token");
    }
}

typedef struct text_obj {
    span sp;
    bool found;
} text_obj;

static tc_status text_member(jp *p, const char *key, size_t klen, void *ctx)
{
    text_obj *t = ctx;
    if (klen == 4 && memcmp(key, "text", 4) == 0) {
        if (p->i >= p->n || p->s[p->i] != '"')
            return jfail(p, "\"text\" must be a string");
        t->found = true;
        return jstring(p, &t->sp);
    }
    return jvalue(p, 2);
}

static tc_status add_span(jp *p, span sp)
{
    return rec_add(p->r, sp.off & ~SPAN_OWNED, sp.len, (sp.off & SPAN_OWNED) != 0, p->err);
}

/* One instance: a string or {"text": "..."}. */
static tc_status jinstance(jp *p, size_t k)
{
    if (p->i < p->n && p->s[p->i] == '"') {
        span sp;
        tc_status st = jstring(p, &sp);
        return st == TC_OK ? add_span(p, sp) : st;
    }
    if (p->i < p->n && p->s[p->i] == '{') {
        text_obj t = {{0, 0}, false};
        tc_status st = jobject(p, 1, text_member, &t);
        if (st != TC_OK)
            return st;
        if (!t.found)
            return tc_fail(p->err, TC_EINPUT,
                           "wrong JSON shape: instance %zu has no \"text\" member",
                           p->r->at.record + k + 1);
        return add_span(p, t.sp);
    }
    size_t at = p->base + p->i;
    tc_status st = jvalue(p, 1);  /* malformed JSON is reported as such */
    if (st != TC_OK)
        return st;
    return tc_fail(p->err, TC_EINPUT,
                   "wrong JSON shape: instance %zu is not a string or {\"text\": ...} (byte "
                   "%zu)",
                   p->r->at.record + k + 1, byte_of(p->r, at));
}

static tc_status jinstances(jp *p)
{
    if (p->i >= p->n || p->s[p->i] != '[') {
        size_t at = p->base + p->i;
        tc_status st = jvalue(p, 1);  /* malformed JSON is reported as such */
        if (st != TC_OK)
            return st;
        return tc_fail(p->err, TC_EINPUT,
                       "wrong JSON shape: \"instances\"/\"inputs\" must be an array (byte %zu)",
                       byte_of(p->r, at));
    }
    p->i++;
    jws(p);
    if (p->i < p->n && p->s[p->i] == ']') {
        p->i++;
        return TC_OK;
    }
    for (size_t k = 0;; k++) {
        jws(p);
        tc_status st = jinstance(p, k);
        if (st != TC_OK)
            return st;
        jws(p);
        if (p->i < p->n && p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        if (p->i < p->n && p->s[p->i] == ']') {
            p->i++;
            return TC_OK;
        }
        return jfail(p, "expected ',' or ']'");
    }
}

typedef struct top_obj {
    text_obj text;
    int lists;  /* "instances"/"inputs" members seen */
} top_obj;

static tc_status top_member(jp *p, const char *key, size_t klen, void *ctx)
{
    top_obj *t = ctx;
    if ((klen == 9 && memcmp(key, "instances", 9) == 0) ||
        (klen == 6 && memcmp(key, "inputs", 6) == 0)) {
        if (++t->lists > 1)
            return tc_fail(p->err, TC_EINPUT,
                           "wrong JSON shape: give either \"instances\" or \"inputs\", once");
        return jinstances(p);
    }
    return text_member(p, key, klen, &t->text);
}

static tc_status decode_json(tc_records *r, const char *s, size_t n, char *err)
{
    jp p = {s, n, 0, 0, r, err};
    jws(&p);
    tc_status st;
    if (p.i < n && s[p.i] == '{') {
        top_obj t = {{{0, 0}, false}, 0};
        st = jobject(&p, 0, top_member, &t);
        if (st == TC_OK && t.lists == 0) {
            if (!t.text.found)
                return tc_fail(err, TC_EINPUT,
                               "wrong JSON shape: expected {\"instances\": [...]}, "
                               "{\"inputs\": [...]} or {\"text\": \"...\"}");
            st = add_span(&p, t.text.sp);
        }
    } else if (p.i < n && s[p.i] == '[') {
        st = jinstances(&p);
    } else if (p.i < n && s[p.i] == '"') {
        st = jinstance(&p, 0);
    } else if (p.i >= n) {
        return tc_fail(err, TC_EINPUT, "empty JSON body");
    } else {
        st = jvalue(&p, 0);
        if (st == TC_OK)
            return tc_fail(err, TC_EINPUT,
                           "wrong JSON shape: expected an object, an array or a string");
    }
    if (st != TC_OK)
        return st;
    jws(&p);
    if (p.i != n)
        return jfail(&p, "trailing data after the JSON value");
    return TC_OK;
}

static tc_status decode_jsonlines(tc_records *r, const char *s, size_t n, char *err)
{
    size_t pos = 0, line = 1;
    while (pos < n) {
        const char *nl = memchr(s + pos, '\n', n - pos);
        size_t end = nl ? (size_t)(nl - s) : n;
        jp p = {s + pos, end - pos, 0, pos, r, err};
        jws(&p);
        if (p.i < p.n) {
            tc_status st = jinstance(&p, r->n);
            if (st != TC_OK)
                return st;
            jws(&p);
            if (p.i != p.n)
                return tc_fail(err, TC_EINPUT,
                               "malformed JSON Lines: line %zu: trailing data after the "
                               "value (byte %zu)",
                               r->at.line + line, byte_of(r, pos + p.i));
        }
        pos = nl ? end + 1 : n;
        line++;
    }
    return TC_OK;
}

/* ---- decode entry ------------------------------------------------------------------------- */

static const body_origin k_whole_body = {0, 0, 0};

/* The whole-body checks that precede decoding. */
static tc_status check_size(size_t len, char *err)
{
    if (len == 0)
        return tc_fail(err, TC_EINPUT, "empty request body");
    if (len > SPAN_MAX)
        return tc_fail(err, TC_ETOOBIG, "request body of %zu bytes is too large", len);
    return TC_OK;
}

static tc_status no_records(char *err)
{
    return tc_fail(err, TC_EINPUT, "the request contains no records");
}

static tc_status check_utf8(const char *part, size_t len, const body_origin *at, char *err)
{
    size_t bad;
    if (tc_utf8_valid(part, len, &bad))
        return TC_OK;
    return tc_fail(err, TC_EINPUT, "invalid UTF-8 at byte %zu (line %zu)", at->byte + bad,
                   at->line + count_newlines(part, bad) + 1);
}

/* Decodes a part of whole records, valid UTF-8, into r (cleared first). */
static tc_status decode_part(tc_format fmt, const char *part, size_t len,
                             const body_origin *at, size_t max_records, tc_records *r,
                             char *err)
{
    r->body = part;
    r->at = *at;
    r->n = 0;
    r->max = max_records;
    tc_buf_clear(&r->text);
    tc_status st = TC_OK;
    switch (fmt) {
    case TC_FMT_TEXT: st = decode_text(r, part, len, err); break;
    case TC_FMT_CSV: st = decode_csv(r, part, len, err); break;
    case TC_FMT_JSON: st = decode_json(r, part, len, err); break;
    case TC_FMT_JSONLINES: st = decode_jsonlines(r, part, len, err); break;
    }
    if (st != TC_OK)
        r->n = 0;
    return st;
}

tc_status tc_codec_decode(tc_format fmt, const char *body, size_t len, size_t max_records,
                          tc_records *r, char *err)
{
    r->n = 0;
    tc_status st = check_size(len, err);
    if (st == TC_OK)
        st = check_utf8(body, len, &k_whole_body, err);
    if (st == TC_OK)
        st = decode_part(fmt, body, len, &k_whole_body, max_records, r, err);
    if (st == TC_OK && r->n == 0)
        st = no_records(err);
    return st;  /* r->n is 0 on every failure: set above, and by decode_part */
}

/* ---- a body decoded while it arrives ---------------------------------------------------- */

/* CSV states between bytes, for finding record ends: at a field's start, inside an
 * unquoted field, inside a quoted one, just after a quote inside a quoted field (the
 * closing quote, or the first of a doubled one). Text after a closing quote is the
 * decoder's error; here it goes on as an unquoted field. */
enum { CSV_FIELD_START, CSV_PLAIN, CSV_QUOTED, CSV_QUOTE_SEEN };

/* Failures by the check of the whole-body decode that finds them: a later one
 * replaces an earlier one only if it ranks higher. */
enum { RANK_NONE, RANK_DECODE, RANK_UTF8, RANK_MEMORY };

/* Bodies above this are not kept between requests in the carry buffer. */
#define KEEP_CARRY_BYTES ((size_t)1 << 20)

struct tc_body_decoder {
    tc_format fmt;
    tc_format cut_fmt;     /* how record ends are found (TEXT once CSV has failed) */
    unsigned csv_state;
    size_t max_records;
    size_t total;          /* bytes fed */
    body_origin at;        /* where carry starts */
    tc_buf carry;          /* bytes after the last record end (JSON: the body) */
    int rank;
    tc_status st;
    char err[TC_ERR_LEN];
};

tc_body_decoder *tc_body_decoder_new(void)
{
    return calloc(1, sizeof(tc_body_decoder));
}

void tc_body_decoder_free(tc_body_decoder **d)
{
    if (d == NULL || *d == NULL)
        return;
    tc_buf_free(&(*d)->carry);
    free(*d);
    *d = NULL;
}

void tc_body_decoder_begin(tc_body_decoder *d, tc_format fmt, size_t max_records)
{
    d->fmt = d->cut_fmt = fmt;
    d->csv_state = CSV_FIELD_START;
    d->max_records = max_records;
    d->total = 0;
    d->at = k_whole_body;
    if (d->carry.cap > KEEP_CARRY_BYTES)
        tc_buf_free(&d->carry);
    tc_buf_clear(&d->carry);
    d->rank = RANK_NONE;
    d->st = TC_OK;
    d->err[0] = '\0';
}

static void fail_rank(tc_body_decoder *d, int rank, tc_status st, const char *msg)
{
    if (rank <= d->rank)
        return;
    d->rank = rank;
    d->st = st;
    snprintf(d->err, sizeof d->err, "%s", msg);
}

static size_t csv_cut(tc_body_decoder *d, const char *p, size_t n, size_t *first)
{
    unsigned state = d->csv_state;
    size_t cut = 0;
    *first = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (state == CSV_QUOTED) {
            if (ch == '"')
                state = CSV_QUOTE_SEEN;
            continue;
        }
        if (ch == '"' && (state == CSV_FIELD_START || state == CSV_QUOTE_SEEN)) {
            state = CSV_QUOTED;  /* a quoted field opens, or a doubled quote */
            continue;
        }
        if (ch == '\n') {
            cut = i + 1;
            if (*first == 0)
                *first = cut;
            state = CSV_FIELD_START;
        } else {
            state = ch == ',' ? CSV_FIELD_START : CSV_PLAIN;
        }
    }
    d->csv_state = state;
    return cut;
}

/* Length of the longest prefix of p[0..n) that ends just after a record end, and in
 * *first of the shortest (0 and 0: no record ends in p). */
static size_t cut_records(tc_body_decoder *d, const char *p, size_t n, size_t *first)
{
    *first = 0;
    switch (d->cut_fmt) {
    case TC_FMT_TEXT:
    case TC_FMT_JSONLINES: {
        const char *nl = memchr(p, '\n', n);
        if (nl == NULL)
            return 0;
        *first = (size_t)(nl - p) + 1;
        const char *last = memrchr(nl, '\n', n - (size_t)(nl - p));
        return (size_t)(last - p) + 1;
    }
    case TC_FMT_CSV: return csv_cut(d, p, n, first);
    case TC_FMT_JSON: break;
    }
    return 0;
}

/* One part of whole records: checked, decoded and handed on (only UTF-8 is still
 * checked once a failure is known: nothing else can change the verdict). */
static void feed_part(tc_body_decoder *d, const char *part, size_t len, tc_records *r,
                      tc_records_fn fn, void *ctx)
{
    body_origin at = d->at;
    d->at.byte += len;
    d->at.line += count_newlines(part, len);
    char err[TC_ERR_LEN];
    tc_status st = check_utf8(part, len, &at, err);
    if (st != TC_OK) {
        fail_rank(d, RANK_UTF8, st, err);
        return;
    }
    if (d->rank != RANK_NONE || len > SPAN_MAX)
        return;  /* (a part that large: the verdict is check_size's) */
    st = decode_part(d->fmt, part, len, &at, d->max_records, r, err);
    if (st != TC_OK) {
        fail_rank(d, RANK_DECODE, st, err);
        d->cut_fmt = TC_FMT_TEXT;  /* parts now only for the UTF-8 check */
        return;
    }
    d->at.record += r->n;
    if (r->n > 0)
        fn(ctx, r, at.record);
}

static void carry(tc_body_decoder *d, const char *p, size_t n)
{
    if (n > 0 && !tc_buf_append(&d->carry, p, n))
        fail_rank(d, RANK_MEMORY, TC_ENOMEM, "out of memory for the request body");
}

void tc_body_decoder_feed(tc_body_decoder *d, const char *p, size_t n, tc_records *scratch,
                          tc_records_fn fn, void *ctx)
{
    d->total += n;
    if (d->rank >= RANK_UTF8)
        return;
    size_t first, last = cut_records(d, p, n, &first), done = 0;
    if (last > 0 && d->carry.len > 0) {
        /* the carried record ends here: completed in the carry, the rest straight
         * from the caller's bytes, so the carry never holds more than a record */
        carry(d, p, first);
        if (d->rank >= RANK_MEMORY)
            return;
        feed_part(d, d->carry.data, d->carry.len, scratch, fn, ctx);
        tc_buf_clear(&d->carry);
        done = first;
    }
    if (last > done && d->rank < RANK_UTF8)
        feed_part(d, p + done, last - done, scratch, fn, ctx);
    if (d->rank < RANK_UTF8)
        carry(d, p + last, n - last);
}

tc_status tc_body_decoder_end(tc_body_decoder *d, tc_records *scratch, tc_records_fn fn,
                              void *ctx, char *err)
{
    tc_status st = TC_OK;
    if (d->fmt == TC_FMT_JSON && d->rank == RANK_NONE) {
        st = tc_codec_decode(d->fmt, d->carry.data, d->carry.len, d->max_records, scratch, err);
        if (st == TC_OK)
            fn(ctx, scratch, 0);
    } else {
        if (d->rank < RANK_UTF8 && d->carry.len > 0)  /* the last record: no line end */
            feed_part(d, d->carry.data, d->carry.len, scratch, fn, ctx);
        st = check_size(d->total, err);
        if (st == TC_OK && d->rank != RANK_NONE)
            st = tc_fail(err, d->st, "%s", d->err);
        if (st == TC_OK && d->at.record == 0)
            st = no_records(err);
    }
    tc_buf_clear(&d->carry);
    if (d->carry.cap > KEEP_CARRY_BYTES)
        tc_buf_free(&d->carry);
    return st;
}

/* ---- encoding ----------------------------------------------------------------------------- */

bool tc_encoder_begin(tc_encoder *e, tc_format fmt, const tc_output_schema *schema, tc_buf *out)
{
    e->fmt = fmt;
    e->schema = schema;
    e->out = out;
    e->count = 0;
    if (fmt == TC_FMT_JSON)
        return tc_buf_append_str(out, "{\"predictions\":[");
    return true;
}

static bool csv_cell(tc_buf *b, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL)
        return tc_buf_append_str(b, s);
    if (!tc_buf_append_char(b, '"'))
        return false;
    for (; *s; s++)
        if ((*s == '"' && !tc_buf_append_char(b, '"')) || !tc_buf_append_char(b, *s))
            return false;
    return tc_buf_append_char(b, '"');
}

static bool json_object(tc_encoder *e, const tc_prediction *p)
{
    tc_buf *b = e->out;
    const tc_output_schema *sc = e->schema;
    const char *label = sc->class_names[p->label];
    bool ok = tc_buf_append_str(b, "{\"label\":") &&
              tc_buf_append_json_string(b, label, strlen(label)) &&
              tc_buf_append_str(b, sc->kind == TC_OUTPUT_PROBABILITIES ? ",\"probabilities\":{"
                                                                       : ",\"scores\":{");
    size_t k = sc->n_classes;
    for (size_t i = 0; ok && i < k; i++) {
        const char *name = sc->class_names[i];
        ok = (i == 0 || tc_buf_append_char(b, ',')) &&
             tc_buf_append_json_string(b, name, strlen(name)) && tc_buf_append_char(b, ':') &&
             tc_buf_append_double(b, p->values[i]);
    }
    return ok && tc_buf_append_str(b, "}}");
}

bool tc_encoder_add(tc_encoder *e, const tc_prediction *p)
{
    tc_buf *b = e->out;
    bool ok = true;
    switch (e->fmt) {
    case TC_FMT_JSON:
        ok = (e->count == 0 || tc_buf_append_char(b, ',')) && json_object(e, p);
        break;
    case TC_FMT_JSONLINES:
        ok = json_object(e, p) && tc_buf_append_char(b, '\n');
        break;
    case TC_FMT_CSV:
    case TC_FMT_TEXT: {
        ok = csv_cell(b, e->schema->class_names[p->label]);
        size_t k = e->schema->n_classes;
        for (size_t i = 0; ok && i < k; i++)
            ok = tc_buf_append_char(b, ',') && tc_buf_append_double(b, p->values[i]);
        ok = ok && tc_buf_append_char(b, '\n');
        break;
    }
    }
    e->count++;
    return ok;
}

bool tc_encoder_end(tc_encoder *e)
{
    if (e->fmt == TC_FMT_JSON)
        return tc_buf_append_str(e->out, "]}");
    return true;
}
