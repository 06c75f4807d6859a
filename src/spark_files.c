/*
 * spark_files.c - Spark models' terms and idf files (tc_spark_files.h). The terms are
 * kept in one block with an offset per term and an open-addressing table of term
 * indices keyed by a MurmurHash3 of the bytes.
 */
#include "tc_spark_files.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tc_murmur3.h"
#include "tc_numparse.h"
#include "tc_utf8.h"

#define MAX_TERMS ((size_t)1 << 31)

struct tc_spark_terms {
    char *blob;        /* the file's term bytes, terms back to back */
    uint32_t *off;     /* n + 1 offsets into blob */
    size_t n;
    uint32_t *slots;   /* index + 1 per slot, 0 = empty; cap a power of two */
    size_t cap;
};

/* The header line "<magic>\t1\t<n>\n" at data; *pos goes past it. */
static tc_status header(const char *name, const char *magic, const char *data, size_t len,
                        size_t *pos, uint64_t *n, char *err)
{
    const char *nl = memchr(data, '\n', len);
    const size_t ml = strlen(magic);
    if (nl == NULL)
        return tc_fail(err, TC_EFORMAT, "%s:1: no header line", name);
    const size_t hl = (size_t)(nl - data);
    if (hl < ml + 4 || memcmp(data, magic, ml) != 0 || memcmp(data + ml, "\t1\t", 3) != 0)
        return tc_fail(err, TC_EFORMAT, "%s:1: header is not \"%s<TAB>1<TAB><count>\"", name,
                       magic);
    if (!tc_parse_u64(data + ml + 3, hl - ml - 3, n) || *n > MAX_TERMS)
        return tc_fail(err, TC_EFORMAT, "%s:1: bad count", name);
    *pos = hl + 1;
    return TC_OK;
}

static uint32_t hash_of(const char *s, size_t n) { return tc_murmur3_x86_32(s, n, 0x5eed); }

int64_t tc_spark_terms_find(const tc_spark_terms *t, const char *term, size_t len)
{
    const size_t mask = t->cap - 1;
    for (size_t i = hash_of(term, len) & mask;; i = (i + 1) & mask) {
        uint32_t v = t->slots[i];
        if (v == 0)
            return -1;
        const uint32_t k = v - 1, o = t->off[k], l = t->off[k + 1] - o;
        if (l == len && memcmp(t->blob + o, term, len) == 0)
            return (int64_t)k;
    }
}

/* Indexes term k; false if an equal term is there already. */
static bool insert(tc_spark_terms *t, uint32_t k)
{
    const uint32_t o = t->off[k], l = t->off[k + 1] - o;
    if (tc_spark_terms_find(t, t->blob + o, l) >= 0)
        return false;
    const size_t mask = t->cap - 1;
    size_t i = hash_of(t->blob + o, l) & mask;
    while (t->slots[i] != 0)
        i = (i + 1) & mask;
    t->slots[i] = k + 1;
    return true;
}

static tc_status parse_lines(const char *name, const char *data, size_t len, size_t pos,
                             tc_spark_terms *t, char *err)
{
    size_t k = 0, used = 0;
    while (pos < len) {
        const size_t line = k + 2;
        const char *nl = memchr(data + pos, '\n', len - pos);
        if (nl == NULL)
            return tc_fail(err, TC_EFORMAT, "%s:%zu: last line has no line feed", name, line);
        const size_t l = (size_t)(nl - (data + pos));
        if (k == t->n)
            return tc_fail(err, TC_EFORMAT, "%s:%zu: more terms than the header's %zu", name,
                           line, t->n);
        if (memchr(data + pos, '\r', l) != NULL)
            return tc_fail(err, TC_EFORMAT, "%s:%zu: carriage return in a term", name, line);
        size_t bad = 0;
        if (!tc_utf8_valid(data + pos, l, &bad))
            return tc_fail(err, TC_EFORMAT, "%s:%zu: invalid UTF-8 at byte %zu of the term",
                           name, line, bad);
        memcpy(t->blob + used, data + pos, l);
        used += l;
        t->off[++k] = (uint32_t)used;
        if (!insert(t, (uint32_t)(k - 1)))
            return tc_fail(err, TC_EFORMAT, "%s:%zu: duplicate term \"%.*s\"", name, line,
                           (int)(l > 60 ? 60 : l), data + pos);
        pos += l + 1;
    }
    if (k != t->n)
        return tc_fail(err, TC_EFORMAT, "%s: header says %zu terms but the file has %zu", name,
                       t->n, k);
    return TC_OK;
}

