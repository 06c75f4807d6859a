/* svmfile.c - strict validation of libsvm model files (see tc_svmfile.h).
 *
 * Grammar accepted (what svm_save_model writes; fields separated by spaces/tabs,
 * trailing blanks allowed, one key per line):
 *   svm_type c_svc
 *   kernel_type linear|polynomial|rbf|sigmoid
 *   [degree D] [gamma G] [coef0 C]      (those the kernel needs are required)
 *   nr_class K            (before rho/label/probA/probB/nr_sv: libsvm sizes them by it)
 *   total_sv L
 *   rho      K(K-1)/2 numbers
 *   label    K integers
 *   [probA   K(K-1)/2 numbers]  [probB ...]  (both or neither)
 *   nr_sv    K counts summing to L
 *   SV
 *   L lines: K-1 numbers, then index:value pairs, indices strictly ascending
 */
#include "tc_svmfile.h"

#include <stdint.h>
#include <string.h>

#include "tc_numparse.h"

#define MAX_CLASSES 65536u

typedef struct cursor {
    const char *path;
    const char *data;
    size_t len;
    size_t pos;     /* start of the next line */
    size_t lineno;  /* number of the line last returned */
} cursor;

/* Next line [*s, *s + *n) without its '\n'. False at end of data. */
static bool next_line(cursor *c, const char **s, size_t *n)
{
    if (c->pos >= c->len)
        return false;
    const char *start = c->data + c->pos;
    const char *nl = memchr(start, '\n', c->len - c->pos);
    size_t l = nl ? (size_t)(nl - start) : c->len - c->pos;
    *s = start;
    *n = l;
    c->pos += l + (nl ? 1 : 0);
    c->lineno++;
    return true;
}

static bool is_blank(char ch) { return ch == ' ' || ch == '\t'; }

/* Next blank-separated token of [*p, end). False when only blanks remain. */
static bool next_tok(const char **p, const char *end, const char **ts, size_t *tn)
{
    const char *q = *p;
    while (q < end && is_blank(*q))
        q++;
    if (q == end) {
        *p = q;
        return false;
    }
    const char *t = q;
    while (q < end && !is_blank(*q))
        q++;
    *ts = t;
    *tn = (size_t)(q - t);
    *p = q;
    return true;
}

static bool tok_is(const char *t, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(t, word, n) == 0;
}

/* Reads exactly `count` numbers and nothing else from the rest of the line. */
static tc_status read_numbers(const cursor *c, const char *key, const char **p,
                              const char *end, size_t count, char *err)
{
    const char *t;
    size_t tn;
    for (size_t i = 0; i < count; i++) {
        double v;
        if (!next_tok(p, end, &t, &tn))
            return tc_fail(err, TC_EFORMAT, "%s:%zu: %s needs %zu values, found %zu",
                           c->path, c->lineno, key, count, i);
        if (!tc_parse_double(t, tn, &v))
            return tc_fail(err, TC_EFORMAT, "%s:%zu: %s value %zu is not a finite number: \"%.*s\"",
                           c->path, c->lineno, key, i + 1, (int)(tn > 40 ? 40 : tn), t);
    }
    if (next_tok(p, end, &t, &tn))
        return tc_fail(err, TC_EFORMAT, "%s:%zu: %s has more than %zu values", c->path,
                       c->lineno, key, count);
    return TC_OK;
}

/* One unsigned integer as the whole rest of the line. */
static tc_status read_count(const cursor *c, const char *key, const char **p, const char *end,
                            uint64_t max, uint64_t *out, char *err)
{
    const char *t;
    size_t tn;
    const char *extra;
    size_t en;
    if (!next_tok(p, end, &t, &tn) || !tc_parse_u64(t, tn, out) || *out > max ||
        next_tok(p, end, &extra, &en))
        return tc_fail(err, TC_EFORMAT, "%s:%zu: %s must be one integer in 0..%llu",
                       c->path, c->lineno, key, (unsigned long long)max);
    return TC_OK;
}

enum {
    SEEN_SVM_TYPE = 1 << 0,
    SEEN_KERNEL = 1 << 1,
    SEEN_DEGREE = 1 << 2,
    SEEN_GAMMA = 1 << 3,
    SEEN_COEF0 = 1 << 4,
    SEEN_NR_CLASS = 1 << 5,
    SEEN_TOTAL_SV = 1 << 6,
    SEEN_RHO = 1 << 7,
    SEEN_LABEL = 1 << 8,
    SEEN_PROBA = 1 << 9,
    SEEN_PROBB = 1 << 10,
    SEEN_NR_SV = 1 << 11
};

