/* sha256.c - SHA-256 through libcrypto (see tc_sha256.h). EVP_Q_digest fetches the
 * default provider's implementation, which uses the CPU's SHA extensions where it has
 * them (x86 SHA-NI, ARMv8 SHA2).
 *
 * Load time against the hand-written SHA-NI implementation this replaced (85e66af),
 * `textclf check` on the bench models, paired alternating runs: see the figures below.
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
