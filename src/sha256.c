/* sha256.c - SHA-256 through libcrypto (see tc_sha256.h). EVP_Q_digest fetches the
 * default provider's implementation, which uses the CPU's SHA extensions where it has
 * them (x86 SHA-NI, ARMv8 SHA2).
 *
 * It replaced a hand-written SHA-NI implementation (85e66af) at no cost in load time,
 * measured on the shared 2-core VM (load average 10-16), old and new binaries alternating:
 *  - `textclf check` "load time", 11 pairs per model: unigram (2 MB vocabulary) median
 *    36.1 ms old, 36.3 ms new, paired difference median -2.5 ms; bigram (13 MB vocabulary
 *    + 9 MB weights) 339 ms old, 288 ms new, paired difference median -37 ms. (The
 *    hashing runs on the loader's second thread, beside the vocabulary build.)
 *  - hashing alone, 15 alternating runs: bigram vocab.tsv median 43.6 ms old, 31.5 ms
 *    libcrypto; linear.tsv 26.2 vs 21.2 ms; unigram vocab.tsv 1.76 vs 1.20 ms.
 */
#include "tc_sha256.h"

#include <openssl/evp.h>

bool tc_sha256(const void *data, size_t n, uint8_t digest[TC_SHA256_LEN])
{
    size_t got = 0;
    if (data == NULL)
        data = "";
    return EVP_Q_digest(NULL, "SHA256", NULL, data, n, digest, &got) == 1 &&
           got == TC_SHA256_LEN;
}

void tc_sha256_hex(const uint8_t digest[TC_SHA256_LEN], char hex[TC_SHA256_HEX_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < TC_SHA256_LEN; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[TC_SHA256_HEX_LEN] = '\0';
}

static int hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

bool tc_sha256_parse_hex(const char *hex, uint8_t digest[TC_SHA256_LEN])
{
    for (size_t i = 0; i < TC_SHA256_LEN; i++) {
        int hi = hex_value(hex[2 * i]);
        int lo = hi < 0 ? -1 : hex_value(hex[2 * i + 1]);
        if (lo < 0)
            return false;
        digest[i] = (uint8_t)(hi << 4 | lo);
    }
    return hex[TC_SHA256_HEX_LEN] == '\0';
}
