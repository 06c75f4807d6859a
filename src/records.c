/* records.c - the records of one request (see tc_records.h). */
#include "tc_records.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_buf.h"

/* Offsets, not pointers, because the text buffer moves as it grows. */
#define SPAN_OWNED 0x80000000u

typedef struct span {
    uint32_t off;  /* SPAN_OWNED bit: offset into r->text, else into r->part */
    uint32_t len;
} span;

struct tc_records {
    const char *part;  /* the part being decoded */
    tc_body_origin at; /* where it starts in the whole body */
    tc_buf text;       /* decoded text of owned records */
    span *v;
    size_t n, cap;
    size_t max;        /* records allowed in the whole body */
};

const tc_body_origin tc_body_start = {0, 0, 0};

static size_t count_newlines(const char *s, size_t n)
{
    size_t k = 0;
    for (const char *p = s, *end = s + n; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
        k++;
    return k;
}

void tc_body_origin_advance(tc_body_origin *at, const char *part, size_t len)
{
    at->byte += len;
    at->line += count_newlines(part, len);
}

size_t tc_body_origin_line(const tc_body_origin *at, const char *part, size_t off)
{
    return at->line + count_newlines(part, off) + 1;
}

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
    return r->part + s->off;
}

void tc_records_release(tc_records *r, size_t keep_bytes)
{
    r->n = 0;
    r->part = NULL;
    if (r->text.cap > keep_bytes)
        tc_buf_free(&r->text);
    if (r->cap > keep_bytes / sizeof *r->v) {
        free(r->v);
        r->v = NULL;
        r->cap = 0;
    }
}

void tc_records_start(tc_records *r, const char *part, const tc_body_origin *at,
                      size_t max_records)
{
    r->part = part;
    r->at = *at;
    r->n = 0;
    r->max = max_records;
    tc_buf_clear(&r->text);
}

void tc_records_drop(tc_records *r)
{
    r->n = 0;
}

static tc_status add(tc_records *r, uint32_t off, size_t len, char *err)
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
    r->v[r->n].off = off;
    r->v[r->n].len = (uint32_t)len;
    r->n++;
    return TC_OK;
}

tc_status tc_records_add_span(tc_records *r, size_t off, size_t len, char *err)
{
    return add(r, (uint32_t)off, len, err);
}

char *tc_records_space(tc_records *r, size_t n)
{
    return tc_buf_reserve(&r->text, n) ? r->text.data + r->text.len : NULL;
}

size_t tc_records_keep(tc_records *r, size_t len)
{
    size_t at = r->text.len;
    r->text.len += len;
    r->text.data[r->text.len] = '\0';
    return at;
}

tc_status tc_records_add_text(tc_records *r, size_t at, size_t len, char *err)
{
    /* Decoded text is never longer than the part it comes from, so offsets fit. */
    return add(r, (uint32_t)at | SPAN_OWNED, len, err);
}

size_t tc_records_part_first(const tc_records *r)
{
    return r->at.record;
}

size_t tc_records_byte_at(const tc_records *r, size_t off)
{
    return r->at.byte + off;
}

size_t tc_records_line_at(const tc_records *r, size_t off)
{
    return tc_body_origin_line(&r->at, r->part, off);
}
