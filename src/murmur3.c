/*
 * murmur3.c - the feature-hashing conventions (tc_murmur3.h) on MurmurHash3 x86_32 from
 * Debian's libmurmurhash. tests/unit/test_murmur3.c checks the published test vectors and
 * Spark's and scikit-learn's columns for known terms.
 */
#include "tc_murmur3.h"

#include <limits.h>
#include <murmurhash.h>

uint32_t tc_murmur3_x86_32(const void *data, size_t len, uint32_t seed)
{
    /* Spark and scikit-learn hash terms of fewer than 2^31 bytes (Java arrays, int32
     * lengths); textclf's tokens are shorter still (tc_token.len is 32 bits). */
    uint32_t out[1];
    lmmh_x86_32(data, len > UINT_MAX ? UINT_MAX : (unsigned)len, seed, out);
    return out[0];
}

uint32_t tc_hash_feature(tc_hash_convention conv, const char *term, size_t len,
                         uint32_t n_features, int alternate_sign, int *sign)
{
    *sign = 1;
    if (conv == TC_HASH_SKLEARN) {
        int32_t h = (int32_t)tc_murmur3_x86_32(term, len, 0);
        /* |INT32_MIN| as unsigned, as numpy's abs on the int32 then the modulo sees it */
        uint32_t a = h < 0 ? (uint32_t)0 - (uint32_t)h : (uint32_t)h;
        if (alternate_sign && h < 0)
            *sign = -1;
        return a % n_features;
    }
    int32_t h = (int32_t)tc_murmur3_x86_32(term, len, 42);
    int32_t m = h % (int32_t)n_features;
    return (uint32_t)(m < 0 ? m + (int32_t)n_features : m);
}
