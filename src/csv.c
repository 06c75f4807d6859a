/* csv.c - text/csv request bodies (see tc_csv.h). */
#include "tc_csv.h"

#include <stdbool.h>
#include <string.h>

/* A quoted field's text with each doubled quote s[start..end) written once into r. */
static tc_status add_unquoted(tc_records *r, const char *s, size_t start, size_t end, char *err)
{
    char *out = tc_records_space(r, end - start);
    if (out == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    size_t len = 0;
    for (size_t k = start; k < end; k++) {
        out[len++] = s[k];
        if (s[k] == '"')
            k++;
    }
    return tc_records_add_text(r, tc_records_keep(r, len), len, err);
}

/* One field at *pos; on return *pos is at the separator, line end or n. The first field of
 * a record becomes the record (want = true). Bare quotes inside an unquoted field are
 * literal (like Python's csv module); text after a closing quote is an error. rec counts
 * the part's records from 1. */
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
                               tc_records_part_first(r) + rec, tc_records_line_at(r, start));
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
                           tc_records_part_first(r) + rec, tc_records_line_at(r, i),
                           tc_records_byte_at(r, i));
        *pos = i;
        if (!want)
            return TC_OK;
        return doubled ? add_unquoted(r, s, start, end, err)
                       : tc_records_add_span(r, start, end - start, err);
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
    return want ? tc_records_add_span(r, start, end - start, err) : TC_OK;
}

tc_status tc_csv_decode(tc_records *r, const char *s, size_t n, char *err)
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

/* Cutter states between bytes: at a field's start, inside an unquoted field, inside a
 * quoted one, just after a quote inside a quoted field (the closing quote, or the first
 * of a doubled one). */
enum { CSV_FIELD_START, CSV_PLAIN, CSV_QUOTED, CSV_QUOTE_SEEN };

void tc_csv_cutter_init(tc_csv_cutter *c)
{
    c->state = CSV_FIELD_START;
}

size_t tc_csv_cut(tc_csv_cutter *c, const char *p, size_t n, size_t *first)
{
    unsigned state = c->state;
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
    c->state = state;
    return cut;
}
