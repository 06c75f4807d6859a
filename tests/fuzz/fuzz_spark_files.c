/* fuzz_spark_files.c - libFuzzer target for Spark models' terms, stop-word and idf files,
 * through tc_spark_vectorizer_load. Input: byte 0 picks hashing or CountVectorizer (bit
 * 0), NGram 2 (bit 1), binary (bit 2) and the norm (bits 3-4); the rest is split at 0xFF
 * bytes (never in valid files) into the vocabulary (count) or nothing (hashing), the
 * stop words and the idf file. A vectorizer that loads transforms the input as a
 * document: ascending columns below n_features and finite values. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_spark_vectorizer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next part of [*p, end) up to a 0xFF byte or the end. */
static const char *part(const char **p, const char *end, size_t *len)
{
    if (*p == NULL)
        return NULL;
    const char *s = *p, *ff = memchr(s, 0xff, (size_t)(end - s));
    *len = (size_t)((ff ? ff : end) - s);
    *p = ff ? ff + 1 : NULL;
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    tc_spark_vectorizer_config c;
    memset(&c, 0, sizeof c);
    c.tokenizer.kind = TC_SPARK_TOKENIZER;
    c.tokenizer.lowercase = true;
    c.tf = (data[0] & 1u) ? TC_SPARK_TF_COUNT : TC_SPARK_TF_HASHING;
    c.ngram = (data[0] & 2u) ? 2 : 1;
    c.binary = (data[0] & 4u) != 0;
    c.norm_p = (unsigned)((data[0] >> 3) % 3);
    c.min_tf = 1.0;
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    size_t vl = 0, sl = 0, il = 0;
    const char *vocab = c.tf == TC_SPARK_TF_COUNT ? part(&p, end, &vl) : NULL;
    const char *stop = part(&p, end, &sl), *idf = part(&p, end, &il);
    c.n_features = 64;
    if (vocab != NULL) {  /* the header's count, when it parses, as n_features */
        const char *tab = memchr(vocab, '\t', vl);
        const char *tab2 = tab ? memchr(tab + 1, '\t', (size_t)(vocab + vl - tab - 1)) : NULL;
        c.n_features = tab2 ? (uint32_t)strtoul(tab2 + 1, NULL, 10) % 100000u : 1u;
        if (c.n_features == 0)
            c.n_features = 1;
    }
    tc_spark_vectorizer *v = NULL;
    char err[TC_ERR_LEN];
    if (tc_spark_vectorizer_load(&c, "terms.txt", vocab, vl, "stopwords.txt", stop, sl, "idf.txt",
                                 idf, il, &v, err) != TC_OK)
        return 0;
    tc_spark_vectorizer_scratch *s = tc_spark_vectorizer_scratch_new();
    tc_sparse x;
    if (s != NULL && tc_spark_vectorizer_transform(v, s, (const char *)data + 1, size - 1, &x,
                                                   err) == TC_OK)
        for (size_t i = 0; i < x.nnz; i++)
            if (x.index[i] >= c.n_features || (i > 0 && x.index[i] <= x.index[i - 1]) ||
                !isfinite(x.value[i]))
                abort();
    tc_spark_vectorizer_scratch_free(&s);
    tc_spark_vectorizer_free(&v);
    return 0;
}
