/* body_decoder.c - a request body decoded while it arrives (see tc_body_decoder.h). */
/* memrchr is a GNU extension (glibc, musl) */
#define _GNU_SOURCE 1
#include "tc_body_decoder.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_buf.h"
#include "tc_codec.h"
#include "tc_csv.h"

/* Failures by the check of the whole-body decode that finds them: a later one
 * replaces an earlier one only if it ranks higher. */
enum { RANK_NONE, RANK_DECODE, RANK_UTF8, RANK_MEMORY };

/* Bodies above this are not kept between requests in the carry buffer. */
#define KEEP_CARRY_BYTES ((size_t)1 << 20)

struct tc_body_decoder {
    tc_format fmt;
    tc_format cut_fmt;     /* how record ends are found (TEXT once CSV has failed) */
    tc_csv_cutter csv;
    size_t max_records;
    size_t total;          /* bytes fed */
    tc_body_origin at;     /* where carry starts */
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
    tc_csv_cutter_init(&d->csv);
    d->max_records = max_records;
    d->total = 0;
    d->at = tc_body_start;
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
    case TC_FMT_CSV: return tc_csv_cut(&d->csv, p, n, first);
    case TC_FMT_JSON: break;
    }
    return 0;
}

/* One part of whole records: checked, decoded and handed on (only UTF-8 is still
 * checked once a failure is known: nothing else can change the verdict). */
static void feed_part(tc_body_decoder *d, const char *part, size_t len, tc_records *r,
                      tc_records_fn fn, void *ctx)
{
    tc_body_origin at = d->at;
    tc_body_origin_advance(&d->at, part, len);
    char err[TC_ERR_LEN];
    tc_status st = tc_codec_check_utf8(part, len, &at, err);
    if (st != TC_OK) {
        fail_rank(d, RANK_UTF8, st, err);
        return;
    }
    if (d->rank != RANK_NONE || len > TC_RECORDS_MAX_PART)
        return;  /* (a part that large: the verdict is the size check's) */
    st = tc_codec_decode_part(d->fmt, part, len, &at, d->max_records, r, err);
    if (st != TC_OK) {
        fail_rank(d, RANK_DECODE, st, err);
        d->cut_fmt = TC_FMT_TEXT;  /* parts now only for the UTF-8 check */
        return;
    }
    size_t n = tc_records_count(r);
    d->at.record += n;
    if (n > 0)
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
        st = tc_codec_check_size(d->total, err);
        if (st == TC_OK && d->rank != RANK_NONE)
            st = tc_fail(err, d->st, "%s", d->err);
        if (st == TC_OK)
            st = tc_codec_check_count(d->at.record, err);
    }
    tc_buf_clear(&d->carry);
    if (d->carry.cap > KEEP_CARRY_BYTES)
        tc_buf_free(&d->carry);
    return st;
}
