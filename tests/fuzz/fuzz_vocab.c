/* fuzz_vocab.c - libFuzzer target for the vocabulary and stop-word parsers and the
 * vocabulary index built from them, through tc_vectorizer_load_mem. Input: byte 0
 * picks the n-gram range (bits 0-1: min - 1, bits 2-4: max - min, capped at 8) and
 * the norm (bits 5-6); the rest is vocab.tsv, and if it holds a 0xFF byte (never in
 * a valid file: not UTF-8), what follows the first one is stopwords.txt. A model that
 * loads transforms its own vocabulary bytes as a document: every row must have
 * ascending columns below n_features and finite values, of unit length under l2. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_vectorizer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    tc_vectorizer_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.tokenizer.lowercase = true;
    cfg.ngram_min = 1u + (data[0] & 3u);
    cfg.ngram_max = cfg.ngram_min + ((data[0] >> 2) & 7u);
    if (cfg.ngram_max > 8)
        cfg.ngram_max = 8;
    cfg.norm = (tc_norm)((data[0] >> 5) % 3);
    cfg.use_idf = (data[0] & 0x80) != 0;
    const char *vocab = (const char *)data + 1, *stop = NULL;
    size_t vlen = size - 1, slen = 0;
    const char *ff = memchr(vocab, 0xff, vlen);
    if (ff != NULL) {
        stop = ff + 1;
        slen = (size_t)(vocab + vlen - stop);
        vlen = (size_t)(ff - vocab);
    }
    tc_vectorizer *v = NULL;
    char err[TC_ERR_LEN];
    if (tc_vectorizer_load_mem(&cfg, "vocab.tsv", vocab, vlen, "stopwords.txt", stop, slen, &v,
                               err) != TC_OK) {
        if (v != NULL || err[0] == '\0')
            abort();
        return 0;
    }
    tc_vectorizer_scratch *s = tc_vectorizer_scratch_new();
    if (s == NULL)
        abort();
    tc_sparse x;
    if (tc_vectorizer_transform(v, s, vocab, vlen, &x, err) == TC_OK) {
        double sum = 0.0;
        for (size_t i = 0; i < x.nnz; i++) {
            if (x.index[i] >= tc_vectorizer_n_features(v) || (i > 0 && x.index[i] <= x.index[i - 1]) ||
                !isfinite(x.value[i]))
                abort();
            sum += x.value[i] * x.value[i];
        }
        if (cfg.norm == TC_NORM_L2 && x.nnz > 0 && fabs(sum - 1.0) > 1e-9)
            abort();
    }
    tc_vectorizer_scratch_free(&s);
    tc_vectorizer_free(&v);
    return 0;
}
