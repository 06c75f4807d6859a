/* sha256.c - SHA-256 per FIPS 180-4 (see tc_sha256.h). The model loader hashes every
 * file once, so this is on the load-time path: portable C runs at ~200 MB/s, which
 * alone would cost ~100 ms for a 500k-term model; on x86-64 CPUs with the SHA
 * extensions (checked with cpuid at each call, no global state) the block function
 * uses them (~1.5-2 GB/s) for runs of 4+ blocks. Tests compare chunkings that take
 * either path with each other and with sha256sum. */
#include "tc_sha256.h"

#include <stdbool.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TC_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u,
    0x923f82a4u, 0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u,
    0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u,
    0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u,
    0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u,
    0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au,
    0x5b9cca4fu, 0x682e6ff3u, 0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u,
    0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u};

static inline uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32u - n)); }

static inline uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void compress_portable(uint32_t h[8], const uint8_t *p, size_t blocks)
{
    uint32_t w[64];
    while (blocks--) {
        for (unsigned i = 0; i < 16; i++)
            w[i] = load_be32(p + 4 * i);
        for (unsigned i = 16; i < 64; i++) {
            uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6],
                 k = h[7];
        for (unsigned i = 0; i < 64; i++) {
            uint32_t t1 = k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) +
                          K[i] + w[i];
            uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            k = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
        h[5] += f;
        h[6] += g;
        h[7] += k;
        p += 64;
    }
}

#ifdef TC_SHA_NI
static bool cpu_has_sha_ni(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 19)) || !(c & (1u << 9)))
        return false;  /* SSE4.1, SSSE3 */
    if (__get_cpuid_max(0, NULL) < 7)
        return false;
    __cpuid_count(7, 0, a, b, c, d);
    return (b & (1u << 29)) != 0;  /* SHA */
}

/* Two rounds per sha256rnds2; the state lives as {A,B,E,F} and {C,D,G,H} in the lane
 * order the instruction defines; message words are byte-swapped into lanes and the
 * schedule is extended four words at a time with sha256msg1/msg2. */
__attribute__((target("sha,sse4.1,ssse3"))) static void compress_shani(uint32_t h[8],
                                                                       const uint8_t *p,
                                                                       size_t blocks)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i t = _mm_loadu_si128((const __m128i *)(const void *)h);          /* a b c d */
    __m128i s1 = _mm_loadu_si128((const __m128i *)(const void *)(h + 4));   /* e f g h */
    t = _mm_shuffle_epi32(t, 0xB1);                                          /* b a d c */
    s1 = _mm_shuffle_epi32(s1, 0x1B);                                        /* h g f e */
    __m128i s0 = _mm_alignr_epi8(t, s1, 8);                                  /* f e b a */
    s1 = _mm_blend_epi16(s1, t, 0xF0);                                       /* h g d c */
    while (blocks--) {
        const __m128i save0 = s0, save1 = s1;
        __m128i m[4];
        for (int i = 0; i < 4; i++)
            m[i] = _mm_shuffle_epi8(
                _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i)), bswap);
        for (int g = 0; g < 16; g++) {
            if (g >= 4) {
                __m128i x = _mm_sha256msg1_epu32(m[g & 3], m[(g + 1) & 3]);
                x = _mm_add_epi32(x, _mm_alignr_epi8(m[(g + 3) & 3], m[(g + 2) & 3], 4));
                m[g & 3] = _mm_sha256msg2_epu32(x, m[(g + 3) & 3]);
            }
            __m128i wk = _mm_add_epi32(
                m[g & 3], _mm_loadu_si128((const __m128i *)(const void *)(K + 4 * g)));
            s1 = _mm_sha256rnds2_epu32(s1, s0, wk);
            s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(wk, 0x0E));
        }
        s0 = _mm_add_epi32(s0, save0);
        s1 = _mm_add_epi32(s1, save1);
        p += 64;
    }
    t = _mm_shuffle_epi32(s0, 0x1B);            /* a b e f (lanes 0..3) */
    s1 = _mm_shuffle_epi32(s1, 0xB1);           /* g h c d */
    s0 = _mm_blend_epi16(t, s1, 0xF0);          /* a b c d */
    s1 = _mm_alignr_epi8(s1, t, 8);             /* e f g h */
    _mm_storeu_si128((__m128i *)(void *)h, s0);
    _mm_storeu_si128((__m128i *)(void *)(h + 4), s1);
}
#endif

static void compress(uint32_t h[8], const uint8_t *p, size_t blocks)
{
#ifdef TC_SHA_NI
    /* cpuid costs about as much as a block or two; skip it for tiny inputs. */
    if (blocks >= 4 && cpu_has_sha_ni()) {
        compress_shani(h, p, blocks);
        return;
    }
#endif
    compress_portable(h, p, blocks);
}

void tc_sha256_init(tc_sha256_ctx *c)
{
    static const uint32_t iv[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                                   0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
    memcpy(c->h, iv, sizeof iv);
    c->total = 0;
    c->fill = 0;
}

void tc_sha256_update(tc_sha256_ctx *c, const void *data, size_t n)
{
    const uint8_t *p = data;
    c->total += n;
    if (c->fill > 0) {
        size_t take = 64 - c->fill < n ? 64 - c->fill : n;
        memcpy(c->block + c->fill, p, take);
        c->fill += take;
        p += take;
        n -= take;
        if (c->fill < 64)
            return;
        compress(c->h, c->block, 1);
        c->fill = 0;
    }
    if (n >= 64) {
        compress(c->h, p, n / 64);
        p += n / 64 * 64;
        n %= 64;
    }
    if (n > 0) {
        memcpy(c->block, p, n);
        c->fill = n;
    }
}

void tc_sha256_final(tc_sha256_ctx *c, uint8_t digest[TC_SHA256_LEN])
{
    uint64_t bits = c->total * 8u;
    uint8_t pad[72];
    size_t padlen = (c->fill < 56 ? 56 : 120) - c->fill;
    memset(pad, 0, sizeof pad);
    pad[0] = 0x80;
    for (unsigned i = 0; i < 8; i++)
        pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
    uint64_t total = c->total;
    tc_sha256_update(c, pad, padlen + 8);
    c->total = total;
    for (unsigned i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(c->h[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
        digest[4 * i + 3] = (uint8_t)c->h[i];
    }
}

void tc_sha256(const void *data, size_t n, uint8_t digest[TC_SHA256_LEN])
{
    tc_sha256_ctx c;
    tc_sha256_init(&c);
    tc_sha256_update(&c, data, n);
    tc_sha256_final(&c, digest);
}

void tc_sha256_hex(const uint8_t digest[TC_SHA256_LEN], char hex[TC_SHA256_HEX_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < TC_SHA256_LEN; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[TC_SHA256_HEX_LEN] = '\0';
}
