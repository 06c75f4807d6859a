/* fuzz_hash_vectorizer.c - libFuzzer target for the HashingVectorizer
 * (tc_hash_vectorizer.h through tc_vectorizer_load_hashing_mem). Byte 0 picks the column
 * count (1 to 2^16 or 2^31 - 1), alternate_sign, binary, the two norms and the n-gram
 * range (1..1 to 1..8, or 2..8), byte 1 sublinear_tf and use_idf (with an idf file of all
 * 2.0, up to 2^16 columns); the rest is the text, with "the" as a stop word. Every entry
 * must lie in range, in ascending columns, and be finite: no sign, cancellation or norm
 * may produce NaN (the exporter refuses sublinear_tf over signed counts, and so does
 * this target). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_vectorizer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char STOP[] = "textclf-stopwords\t1\t1\nthe\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    tc_vectorizer_config c;
    memset(&c, 0, sizeof c);
    c.tokenizer.lowercase = true;
    const unsigned b = data[0], b1 = data[1];
    c.hash_features = (b & 3) == 3 ? INT32_MAX : (uint32_t)1 << ((b & 3) * 8);
    c.alternate_sign = (b & 4) != 0;
    c.binary = (b & 8) != 0;
    c.hash_norm = (tc_norm)((b >> 4 & 3) % 3);
    c.norm = (tc_norm)((b >> 6) % 3);
    c.ngram_min = (b1 & 0x80) ? 2 : 1;
    c.ngram_max = c.ngram_min + (b1 >> 4 & 7) % (9 - c.ngram_min);
    c.use_idf = (b1 & 1) != 0 && c.hash_features <= 65536;
    c.sublinear_tf = (b1 & 2) != 0 && (!c.alternate_sign || c.binary);
    char *idf = NULL;
    if (c.use_idf) {
        idf = malloc(32 + 4 * (size_t)c.hash_features);
        if (idf == NULL)
            return 0;
        int at = sprintf(idf, "textclf-idf\t1\t%u\n", c.hash_features);
        for (uint32_t j = 0; j < c.hash_features; j++, at += 4)
            memcpy(idf + at, "2.0\n", 5);
    }
    char err[TC_ERR_LEN];
    tc_vectorizer *v = NULL;
    if (tc_vectorizer_load_hashing_mem(&c, "stop", STOP, strlen(STOP), "idf", idf,
                                       idf ? strlen(idf) : 0, &v, err) != TC_OK)
        abort();
    free(idf);
    tc_vectorizer_scratch *s = tc_vectorizer_scratch_new();
    tc_sparse row;
    if (s != NULL &&
        tc_vectorizer_transform(v, s, (const char *)data + 2, size - 2, &row, err) == TC_OK) {
        for (size_t i = 0; i < row.nnz; i++)
            if (row.index[i] >= c.hash_features || (i > 0 && row.index[i] <= row.index[i - 1]) ||
                !isfinite(row.value[i]))
                abort();
    }
    tc_vectorizer_scratch_free(&s);
    tc_vectorizer_free(&v);
    return 0;
}
