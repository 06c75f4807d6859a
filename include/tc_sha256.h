/*
 * tc_sha256.h - SHA-256 of a buffer, computed by OpenSSL's libcrypto (EVP), and the
 * lowercase-hex spelling model manifests use. Used to verify the files a manifest lists.
 * Thread-safe; no state.
 */
#ifndef TC_SHA256_H
#define TC_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TC_SHA256_LEN 32
#define TC_SHA256_HEX_LEN 64

/* Writes the digest of data[0..n) (data may be NULL when n is 0). False only when
 * libcrypto fails (no SHA-256 implementation available, out of memory); digest is then
 * unspecified. */
bool tc_sha256(const void *data, size_t n, uint8_t digest[TC_SHA256_LEN]);

/* Writes 64 lowercase hex digits and a NUL into hex. */
void tc_sha256_hex(const uint8_t digest[TC_SHA256_LEN], char hex[TC_SHA256_HEX_LEN + 1]);

/* Parses exactly 64 lowercase hex digits (NUL-terminated string) into digest; false for
 * anything else (uppercase, other length, other characters), digest then unspecified. */
bool tc_sha256_parse_hex(const char *hex, uint8_t digest[TC_SHA256_LEN]);

#endif
