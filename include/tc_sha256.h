/*
 * tc_sha256.h - SHA-256 (FIPS 180-4), streaming and one-shot, plus lowercase hex.
 * Used to verify the files a model manifest lists.
 */
#ifndef TC_SHA256_H
#define TC_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define TC_SHA256_LEN 32
#define TC_SHA256_HEX_LEN 64

typedef struct tc_sha256 {
    uint32_t h[8];
    uint64_t total;        /* bytes hashed so far */
    uint8_t block[64];
    size_t fill;           /* bytes pending in block */
} tc_sha256_ctx;

void tc_sha256_init(tc_sha256_ctx *c);
void tc_sha256_update(tc_sha256_ctx *c, const void *data, size_t n);
void tc_sha256_final(tc_sha256_ctx *c, uint8_t digest[TC_SHA256_LEN]);

void tc_sha256(const void *data, size_t n, uint8_t digest[TC_SHA256_LEN]);
/* Writes 64 lowercase hex digits and a NUL into hex. */
void tc_sha256_hex(const uint8_t digest[TC_SHA256_LEN], char hex[TC_SHA256_HEX_LEN + 1]);

#endif
