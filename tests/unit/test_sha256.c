/* test_sha256.c - FIPS 180-4 / NIST example vectors (incl. one million 'a'), incremental
 * updates in every chunking (which exercise both the portable block function, used
 * for short runs, and the SHA-extension one, used for runs of 4+ blocks where the CPU
 * has it), and agreement with coreutils' sha256sum on random data of many lengths. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tc_sha256.h"
#include "tc_test.h"

static void hex_of(const void *data, size_t n, char hex[TC_SHA256_HEX_LEN + 1])
{
    uint8_t d[TC_SHA256_LEN];
    tc_sha256(data, n, d);
    tc_sha256_hex(d, hex);
}

static void test_nist_vectors(void)
{
    static const struct {
        const char *msg, *hex;
    } v[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnop"
         "qrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        char hex[TC_SHA256_HEX_LEN + 1];
        hex_of(v[i].msg, strlen(v[i].msg), hex);
        TC_CHECK(strcmp(hex, v[i].hex) == 0, "sha256(\"%s\") = %s, expected %s", v[i].msg, hex,
                 v[i].hex);
    }
}

static void test_million_a(void)
{
    static const char want[] = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    size_t n = 1000000;
    char *a = malloc(n);
    TC_CHECK(a != NULL, "malloc");
    if (a == NULL)
        return;
    memset(a, 'a', n);
    char hex[TC_SHA256_HEX_LEN + 1];
    hex_of(a, n, hex);
    TC_CHECK(strcmp(hex, want) == 0, "one-shot million a: %s", hex);
    /* incremental, in uneven chunks */
    static const size_t chunks[] = {1, 3, 63, 64, 65, 127, 1000, 4096, 77777};
    for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
        tc_sha256_ctx ctx;
        tc_sha256_init(&ctx);
        for (size_t off = 0; off < n; off += chunks[c])
            tc_sha256_update(&ctx, a + off, off + chunks[c] <= n ? chunks[c] : n - off);
        uint8_t d[TC_SHA256_LEN];
        tc_sha256_final(&ctx, d);
        tc_sha256_hex(d, hex);
        TC_CHECK(strcmp(hex, want) == 0, "million a in chunks of %zu: %s", chunks[c], hex);
    }
    free(a);
}

static uint64_t rng = 88172645463325252u;
static uint8_t rnd_byte(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint8_t)(rng >> 24);
}

/* Every length 0..300 (all padding positions) and a few large ones: one-shot vs
 * byte-by-byte vs random chunking. */
static void test_incremental_equals_oneshot(void)
{
    size_t max = 1 << 20;
    uint8_t *buf = malloc(max);
    if (buf == NULL) {
        TC_CHECK(false, "malloc");
        return;
    }
    for (size_t i = 0; i < max; i++)
        buf[i] = rnd_byte();
    size_t lens[310];
    size_t nl = 0;
    for (size_t l = 0; l <= 300; l++)
        lens[nl++] = l;
    lens[nl++] = 4096;
    lens[nl++] = 65536 + 17;
    lens[nl++] = max;
    for (size_t li = 0; li < nl; li++) {
        size_t n = lens[li];
        uint8_t one[TC_SHA256_LEN], inc[TC_SHA256_LEN], rnd[TC_SHA256_LEN];
        tc_sha256(buf, n, one);
        tc_sha256_ctx c;
        tc_sha256_init(&c);
        for (size_t i = 0; i < n && n <= 4096; i++)
            tc_sha256_update(&c, buf + i, 1);
        if (n > 4096)
            tc_sha256_update(&c, buf, n);
        tc_sha256_final(&c, inc);
        tc_sha256_init(&c);
        for (size_t off = 0; off < n;) {
            size_t take = 1 + (size_t)(rnd_byte() % 200) * (rnd_byte() % 8 == 0 ? 50 : 1);
            if (take > n - off)
                take = n - off;
            tc_sha256_update(&c, buf + off, take);
            off += take;
        }
        tc_sha256_final(&c, rnd);
        TC_CHECK(memcmp(one, inc, sizeof one) == 0 && memcmp(one, rnd, sizeof one) == 0,
                 "length %zu: one-shot and incremental digests differ", n);
    }
    free(buf);
}

/* Independent implementation: coreutils sha256sum on the same bytes. */
static void test_matches_sha256sum(void)
{
    if (system("command -v sha256sum >/dev/null 2>&1") != 0) {
        printf("SKIP test_sha256.c/test_matches_sha256sum: sha256sum not installed\n");
        return;
    }
    char path[] = "/tmp/tc_sha256_XXXXXX";
    int fd = mkstemp(path);
    TC_CHECK(fd >= 0, "mkstemp");
    if (fd < 0)
        return;
    close(fd);
    static const size_t lens[] = {0, 1, 55, 56, 63, 64, 65, 119, 120, 255, 256, 1000, 100003,
                                  3000017};
    for (size_t li = 0; li < sizeof lens / sizeof *lens; li++) {
        size_t n = lens[li];
        uint8_t *b = malloc(n ? n : 1);
        if (b == NULL)
            break;
        for (size_t i = 0; i < n; i++)
            b[i] = rnd_byte();
        FILE *f = fopen(path, "wb");
        if (f == NULL || fwrite(b, 1, n, f) != n) {
            TC_CHECK(false, "writing %s", path);
            if (f)
                fclose(f);
            free(b);
            break;
        }
        fclose(f);
        char cmd[128], want[TC_SHA256_HEX_LEN + 1] = "", hex[TC_SHA256_HEX_LEN + 1];
        snprintf(cmd, sizeof cmd, "sha256sum %s", path);
        FILE *p = popen(cmd, "r");
        if (p == NULL || fscanf(p, "%64s", want) != 1)
            TC_CHECK(false, "running sha256sum");
        if (p)
            pclose(p);
        hex_of(b, n, hex);
        TC_CHECK(strcmp(hex, want) == 0, "%zu random bytes: %s, sha256sum says %s", n, hex, want);
        free(b);
    }
    unlink(path);
}

static void test_hex(void)
{
    uint8_t d[TC_SHA256_LEN];
    for (unsigned i = 0; i < TC_SHA256_LEN; i++)
        d[i] = (uint8_t)(i * 8 + 7);
    char hex[TC_SHA256_HEX_LEN + 1];
    memset(hex, 'X', sizeof hex);
    tc_sha256_hex(d, hex);
    TC_CHECK(strlen(hex) == 64, "hex is 64 chars + NUL");
    TC_CHECK(strncmp(hex, "070f171f272f", 12) == 0 && strcmp(hex + 60, "f7ff") == 0,
             "lowercase hex: %s", hex);
}

TC_TESTS(TC_TEST(test_nist_vectors), TC_TEST(test_million_a),
         TC_TEST(test_incremental_equals_oneshot), TC_TEST(test_matches_sha256sum),
         TC_TEST(test_hex))
