/*
 * loadtime.c - measures tc_model_load on a large synthetic model.
 *
 *   build/tools/loadtime [--terms N] [--runs R] [--keep DIR]
 *
 * Writes (in a fresh temp dir) a complete model with its own writer: a vocabulary of
 * N terms (default 500,000: unigrams and space-joined bigrams of realistic length,
 * some with non-ASCII UTF-8), idf values from a Zipf-like document frequency, a
 * binary logistic-regression linear.tsv with 17-digit weights, golden samples (values
 * computed by a first load without golden verification), and a manifest with sizes and
 * sha256. Then loads it R times (default 7) with full verification and prints the
 * median, min and max in ms:
 *   loadtime: terms=500000 vocab_bytes=... linear_bytes=... median_ms=... min_ms=... max_ms=...
 * Exit status 0 on success, 1 if the model fails to load.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tc_buf.h"
#include "tc_model.h"
#include "tc_sha256.h"
#include "tc_textfile.h"
#include "tc_wordtab.h"

static uint64_t rng = 0x2545F4914F6CDD1Du;

static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * UINT64_C(2685821657736338717);
}

static double rnd01(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }

/* Zipf-like index in [0, n): small indices are much more frequent. */
static size_t zipf_index(size_t n)
{
    double u = rnd01();
    size_t i = (size_t)((double)n * pow(u, 3.0));
    return i < n ? i : n - 1;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int write_file(const char *dir, const char *name, const tc_buf *b, char hex[65])
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(b->data, 1, b->len, f) != b->len) {
        fprintf(stderr, "loadtime: cannot write %s\n", path);
        if (f != NULL)
            fclose(f);
        return -1;
    }
    fclose(f);
    uint8_t d[TC_SHA256_LEN];
    tc_sha256(b->data, b->len, d);
    tc_sha256_hex(d, hex);
    return 0;
}

/* Distinct strings in insertion order: bytes back to back, a table for the
 * duplicate check. */
typedef struct strset {
    tc_wordtab *seen;
    tc_buf bytes;
    size_t *off;
    size_t n, cap;
} strset;

/* Adds s[0..len) unless present; false when out of memory. */
static bool strset_add(strset *set, const char *s, size_t len)
{
    bool fresh = false;
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 1024;
        size_t *off = realloc(set->off, (cap + 1) * sizeof *off);
        if (off == NULL)
            return false;
        set->off = off;
        set->cap = cap;
        set->off[0] = 0;
    }
    if (tc_wordtab_upsert(set->seen, s, len, (uint32_t)set->n, &fresh) == NULL)
        return false;
    if (fresh) {
        tc_buf_append(&set->bytes, s, len);
        set->off[++set->n] = set->bytes.len;
    }
    return true;
}

static const char *strset_get(const strset *set, size_t i, size_t *len)
{
    *len = set->off[i + 1] - set->off[i];
    return set->bytes.data + set->off[i];
}

static void strset_free(strset *set)
{
    tc_wordtab_free(&set->seen);
    tc_buf_free(&set->bytes);
    free(set->off);
}

/* One random word: 2..14 letters, ~4% with a Latin-1 letter, ~1% CJK. */
static void random_word(tc_buf *w)
{
    static const char *const accents[] = {"é", "ö", "ß", "ñ", "ç", "ø"};
    static const char *const cjk[] = {"日", "本", "語", "映", "画", "好"};
    tc_buf_clear(w);
    unsigned kind = (unsigned)(rnd() % 100);
    if (kind == 0) {
        unsigned n = 2 + (unsigned)(rnd() % 3);
        for (unsigned i = 0; i < n; i++)
            tc_buf_append_str(w, cjk[rnd() % 6]);
        return;
    }
    unsigned len = 2 + (unsigned)(rnd() % 5) + (unsigned)(rnd() % 5) + (unsigned)(rnd() % 4);
    for (unsigned i = 0; i < len; i++) {
        if (kind < 5 && i == len / 2)
            tc_buf_append_str(w, accents[rnd() % 6]);
        else
            tc_buf_append_char(w, (char)('a' + rnd() % 26));
    }
}

