/* mediatype.c - Content-Type and Accept negotiation (see tc_mediatype.h). */
#include "tc_mediatype.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

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