static const char *const header_keys[] = {"svm_type", "kernel_type", "degree", "gamma",
                                          "coef0",    "nr_class",    "total_sv", "rho",
                                          "label",    "probA",       "probB",  "nr_sv"};

typedef struct header {
    unsigned seen;
    tc_svm_kernel kernel;
    uint64_t total_sv;
    uint64_t nr_sv_sum;
} header;

static tc_status header_line(cursor *c, const tc_svmfile_expect *ex, header *h,
                             const char *key, size_t key_n, const char **p, const char *end,
                             char *err)
{
    const size_t k = ex->n_classes;
    const size_t pairs = k * (k - 1) / 2;
    size_t which = sizeof header_keys / sizeof *header_keys;
    for (size_t i = 0; i < sizeof header_keys / sizeof *header_keys; i++)
        if (tok_is(key, key_n, header_keys[i]))
            which = i;
    if (which == sizeof header_keys / sizeof *header_keys)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: unknown header key \"%.*s\"", c->path,
                       c->lineno, (int)(key_n > 40 ? 40 : key_n), key);
    unsigned bit = 1u << which;
    if (h->seen & bit)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: duplicate header key %s", c->path, c->lineno,
                       header_keys[which]);
    if (bit >= SEEN_RHO && bit != SEEN_TOTAL_SV && !(h->seen & SEEN_NR_CLASS))
        return tc_fail(err, TC_EFORMAT, "%s:%zu: %s before nr_class", c->path, c->lineno,
                       header_keys[which]);
    h->seen |= bit;

    const char *t;
    size_t tn;
    const char *extra;
    size_t en;
    switch (bit) {
    case SEEN_SVM_TYPE:
        if (!next_tok(p, end, &t, &tn) || !tok_is(t, tn, "c_svc") || next_tok(p, end, &extra, &en))
            return tc_fail(err, TC_EFORMAT, "%s:%zu: svm_type must be c_svc", c->path, c->lineno);
        return TC_OK;
    case SEEN_KERNEL: {
        static const char *const names[] = {"linear", "polynomial", "rbf", "sigmoid"};
        size_t kk = 4;
        if (next_tok(p, end, &t, &tn))
            for (size_t i = 0; i < 4; i++)
                if (tok_is(t, tn, names[i]))
                    kk = i;
        if (kk == 4 || next_tok(p, end, &extra, &en))
            return tc_fail(err, TC_EFORMAT,
                           "%s:%zu: kernel_type must be linear, polynomial, rbf or sigmoid",
                           c->path, c->lineno);
        h->kernel = (tc_svm_kernel)kk;
        return TC_OK;
    }
    case SEEN_DEGREE: {
        uint64_t d;
        /* libsvm reads degree with %d; svm_check_parameter refuses negatives. */
        return read_count(c, "degree", p, end, INT32_MAX, &d, err);
    }
    case SEEN_GAMMA:
    case SEEN_COEF0:
        return read_numbers(c, header_keys[which], p, end, 1, err);
    case SEEN_NR_CLASS: {
        uint64_t n;
        tc_status st = read_count(c, "nr_class", p, end, MAX_CLASSES, &n, err);
        if (st != TC_OK)
            return st;
        if (n != k)
            return tc_fail(err, TC_EFORMAT, "%s:%zu: nr_class %llu, but the model has %zu classes",
                           c->path, c->lineno, (unsigned long long)n, k);
        return TC_OK;
    }
    case SEEN_TOTAL_SV: {
        tc_status st = read_count(c, "total_sv", p, end, INT32_MAX, &h->total_sv, err);
        if (st == TC_OK && h->total_sv == 0)
            return tc_fail(err, TC_EFORMAT, "%s:%zu: total_sv is 0", c->path, c->lineno);
        return st;
    }
    case SEEN_RHO:
    case SEEN_PROBA:
    case SEEN_PROBB:
        return read_numbers(c, header_keys[which], p, end, pairs, err);
    case SEEN_LABEL:
        for (size_t i = 0; i < k; i++) {
            int64_t v;
            if (!next_tok(p, end, &t, &tn) || !tc_parse_i64(t, tn, &v) || v < INT32_MIN ||
                v > INT32_MAX)
                return tc_fail(err, TC_EFORMAT, "%s:%zu: label needs %zu integers", c->path,
                               c->lineno, k);
            if (ex->labels == NULL || v != ex->labels[i])
                return tc_fail(err, TC_EFORMAT,
                               "%s:%zu: label entry %zu is %lld, but the manifest's "
                               "libsvm_labels[%zu] is %d",
                               c->path, c->lineno, i + 1, (long long)v, i,
                               ex->labels ? ex->labels[i] : 0);
        }
        if (next_tok(p, end, &extra, &en))
            return tc_fail(err, TC_EFORMAT, "%s:%zu: label has more than %zu values", c->path,
                           c->lineno, k);
        return TC_OK;
    case SEEN_NR_SV:
        for (size_t i = 0; i < k; i++) {
            uint64_t v;
            if (!next_tok(p, end, &t, &tn) || !tc_parse_u64(t, tn, &v) || v > INT32_MAX)
                return tc_fail(err, TC_EFORMAT, "%s:%zu: nr_sv needs %zu counts", c->path,
                               c->lineno, k);
            h->nr_sv_sum += v;
        }
        if (next_tok(p, end, &extra, &en))
            return tc_fail(err, TC_EFORMAT, "%s:%zu: nr_sv has more than %zu values", c->path,
                           c->lineno, k);
        return TC_OK;
    default:
        return tc_fail(err, TC_EFORMAT, "%s:%zu: internal: unhandled key", c->path, c->lineno);
    }
}

