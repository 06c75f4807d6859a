/*
 * tc_murmur3.h - MurmurHash3 x86_32 (Austin Appleby's public-domain algorithm) and the
 * feature-hashing conventions built on it: which column (and sign) a term goes to.
 *
 * Conventions (one function, a table row each):
 *   TC_HASH_SPARK    Spark ML HashingTF (3.0+): h = murmur3(UTF-8 bytes, seed 42) as a
 *                    signed 32-bit int, column = nonNegativeMod(h, n) (h % n, plus n when
 *                    negative), sign always +1.
 *   TC_HASH_SKLEARN  scikit-learn HashingVectorizer: h = murmur3(UTF-8 bytes, seed 0) as a
 *                    signed int, column = |h| % n, and with alternate_sign the value's
 *                    sign is -1 when h < 0 (sklearn's murmurhash3_bytes_s32). Not wired to
 *                    an exporter yet.
 * Pure functions; no state.
 */
#ifndef TC_MURMUR3_H
#define TC_MURMUR3_H

#include <stddef.h>
#include <stdint.h>

/* MurmurHash3_x86_32 of data[0..len), blocks read little-endian whatever the CPU. */
uint32_t tc_murmur3_x86_32(const void *data, size_t len, uint32_t seed);

typedef enum tc_hash_convention { TC_HASH_SPARK = 0, TC_HASH_SKLEARN } tc_hash_convention;

/* The column (< n_features, which must be > 0 and <= INT32_MAX) of term[0..len) under
 * `conv`, and in *sign the sign its count carries (+1 or -1; -1 only for TC_HASH_SKLEARN
 * with alternate_sign). */
uint32_t tc_hash_feature(tc_hash_convention conv, const char *term, size_t len,
                         uint32_t n_features, int alternate_sign, int *sign);

#endif
