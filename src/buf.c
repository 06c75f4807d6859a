/* buf.c - growable byte buffer (see tc_buf.h). */
#include "tc_buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool tc_buf_reserve(tc_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return false;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (p == NULL)
        return false;
    b->data = p;
    b->cap = cap;
    return true;
}

bool tc_buf_append(tc_buf *b, const void *p, size_t n)
{
    if (!tc_buf_reserve(b, n))
        return false;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

bool tc_buf_append_str(tc_buf *b, const char *s)
{
    return tc_buf_append(b, s, strlen(s));
}

bool tc_buf_append_char(tc_buf *b, char c)
{
    if (b->len + 1 < b->cap) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return true;
    }
    return tc_buf_append(b, &c, 1);
}

bool tc_buf_printf(tc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    size_t room = b->cap > b->len ? b->cap - b->len : 0;
    int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
    va_end(ap);
    bool ok = n >= 0;
    if (ok && (size_t)n >= room) {
        ok = tc_buf_reserve(b, (size_t)n);
        if (ok)
            vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    }
    va_end(ap2);
    if (!ok) {
        if (b->data != NULL)
            b->data[b->len] = '\0';
        return false;
    }
    b->len += (size_t)n;
    return true;
}

bool tc_buf_append_double(tc_buf *b, double v)
{
    if (v != v || v - v != 0.0)  /* NaN or infinity: not representable in JSON */
        return tc_buf_append(b, "null", 4);
    char tmp[32];
    /* Shortest of 15, 16, 17 significant digits that reads back as the same double;
     * 17 always does. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (prec == 17 || strtod(tmp, NULL) == v)
            break;
    }
    return tc_buf_append_str(b, tmp);
}

bool tc_buf_append_json_string(tc_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (!tc_buf_reserve(b, n + 2))
        return false;
    b->data[b->len++] = '"';
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        if (!tc_buf_append(b, s + start, i - start))
            return false;
        char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
        size_t elen = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
            esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
            elen = 6;
        }
        if (!tc_buf_append(b, esc, elen))
            return false;
        start = i + 1;
    }
    if (!tc_buf_append(b, s + start, n - start))
        return false;
    return tc_buf_append_char(b, '"');
}

void tc_buf_clear(tc_buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

void tc_buf_free(tc_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *tc_buf_steal(tc_buf *b, size_t *len)
{
    char *p = b->data;
    if (len != NULL)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
