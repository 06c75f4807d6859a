/*
 * vocab_file.c - vocab.tsv and stopwords.txt parsers (tc_vocab_file.h).
 *
 * Parsing runs near memory speed on large vocabularies: field checks go 8 bytes at a
 * time, and idf spellings, which repeat (one value per document frequency), go
 * through a small cache before the exact decimal parser.
 */
#include "tc_vocab_file.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tc_bigalloc.h"
#include "tc_bytes.h"
#include "tc_numparse.h"
#include "tc_textfile.h"
#include "tc_utf8.h"
#include "tc_wordtab.h"

/* Parses "<magic>\t<version>\t<count>\n" at the start of data. */
static tc_status parse_header(const char *name, const char *data, size_t len,
                              const char *magic, size_t *count, size_t *body, char *err)
{
    const char *nl = memchr(data, '\n', len);
    if (nl == NULL)
        return tc_fail(err, TC_EFORMAT, "%s:1: missing header line \"%s\\t1\\t<count>\"", name,
                       magic);
    size_t ll = (size_t)(nl - data), ml = strlen(magic);
    if (ll < ml + 1 || memcmp(data, magic, ml) != 0 || data[ml] != '\t')
        return tc_fail(err, TC_EFORMAT, "%s:1: not a %s file (header must start with \"%s\\t\")",
                       name, magic, magic);
    const char *v = data + ml + 1, *end = data + ll;
    const char *tab = memchr(v, '\t', (size_t)(end - v));
    if (tab == NULL)
        return tc_fail(err, TC_EFORMAT, "%s:1: header must be \"%s\\t1\\t<count>\"", name, magic);
    uint64_t version, n;
    if (!tc_parse_u64(v, (size_t)(tab - v), &version))
        return tc_fail(err, TC_EFORMAT, "%s:1: bad version \"%.*s\"", name, (int)(tab - v), v);
    if (version != 1)
        return tc_fail(err, TC_EFORMAT, "%s:1: %s version %llu is not supported (1)", name, magic,
                       (unsigned long long)version);
    if (!tc_parse_u64(tab + 1, (size_t)(end - tab - 1), &n))
        return tc_fail(err, TC_EFORMAT, "%s:1: bad count \"%.*s\"", name,
                       (int)(end - tab - 1 > 40 ? 40 : end - tab - 1), tab + 1);
    /* Every entry takes at least 2 bytes ("x\n"), which bounds allocations. */
    if (n > (len - ll) / 2)
        return tc_fail(err, TC_EFORMAT, "%s:1: header says %llu entries but the file has only %zu bytes",
                       name, (unsigned long long)n, len);
    *count = (size_t)n;
    *body = ll + 1;
    return TC_OK;
}

/* Header, then UTF-8 of the whole file (which the line checks rely on). */
static tc_status parse_start(const char *name, const char *data, size_t len, const char *magic,
                             size_t *count, size_t *body, char *err)
{
    tc_status st = parse_header(name, data, len, magic, count, body, err);
    if (st != TC_OK)
        return st;
    size_t bad = 0;
    if (!tc_utf8_valid(data, len, &bad))
        return tc_fail(err, TC_EFORMAT, "%s:%zu: invalid UTF-8 at byte %zu", name,
                       tc_line_of_offset(data, bad), bad);
    return TC_OK;
}

/* True if s[0..n) contains a TAB or CR: 8 bytes at a time. */
static inline bool has_tab_or_cr(const char *s, size_t n)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v = tc_load_u64(s + i);
        uint64_t t = v ^ (ones * '\t'), r = v ^ (ones * '\r');
        if ((((t - ones) & ~t) | ((r - ones) & ~r)) & highs)
            return true;
    }
    for (; i < n; i++)
        if (s[i] == '\t' || s[i] == '\r')
            return true;
    return false;
}

/* Checks a term/word field: non-empty, no TAB or CR (LF ends the line). */
static inline tc_status check_field(const char *name, size_t line, const char *s, size_t n,
                             const char *what, char *err)
{
    if (n == 0)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: empty %s", name, line, what);
    /* one pass over the (short) term in the common case; memchr calls only to explain */
    if (!has_tab_or_cr(s, n))
        return TC_OK;
    if (memchr(s, '\t', n) != NULL)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: extra column (TAB inside the %s)", name, line,
                       what);
    if (memchr(s, '\r', n) != NULL)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: carriage return in the %s (line ends must be \\n)",
                       name, line, what);
    return TC_OK;
}