static tc_status check_header(const cursor *c, const tc_svmfile_expect *ex, const header *h,
                              char *err)
{
    static const struct {
        unsigned bit;
        const char *key;
    } required[] = {{SEEN_SVM_TYPE, "svm_type"}, {SEEN_KERNEL, "kernel_type"},
                    {SEEN_NR_CLASS, "nr_class"}, {SEEN_TOTAL_SV, "total_sv"},
                    {SEEN_RHO, "rho"},           {SEEN_LABEL, "label"},
                    {SEEN_NR_SV, "nr_sv"}};
    for (size_t i = 0; i < sizeof required / sizeof *required; i++)
        if (!(h->seen & required[i].bit))
            return tc_fail(err, TC_EFORMAT, "%s:%zu: header has no %s line", c->path, c->lineno,
                           required[i].key);
    unsigned need = 0;
    if (h->kernel == TC_SVM_KERNEL_POLY)
        need = SEEN_DEGREE | SEEN_GAMMA | SEEN_COEF0;
    else if (h->kernel == TC_SVM_KERNEL_RBF)
        need = SEEN_GAMMA;
    else if (h->kernel == TC_SVM_KERNEL_SIGMOID)
        need = SEEN_GAMMA | SEEN_COEF0;
    if ((h->seen & need) != need)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: kernel is missing degree, gamma or coef0",
                       c->path, c->lineno);
    bool pa = (h->seen & SEEN_PROBA) != 0, pb = (h->seen & SEEN_PROBB) != 0;
    if (pa != pb)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: %s without %s", c->path, c->lineno,
                       pa ? "probA" : "probB", pa ? "probB" : "probA");
    if (ex->need_probability && !pa)
        return tc_fail(err, TC_EFORMAT,
                       "%s:%zu: probabilities are required but the file has no probA/probB",
                       c->path, c->lineno);
    if (h->nr_sv_sum != h->total_sv)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: nr_sv sums to %llu, total_sv is %llu", c->path,
                       c->lineno, (unsigned long long)h->nr_sv_sum,
                       (unsigned long long)h->total_sv);
    return TC_OK;
}

