/*
 * murmur3.c - MurmurHash3 x86_32 and the feature-hashing conventions (tc_murmur3.h).
 * Written from the algorithm's published description; tests/unit/test_murmur3.c checks
 * the published test vectors and Spark's and scikit-learn's columns for known terms.
 */
#include "tc_murmur3.h"

#include <string.h>

static uint32_t rotl32(uint32_t x, unsigned r) { return (x << r) | (x >> (32u - r)); }

static uint32_t mix_k1(uint32_t k)
{
    k *= 0xcc9e2d51u;
    k = rotl32(k, 15);
    return k * 0x1b873593u;
}

uint32_t tc_murmur3_x86_32(const void *data, size_t len, uint32_t seed)
{
    const unsigned char *p = data;
    const size_t nblocks = len / 4;
    uint32_t h = seed;
    for (size_t i = 0; i < nblocks; i++) {
        const unsigned char *b = p + 4 * i;
        uint32_t k = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                     (uint32_t)b[3] << 24;
        h ^= mix_k1(k);
        h = rotl32(h, 13);
        h = h * 5u + 0xe6546b64u;
    }
    const unsigned char *tail = p + 4 * nblocks;
    uint32_t k = 0;
    switch (len & 3u) {
    case 3: k ^= (uint32_t)tail[2] << 16; /* fall through */
    case 2: k ^= (uint32_t)tail[1] << 8;  /* fall through */
    case 1: k ^= tail[0]; h ^= mix_k1(k); break;
    default: break;
    }
    h ^= (uint32_t)len;  /* Spark and scikit-learn hash < 2^31 bytes: the length as int */
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
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