/* The next line of a file with `count` entries: line `line` starts at data[pos]. Sets
 * *ll to its length (without the LF). */
static inline tc_status next_line(const char *name, const char *data, size_t len, size_t pos,
                           size_t line, size_t i, size_t count, const char *what, size_t *ll,
                           char *err)
{
    const char *nl = memchr(data + pos, '\n', len - pos);
    if (nl == NULL)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: truncated (last line has no newline)", name,
                       line);
    if (i >= count)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: more %s than the header's count %zu", name,
                       line, what, count);
    *ll = (size_t)(nl - (data + pos));
    return TC_OK;
}

/* idf values repeat a lot (one value per distinct document frequency), so a small
 * direct-mapped cache of recently parsed spellings skips most of the parsing. */
#define IDF_CACHE 1024u
#define IDF_KEY 24u
typedef struct idf_cache_entry {
    uint8_t len;  /* 0 = empty */
    char key[IDF_KEY];
    double value;
} idf_cache_entry;

static bool parse_idf(idf_cache_entry *cache, const char *s, size_t n, double *out)
{
    if (n == 0 || n > IDF_KEY)
        return tc_parse_double(s, n, out);
    /* first and last bytes (fixed-size overlapping loads) and the length pick the entry */
    uint64_t a, b;
    if (n >= 8) {
        a = tc_load_u64(s);
        b = tc_load_u64(s + n - 8);
    } else if (n >= 4) {
        a = tc_load_u32(s);
        b = tc_load_u32(s + n - 4);
    } else {
        a = (uint8_t)s[0];
        b = (uint64_t)(uint8_t)s[n / 2] << 8 | (uint8_t)s[n - 1];
    }
    uint64_t h = (a * UINT64_C(0x9e3779b97f4a7c15)) ^ (b * UINT64_C(0xc2b2ae3d27d4eb4f)) ^ n;
    h ^= h >> 29;
    idf_cache_entry *e = &cache[(h * UINT64_C(0xff51afd7ed558ccd) >> 40) & (IDF_CACHE - 1)];
    if (e->len == n && tc_bytes_equal(e->key, s, n)) {
        *out = e->value;
        return true;
    }
    if (!tc_parse_double(s, n, out))
        return false;
    e->len = (uint8_t)n;
    memcpy(e->key, s, n);
    e->value = *out;
    return true;
}

/* Number of ' ' bytes in s[0..n): 8 bytes at a time. */
static size_t count_spaces(const char *s, size_t n)
{
    const uint64_t lo7 = UINT64_C(0x7f7f7f7f7f7f7f7f), sp = UINT64_C(0x2020202020202020);
    size_t c = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v = tc_load_u64(s + i) ^ sp;
        /* high bit of each byte set iff that byte of v is zero, exactly */
        uint64_t z = ~(((v & lo7) + lo7) | v | lo7);
        c += (size_t)(((z >> 7) * UINT64_C(0x0101010101010101)) >> 56);  /* bytes set */
    }
    for (; i < n; i++)
        c += s[i] == ' ';
    return c;
}

/* Line `line` = "<idf>\t<term>" (ll bytes at s) into *term and *idf. */
static tc_status parse_term_line(const char *name, size_t line, const char *s, size_t ll,
                                 idf_cache_entry *cache, tc_vocab_term *term, double *idf,
                                 char *err)
{
    const char *tab = memchr(s, '\t', ll);
    if (tab == NULL)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: expected <idf><TAB><term>", name, line);
    if (!parse_idf(cache, s, (size_t)(tab - s), idf))
        return tc_fail(err, TC_EFORMAT, "%s:%zu: bad idf \"%.*s\"", name, line,
                       (int)(tab - s > 40 ? 40 : tab - s), s);
    if (!(*idf > 0.0))
        return tc_fail(err, TC_EFORMAT, "%s:%zu: idf must be > 0, got %.17g", name, line, *idf);
    const char *t = tab + 1;
    size_t tl = ll - (size_t)(t - s);
    tc_status st = check_field(name, line, t, tl, "term", err);
    if (st != TC_OK)
        return st;
    size_t sp = count_spaces(t, tl);
    term->s = t;
    term->len = (uint32_t)tl;  /* < 2^31 */
    term->parts = (uint32_t)(sp < TC_VOCAB_PARTS_CAP - 1 ? sp + 1 : TC_VOCAB_PARTS_CAP);
    return TC_OK;
}