static tc_status sv_line(const cursor *c, const tc_svmfile_expect *ex, const char *s, size_t n,
                         char *err)
{
    const char *p = s, *end = s + n;
    const char *t;
    size_t tn;
    for (size_t i = 0; i + 1 < ex->n_classes; i++) {
        double v;
        if (!next_tok(&p, end, &t, &tn))
            return tc_fail(err, TC_EFORMAT, "%s:%zu: support vector needs %zu coefficients",
                           c->path, c->lineno, ex->n_classes - 1);
        if (!tc_parse_double(t, tn, &v))
            return tc_fail(err, TC_EFORMAT, "%s:%zu: coefficient %zu is not a finite number",
                           c->path, c->lineno, i + 1);
    }
    uint64_t prev = 0;
    while (next_tok(&p, end, &t, &tn)) {
        const char *colon = memchr(t, ':', tn);
        uint64_t idx;
        double v;
        if (colon == NULL)
            return tc_fail(err, TC_EFORMAT, "%s:%zu: expected index:value, got \"%.*s\"", c->path,
                           c->lineno, (int)(tn > 40 ? 40 : tn), t);
        size_t in = (size_t)(colon - t);
        if (!tc_parse_u64(t, in, &idx))
            return tc_fail(err, TC_EFORMAT, "%s:%zu: bad feature index \"%.*s\"", c->path,
                           c->lineno, (int)(in > 40 ? 40 : in), t);
        if (idx == 0 || idx > ex->n_features)
            return tc_fail(err, TC_EFORMAT, "%s:%zu: feature index %llu outside 1..%zu", c->path,
                           c->lineno, (unsigned long long)idx, ex->n_features);
        if (idx <= prev)
            return tc_fail(err, TC_EFORMAT,
                           "%s:%zu: feature index %llu does not ascend (after %llu)", c->path,
                           c->lineno, (unsigned long long)idx, (unsigned long long)prev);
        if (!tc_parse_double(colon + 1, tn - in - 1, &v))
            return tc_fail(err, TC_EFORMAT, "%s:%zu: value of feature %llu is not a finite number",
                           c->path, c->lineno, (unsigned long long)idx);
        prev = idx;
    }
    return TC_OK;
}

tc_status tc_svmfile_validate(const char *path, const char *data, size_t len,
                              const tc_svmfile_expect *expect, tc_svmfile_info *info,
                              char *err)
{
    cursor c = {path, data, len, 0, 0};
    header h = {0, TC_SVM_KERNEL_LINEAR, 0, 0};
    const char *s;
    size_t n;
    tc_status st;
    if (expect->n_classes < 2 || expect->n_classes > MAX_CLASSES || expect->n_features == 0)
        return tc_fail(err, TC_EFORMAT, "%s: model needs 2..%u classes and >= 1 feature", path,
                       MAX_CLASSES);
    const char *nul = memchr(data, '\0', len);
    if (nul != NULL) {
        size_t line = 1;
        for (const char *q = data; q < nul; q++)
            line += *q == '\n';
        return tc_fail(err, TC_EFORMAT, "%s:%zu: NUL byte in file", path, line);
    }
    for (;;) {
        if (!next_line(&c, &s, &n))
            return tc_fail(err, TC_EFORMAT, "%s:%zu: file ends before the SV line", path,
                           c.lineno + 1);
        const char *p = s, *end = s + n;
        const char *key;
        size_t key_n;
        if (!next_tok(&p, end, &key, &key_n))
            return tc_fail(err, TC_EFORMAT, "%s:%zu: empty line in header", path, c.lineno);
        if (tok_is(key, key_n, "SV")) {
            const char *extra;
            size_t en;
            if (next_tok(&p, end, &extra, &en))
                return tc_fail(err, TC_EFORMAT, "%s:%zu: text after SV", path, c.lineno);
            break;
        }
        st = header_line(&c, expect, &h, key, key_n, &p, end, err);
        if (st != TC_OK)
            return st;
    }
    st = check_header(&c, expect, &h, err);
    if (st != TC_OK)
        return st;
    for (uint64_t i = 0; i < h.total_sv; i++) {
        if (!next_line(&c, &s, &n))
            return tc_fail(err, TC_EFORMAT, "%s:%zu: file ends after %llu of %llu support vectors",
                           path, c.lineno + 1, (unsigned long long)i,
                           (unsigned long long)h.total_sv);
        st = sv_line(&c, expect, s, n, err);
        if (st != TC_OK)
            return st;
    }
    if (c.pos < len)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: text after the last of %llu support vectors",
                       path, c.lineno + 1, (unsigned long long)h.total_sv);
    info->kernel = h.kernel;
    info->total_sv = (size_t)h.total_sv;
    info->has_probability = (h.seen & SEEN_PROBA) != 0;
    return TC_OK;
}