int main(int argc, char **argv)
{
    size_t n_terms = 500000;
    int runs = 7;
    const char *keep = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--terms") == 0 && i + 1 < argc)
            n_terms = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc)
            keep = argv[++i];
        else {
            fprintf(stderr, "usage: loadtime [--terms N] [--runs R] [--keep DIR]\n");
            return 2;
        }
    }
    if (n_terms < 100 || runs < 1 || runs > 1000) {
        fprintf(stderr, "loadtime: --terms >= 100, --runs 1..1000\n");
        return 2;
    }
    char tmpl[] = "/tmp/textclf_loadtime_XXXXXX";
    const char *dir = keep;
    if (dir == NULL) {
        if (mkdtemp(tmpl) == NULL) {
            perror("loadtime: mkdtemp");
            return 1;
        }
        dir = tmpl;
    } else {
        mkdir(dir, 0755);
    }

    /* words, then terms: ~20% unigrams, the rest bigrams of Zipf-chosen words */
    size_t n_words = n_terms / 5;
    strset words = {tc_wordtab_new(n_words), TC_BUF_INIT, NULL, 0, 0};
    strset terms = {tc_wordtab_new(n_terms), TC_BUF_INIT, NULL, 0, 0};
    tc_buf w = TC_BUF_INIT, t = TC_BUF_INIT;
    if (words.seen == NULL || terms.seen == NULL) {
        fprintf(stderr, "loadtime: out of memory\n");
        return 1;
    }
    while (words.n < n_words) {
        random_word(&w);
        if (!strset_add(&words, w.data, w.len)) {
            fprintf(stderr, "loadtime: out of memory\n");
            return 1;
        }
    }
    for (size_t i = 0; i < n_words; i++) {
        size_t len;
        const char *s = strset_get(&words, i, &len);
        strset_add(&terms, s, len);
    }
    while (terms.n < n_terms) {
        size_t l1, l2;
        const char *a = strset_get(&words, zipf_index(n_words), &l1);
        const char *b = strset_get(&words, zipf_index(n_words), &l2);
        tc_buf_clear(&t);
        tc_buf_append(&t, a, l1);
        tc_buf_append_char(&t, ' ');
        tc_buf_append(&t, b, l2);
        if (!strset_add(&terms, t.data, t.len)) {
            fprintf(stderr, "loadtime: out of memory\n");
            return 1;
        }
    }

    tc_buf vocab = TC_BUF_INIT, linear = TC_BUF_INIT, golden = TC_BUF_INIT, man = TC_BUF_INIT;
    tc_buf_printf(&vocab, "textclf-vocab\t1\t%zu\n", n_terms);
    tc_buf_printf(&linear, "textclf-linear\t1\nrows\t1\nfeatures\t%zu\nintercept\t", n_terms);
    tc_buf_append_double(&linear, 0.123456789 * (rnd01() - 0.5));
    tc_buf_append_str(&linear, "\nweights\n");
    const double n_docs = 50000.0;
    for (size_t i = 0; i < n_terms; i++) {
        /* Zipf-like document frequencies (P(df >= k) ~ 2/k, min_df 2), as in real
         * vocabularies: a few hundred distinct idf values for 10^5 terms */
        double df = fmin(n_docs, floor(2.0 / (1.0 - rnd01())));
        tc_buf_append_double(&vocab, 1.0 + log((1.0 + n_docs) / (1.0 + df)));
        tc_buf_append_char(&vocab, '\t');
        size_t len;
        const char *s = strset_get(&terms, i, &len);
        tc_buf_append(&vocab, s, len);
        tc_buf_append_char(&vocab, '\n');
        /* roughly normal weights of realistic magnitude */
        double g = (rnd01() + rnd01() + rnd01() + rnd01() - 2.0) * 1.7;
        tc_buf_append_double(&linear, g);
        tc_buf_append_char(&linear, '\n');
    }
    /* golden texts: random words; values filled in after a first load */
    enum { N_GOLDEN = 20 };
    tc_buf texts[N_GOLDEN];
    for (int g = 0; g < N_GOLDEN; g++) {
        texts[g] = (tc_buf)TC_BUF_INIT;
        tc_buf_append_str(&texts[g], g == 0 ? "" : "Sample ");
        for (int k = 0; g > 0 && k < 5 + g * 3; k++) {
            size_t len;
            const char *s = strset_get(&words, zipf_index(n_words), &len);
            tc_buf_append(&texts[g], s, len);
            tc_buf_append_str(&texts[g], k % 7 == 6 ? ". " : " ");
        }
    }
    tc_buf_append_str(&golden, "{\"text\": \"x\", \"label\": \"negative\", \"probabilities\": "
                               "{\"negative\": 0.5, \"positive\": 0.5}}\n");

    char hv[65], hl[65], hg[65];
    int rc = 1;
    tc_model *m = NULL;
    char err[TC_ERR_LEN] = "";
    double *ms = calloc((size_t)runs, sizeof *ms);
    double *cpu = calloc((size_t)runs, sizeof *cpu);
    if (ms == NULL || cpu == NULL || write_file(dir, "vocab.tsv", &vocab, hv) != 0 ||
        write_file(dir, "linear.tsv", &linear, hl) != 0)
        goto out;
    for (int pass = 0; pass < 2; pass++) {
        if (write_file(dir, "golden.jsonl", &golden, hg) != 0)
            goto out;
        tc_buf_clear(&man);
        tc_buf_printf(
            &man,
            "{\"format\": \"textclf-model\", \"format_version\": 1, \"name\": \"loadtime\",\n"
            " \"classes\": [\"negative\", \"positive\"],\n"
            " \"vectorizer\": {\"type\": \"tfidf\", \"vocabulary\": \"vocab.tsv\", \"n_features\": "
            "%zu, \"lowercase\": true, \"strip_accents\": null, \"token_pattern\": "
            "\"(?u)\\\\b\\\\w\\\\w+\\\\b\", \"analyzer\": \"word\", \"ngram_range\": [1, 2], "
            "\"stop_words\": null, \"binary\": false, \"sublinear_tf\": true, \"use_idf\": true, "
            "\"smooth_idf\": true, \"norm\": \"l2\", \"dtype\": \"float64\"},\n"
            " \"classifier\": {\"type\": \"linear\", \"file\": \"linear.tsv\", \"estimator\": "
            "\"LogisticRegression\", \"probability\": \"logistic_ovr\"},\n"
            " \"golden\": \"golden.jsonl\",\n"
            " \"files\": {\"vocab.tsv\": {\"sha256\": \"%s\", \"bytes\": %zu},\n"
            "           \"linear.tsv\": {\"sha256\": \"%s\", \"bytes\": %zu},\n"
            "           \"golden.jsonl\": {\"sha256\": \"%s\", \"bytes\": %zu}},\n"
            " \"provenance\": {\"exporter\": \"tests/tools/loadtime.c\"}}\n",
            n_terms, hv, vocab.len, hl, linear.len, hg, golden.len);
        char hm[65];
        if (write_file(dir, "manifest.json", &man, hm) != 0)
            goto out;
        if (pass == 1)
            break;
        /* first pass: compute the golden values with this very model */
        tc_model_load_options lo = {true};
        if (tc_model_load(dir, &lo, &m, err) != TC_OK) {
            fprintf(stderr, "loadtime: first load failed: %s\n", err);
            goto out;
        }
        tc_workspace *ws = tc_workspace_new(m);
        tc_buf_clear(&golden);
        for (int g = 0; ws != NULL && g < N_GOLDEN; g++) {
            tc_prediction p;
            if (tc_model_predict(m, ws, texts[g].data, texts[g].len, &p, err) != TC_OK) {
                fprintf(stderr, "loadtime: predict failed: %s\n", err);
                tc_workspace_free(&ws);
                goto out;
            }
            tc_buf_append_str(&golden, "{\"text\": ");
            tc_buf_append_json_string(&golden, texts[g].data, texts[g].len);
            tc_buf_printf(&golden, ", \"label\": \"%s\", \"probabilities\": {\"negative\": ",
                          tc_model_class_name(m, p.label));
            tc_buf_append_double(&golden, p.values[0]);
            tc_buf_append_str(&golden, ", \"positive\": ");
            tc_buf_append_double(&golden, p.values[1]);
            tc_buf_append_str(&golden, "}}\n");
        }
        tc_workspace_free(&ws);
        tc_model_free(&m);
    }
    for (int r = 0; r < runs; r++) {
        double t0 = now_ms(), c0 = cpu_ms();
        tc_status st = tc_model_load(dir, NULL, &m, err);
        ms[r] = now_ms() - t0;
        cpu[r] = cpu_ms() - c0;
        if (st != TC_OK) {
            fprintf(stderr, "loadtime: load failed: %s\n", err);
            goto out;
        }
        if (r + 1 < runs)
            tc_model_free(&m);
    }
    qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
    qsort(cpu, (size_t)runs, sizeof *cpu, cmp_double);
    /* cpu_ms (process CPU time, all threads) tells a busy machine from a slow loader */
    printf("loadtime: terms=%zu vocab_bytes=%zu linear_bytes=%zu golden=%zu runs=%d "
           "median_ms=%.1f min_ms=%.1f max_ms=%.1f median_cpu_ms=%.1f\n",
           tc_model_n_features(m), vocab.len, linear.len, tc_model_n_golden(m), runs,
           ms[runs / 2], ms[0], ms[runs - 1], cpu[runs / 2]);
    rc = 0;
out:
    tc_model_free(&m);
    free(ms);
    free(cpu);
    if (keep == NULL) {
        static const char *const names[] = {"vocab.tsv", "linear.tsv", "golden.jsonl",
                                            "manifest.json"};
        for (size_t i = 0; i < 4; i++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            unlink(path);
        }
        rmdir(dir);
    }
    for (int g = 0; g < N_GOLDEN; g++)
        tc_buf_free(&texts[g]);
    tc_buf_free(&vocab);
    tc_buf_free(&linear);
    tc_buf_free(&golden);
    tc_buf_free(&man);
    tc_buf_free(&w);
    tc_buf_free(&t);
    strset_free(&words);
    strset_free(&terms);
    return rc;
}