tc_status tc_vocab_file_parse(const char *name, const char *data, size_t len,
                              tc_vocab_file *out, char *err)
{
    size_t n = 0, pos = 0;
    memset(out, 0, sizeof *out);
    tc_status st = parse_start(name, data, len, "textclf-vocab", &n, &pos, err);
    if (st != TC_OK)
        return st;
    out->idf = malloc((n ? n : 1) * sizeof *out->idf);
    out->terms = tc_alloc_transient((n ? n : 1) * sizeof *out->terms);
    idf_cache_entry *cache = calloc(IDF_CACHE, sizeof *cache);
    if (out->idf == NULL || out->terms == NULL || cache == NULL) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory for %zu terms", name, n);
        goto out;
    }
    size_t i = 0;
    for (; pos < len; i++) {
        size_t ll = 0;
        if ((st = next_line(name, data, len, pos, i + 2, i, n, "terms", &ll, err)) != TC_OK ||
            (st = parse_term_line(name, i + 2, data + pos, ll, cache, &out->terms[i],
                                  &out->idf[i], err)) != TC_OK)
            goto out;
        pos += ll + 1;
    }
    if (i != n)
        st = tc_fail(err, TC_EFORMAT, "%s:%zu: truncated: header says %zu terms, file has %zu",
                     name, i + 2, n, i);
    out->n = n;
out:
    free(cache);
    if (st != TC_OK)
        tc_vocab_file_release(out);
    return st;
}

void tc_vocab_file_release(tc_vocab_file *f)
{
    tc_free_transient(f->terms);
    free(f->idf);
    memset(f, 0, sizeof *f);
}

tc_status tc_stopword_file_parse(const char *name, const char *data, size_t len,
                                 tc_stopword_file *out, char *err)
{
    size_t n = 0, pos = 0;
    memset(out, 0, sizeof *out);
    tc_status st = parse_start(name, data, len, "textclf-stopwords", &n, &pos, err);
    if (st != TC_OK)
        return st;
    /* value: the word's index (line - 2), for the duplicate message */
    tc_wordtab *seen = tc_wordtab_new(n);
    out->words = malloc((n ? n : 1) * sizeof *out->words);
    if (seen == NULL || out->words == NULL) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory", name);
        goto out;
    }
    size_t i = 0;
    for (; pos < len; i++) {
        size_t line = i + 2, ll = 0;
        const char *s = data + pos;
        if ((st = next_line(name, data, len, pos, line, i, n, "words", &ll, err)) != TC_OK ||
            (st = check_field(name, line, s, ll, "word", err)) != TC_OK)
            goto out;
        bool fresh;
        const uint32_t *first = tc_wordtab_upsert(seen, s, ll, (uint32_t)i, &fresh);
        if (first == NULL) {
            st = tc_fail(err, TC_ENOMEM, "%s:%zu: out of memory", name, line);
            goto out;
        }
        if (!fresh) {
            st = tc_fail(err, TC_EFORMAT, "%s:%zu: duplicate stop word \"%.*s\" (first at line %zu)",
                         name, line, (int)(ll > 80 ? 80 : ll), s, (size_t)*first + 2);
            goto out;
        }
        out->words[i] = (tc_stop_word){s, ll};
        pos += ll + 1;
    }
    if (i != n)
        st = tc_fail(err, TC_EFORMAT, "%s:%zu: truncated: header says %zu words, file has %zu",
                     name, i + 2, n, i);
    out->n = n;
out:
    tc_wordtab_free(&seen);
    if (st != TC_OK)
        tc_stopword_file_release(out);
    return st;
}

void tc_stopword_file_release(tc_stopword_file *f)
{
    free(f->words);
    memset(f, 0, sizeof *f);
}
