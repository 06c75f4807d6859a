/*
 * tokdump - runs a tokenizer over documents and prints their tokens; the driver of
 * tests/parity/test_tokenizer.py and the tokenizer throughput measurement. It calls
 * the tokenizer through its family interface (tc_tokens.h), as the vectorizer does;
 * scikit-learn's is the only family so far.
 *
 *   tokdump [-l 0|1] [-s none|ascii|unicode] [-p] [-z] [-q] [-r N] [FILE]
 *
 * Input (FILE or stdin): by default one document per line (the '\n' is not part of
 * it); with -z a stream of records "<decimal byte count>\n<bytes>", so documents may
 * hold any bytes. Output: one line per document, its tokens separated by TAB (tokens
 * never contain TAB or LF: neither is \w), or "!ERR <message>" if the tokenizer
 * failed. -l sets lowercase (default 1), -s strip_accents (default none), -p the
 * portable code path (tc_tokenizer_options.portable). -q prints
 * nothing per document; -r N tokenizes everything N times. A summary with the
 * throughput goes to stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tc_status.h"
#include "tc_tokenizer.h"

typedef struct doc {
    size_t off, len;
} doc;

static int usage(void)
{
    fprintf(stderr,
            "usage: tokdump [-l 0|1] [-s none|ascii|unicode] [-p] [-z] [-q] [-r N] [FILE]\n");
    return 2;
}

static char *read_all(FILE *f, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *p = realloc(buf, cap * 2);
        if (p == NULL) {
            free(buf);
            return NULL;
        }
        buf = p;
        cap *= 2;
    }
    if (buf != NULL && ferror(f)) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* Splits the input into documents; returns the count or -1 on a malformed stream. */
static long split_docs(const char *buf, size_t len, int prefixed, doc **out)
{
    size_t cap = 1024, n = 0, i = 0;
    doc *d = malloc(cap * sizeof *d);
    if (d == NULL)
        return -1;
    while (i < len) {
        size_t off, dl;
        if (prefixed) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(buf + i, &end, 10);
            if (errno != 0 || end == buf + i || (size_t)(end - buf) >= len || *end != '\n' ||
                v > len - (size_t)(end - buf) - 1) {
                free(d);
                return -1;
            }
            off = (size_t)(end - buf) + 1;
            dl = (size_t)v;
            i = off + dl;
        } else {
            const char *nl = memchr(buf + i, '\n', len - i);
            off = i;
            dl = nl ? (size_t)(nl - (buf + i)) : len - i;
            i = off + dl + 1;
        }
        if (n == cap) {
            doc *p = realloc(d, cap * 2 * sizeof *d);
            if (p == NULL) {
                free(d);
                return -1;
            }
            d = p;
            cap *= 2;
        }
        d[n].off = off;
        d[n].len = dl;
        n++;
    }
    *out = d;
    return (long)n;
}

int main(int argc, char **argv)
{
    tc_tokenizer_options opt = {true, TC_STRIP_NONE, false};
    int prefixed = 0, quiet = 0;
    long reps = 1;
    const char *path = NULL;
    for (int a = 1; a < argc; a++) {
        const char *s = argv[a];
        if (strcmp(s, "-l") == 0 && a + 1 < argc) {
            opt.lowercase = strcmp(argv[++a], "0") != 0;
        } else if (strcmp(s, "-s") == 0 && a + 1 < argc) {
            const char *m = argv[++a];
            if (strcmp(m, "none") == 0)
                opt.strip_accents = TC_STRIP_NONE;
            else if (strcmp(m, "ascii") == 0)
                opt.strip_accents = TC_STRIP_ASCII;
            else if (strcmp(m, "unicode") == 0)
                opt.strip_accents = TC_STRIP_UNICODE;
            else
                return usage();
        } else if (strcmp(s, "-p") == 0) {
            opt.portable = true;
        } else if (strcmp(s, "-z") == 0) {
            prefixed = 1;
        } else if (strcmp(s, "-q") == 0) {
            quiet = 1;
        } else if (strcmp(s, "-r") == 0 && a + 1 < argc) {
            reps = strtol(argv[++a], NULL, 10);
            if (reps < 1)
                return usage();
        } else if (s[0] == '-' && s[1] != '\0') {
            return usage();
        } else {
            path = s;
        }
    }
    FILE *f = path ? fopen(path, "rb") : stdin;
    if (f == NULL) {
        fprintf(stderr, "tokdump: %s: %s\n", path, strerror(errno));
        return 1;
    }
    size_t len = 0;
    char *buf = read_all(f, &len);
    if (path)
        fclose(f);
    if (buf == NULL) {
        fprintf(stderr, "tokdump: cannot read input\n");
        return 1;
    }
    doc *docs = NULL;
    long nd = split_docs(buf, len, prefixed, &docs);
    if (nd < 0) {
        fprintf(stderr, "tokdump: malformed length-prefixed stream\n");
        free(buf);
        return 1;
    }
    const tc_tokenizer_ops *family = &tc_sklearn_tokenizer;
    void *sc = family->scratch_new();
    if (sc == NULL) {
        fprintf(stderr, "tokdump: out of memory\n");
        return 1;
    }
    size_t bytes = 0, ntok = 0, nerr = 0;
    struct timespec t0, t1, c0, c1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    for (long r = 0; r < reps; r++) {
        for (long k = 0; k < nd; k++) {
            char err[TC_ERR_LEN];
            tc_token_list tl;
            tc_status st = family->tokenize(&opt, sc, buf + docs[k].off, docs[k].len, &tl, err);
            bytes += docs[k].len;
            if (st != TC_OK) {
                nerr++;
                if (!quiet && r == 0)
                    printf("!ERR %s: %s\n", tc_status_name(st), err);
                continue;
            }
            ntok += tl.count;
            if (quiet || r != 0)
                continue;
            for (size_t t = 0; t < tl.count; t++) {
                if (t)
                    putchar('\t');
                fwrite(tl.text + tl.tokens[t].off, 1, tl.tokens[t].len, stdout);
            }
            putchar('\n');
        }
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    double cpu = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) * 1e-9;
    fprintf(stderr,
            "tokdump: %ld docs x %ld, %zu bytes, %zu tokens, %zu errors, %.3f s wall "
            "(%.1f MB/s), %.3f s CPU (%.1f MB/s)\n",
            nd, reps, bytes, ntok, nerr, secs, secs > 0 ? (double)bytes / secs / 1e6 : 0.0, cpu,
            cpu > 0 ? (double)bytes / cpu / 1e6 : 0.0);
    family->scratch_free(sc);
    free(docs);
    free(buf);
    return fflush(stdout) == 0 ? 0 : 1;
}