tc_status tc_spark_terms_parse(const char *name, const char *data, size_t len,
                               tc_spark_terms **out, char *err)
{
    size_t pos = 0;
    uint64_t n = 0;
    tc_status st = header(name, "textclf-spark-terms", data, len, &pos, &n, err);
    if (st != TC_OK)
        return st;
    if (len - pos >= MAX_TERMS)
        return tc_fail(err, TC_EFORMAT, "%s: terms exceed 2 GiB", name);
    if (n > len - pos)  /* every term takes a line feed */
        return tc_fail(err, TC_EFORMAT, "%s: header says %llu terms but the file is shorter",
                       name, (unsigned long long)n);
    tc_spark_terms *t = calloc(1, sizeof *t);
    if (t == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    t->n = (size_t)n;
    t->cap = 16;
    while (t->cap < 2 * t->n)
        t->cap *= 2;
    t->blob = malloc(len - pos + 1);
    t->off = calloc(t->n + 1, sizeof *t->off);
    t->slots = calloc(t->cap, sizeof *t->slots);
    if (t->blob == NULL || t->off == NULL || t->slots == NULL)
        st = tc_fail(err, TC_ENOMEM, "out of memory");
    else
        st = parse_lines(name, data, len, pos, t, err);
    if (st != TC_OK) {
        tc_spark_terms_free(&t);
        return st;
    }
    *out = t;
    return TC_OK;
}

void tc_spark_terms_free(tc_spark_terms **t)
{
    if (t == NULL || *t == NULL)
        return;
    free((*t)->blob);
    free((*t)->off);
    free((*t)->slots);
    free(*t);
    *t = NULL;
}

size_t tc_spark_terms_count(const tc_spark_terms *t) { return t->n; }

tc_status tc_spark_idf_parse(const char *name, const char *data, size_t len, size_t expect_n,
                             double **out, char *err)
{
    return tc_idf_values_parse(name, "textclf-spark-idf", data, len, expect_n, out, err);
}

tc_status tc_idf_values_parse(const char *name, const char *magic, const char *data, size_t len,
                              size_t expect_n, double **out, char *err)
{
    size_t pos = 0;
    uint64_t n = 0;
    tc_status st = header(name, magic, data, len, &pos, &n, err);
    if (st != TC_OK)
        return st;
    if (n != expect_n)
        return tc_fail(err, TC_EFORMAT, "%s:1: %llu values, but the model has %zu features",
                       name, (unsigned long long)n, expect_n);
    double *v = malloc((expect_n ? expect_n : 1) * sizeof *v);
    if (v == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    size_t k = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        const size_t l = nl ? (size_t)(nl - (data + pos)) : len - pos;
        if (nl == NULL)
            st = tc_fail(err, TC_EFORMAT, "%s:%zu: last line has no line feed", name, k + 2);
        else if (k == expect_n)
            st = tc_fail(err, TC_EFORMAT, "%s:%zu: more values than the header's %zu", name,
                         k + 2, expect_n);
        else if (!tc_parse_double(data + pos, l, &v[k]) || !(v[k] >= 0.0))
            st = tc_fail(err, TC_EFORMAT, "%s:%zu: not a finite number >= 0", name, k + 2);
        if (st != TC_OK) {
            free(v);
            return st;
        }
        k++;
        pos += l + 1;
    }
    if (k != expect_n) {
        free(v);
        return tc_fail(err, TC_EFORMAT, "%s: header says %zu values but the file has %zu", name,
                       expect_n, k);
    }
    *out = v;
    return TC_OK;
}
