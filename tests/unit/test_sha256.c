/* test_sha256.c - tc_sha256 (libcrypto) against the FIPS 180-4 / NIST example vectors
 * (incl. one million 'a') and against an independent implementation, coreutils'
 * sha256sum (always present on Debian: a missing one is a failure, not a skip), on
 * random data of every length around the padding boundaries and a few large ones; the
 * hex spelling and its parser. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tc_sha256.h"
#include "tc_test.h"
#include "tc_tmpdir.h"

static bool hex_of(const void *data, size_t n, char hex[TC_SHA256_HEX_LEN + 1])
{
    uint8_t d[TC_SHA256_LEN];
    if (!tc_sha256(data, n, d))
        return false;
    tc_sha256_hex(d, hex);
    return true;
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
        char hex[TC_SHA256_HEX_LEN + 1] = "";
        TC_CHECK(hex_of(v[i].msg, strlen(v[i].msg), hex), "sha256(\"%s\") failed", v[i].msg);
        TC_CHECK(strcmp(hex, v[i].hex) == 0, "sha256(\"%s\") = %s, expected %s", v[i].msg, hex,
                 v[i].hex);
    }
    /* no data at all: the empty message */
    char hex[TC_SHA256_HEX_LEN + 1] = "";
    TC_CHECK(hex_of(NULL, 0, hex) && strcmp(hex, v[0].hex) == 0, "sha256(NULL, 0) = %s", hex);
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
    char hex[TC_SHA256_HEX_LEN + 1] = "";
    TC_CHECK(hex_of(a, n, hex) && strcmp(hex, want) == 0, "million a: %s", hex);
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

/* Every length 0..300 (all padding positions, one and two final blocks) and a few large
 * ones, each a file; one sha256sum run over all of them. */
static void test_matches_sha256sum(void)
{
    enum { SMALL = 301, N = SMALL + 4 };
    size_t lens[N];
    for (size_t i = 0; i < SMALL; i++)
        lens[i] = i;
    lens[SMALL] = 4096;
    lens[SMALL + 1] = 65536 + 17;
    lens[SMALL + 2] = 1000003;
    lens[SMALL + 3] = 3000017;
    static char want[N][TC_SHA256_HEX_LEN + 1], got[N][TC_SHA256_HEX_LEN + 1];
    uint8_t *b = malloc(lens[N - 1]);
    TC_CHECK(b != NULL, "malloc");
    if (b == NULL)
        return;
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < lens[i]; j++)
            b[j] = rnd_byte();
        char name[32];
        snprintf(name, sizeof name, "f%zu", i);
        FILE *f = fopen(tc_tmp_path(name), "wb");
        bool ok = f != NULL && fwrite(b, 1, lens[i], f) == lens[i];
        ok = f != NULL && fclose(f) == 0 && ok;
        TC_CHECK(ok, "writing %s", tc_tmp_path(name));
        TC_CHECK(hex_of(b, lens[i], got[i]), "%zu bytes: tc_sha256 failed", lens[i]);
    }
    free(b);
    /* "sha256sum f0 f1 ...": one "<hex>  <name>" line per file, in argument order */
    static char cmd[4096];
    size_t used = (size_t)snprintf(cmd, sizeof cmd, "cd '%s' && sha256sum", tc_tmpdir);
    for (size_t i = 0; i < N && used < sizeof cmd; i++)
        used += (size_t)snprintf(cmd + used, sizeof cmd - used, " f%zu", i);
    TC_CHECK(used < sizeof cmd, "command too long");
    FILE *p = popen(cmd, "r");
    TC_CHECK(p != NULL, "popen sha256sum");
    size_t read = 0;
    char line[256];
    while (p != NULL && read < N && fgets(line, sizeof line, p) != NULL)
        if (sscanf(line, "%64s", want[read]) == 1)
            read++;
    int rc = p != NULL ? pclose(p) : -1;
    TC_CHECK(rc == 0 && read == N, "sha256sum exited %d after %zu of %d digests", rc, read, N);
    for (size_t i = 0; i < read; i++)
        TC_CHECK(strcmp(got[i], want[i]) == 0, "%zu random bytes: %.64s, sha256sum says %.64s",
                 lens[i], got[i], want[i]);
    for (size_t i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "f%zu", i);
        unlink(tc_tmp_path(name));
    }
    rmdir(tc_tmpdir);
}

static void test_hex(void)
{
    uint8_t d[TC_SHA256_LEN], back[TC_SHA256_LEN];
    for (unsigned i = 0; i < TC_SHA256_LEN; i++)
        d[i] = (uint8_t)(i * 8 + 7);
    char hex[TC_SHA256_HEX_LEN + 1];
    memset(hex, 'X', sizeof hex);
    tc_sha256_hex(d, hex);
    TC_CHECK(strlen(hex) == 64, "hex is 64 chars + NUL");
    TC_CHECK(strncmp(hex, "070f171f272f", 12) == 0 && strcmp(hex + 60, "f7ff") == 0,
             "lowercase hex: %s", hex);
    TC_CHECK(tc_sha256_parse_hex(hex, back) && memcmp(back, d, sizeof d) == 0, "round trip");
    char bad[TC_SHA256_HEX_LEN + 2];
    memcpy(bad, hex, sizeof hex);
    bad[10] = 'A';
    TC_CHECK(!tc_sha256_parse_hex(bad, back), "uppercase accepted");
    bad[10] = 'g';
    TC_CHECK(!tc_sha256_parse_hex(bad, back), "'g' accepted");
    memcpy(bad, hex, sizeof hex);
    bad[63] = '\0';
    TC_CHECK(!tc_sha256_parse_hex(bad, back), "63 digits accepted");
    bad[63] = 'f';
    bad[64] = '0';
    bad[65] = '\0';
    TC_CHECK(!tc_sha256_parse_hex(bad, back), "65 digits accepted");
    TC_CHECK(!tc_sha256_parse_hex("", back), "empty accepted");
}

TC_TESTS(TC_TEST(test_nist_vectors), TC_TEST(test_million_a), TC_TEST(test_matches_sha256sum),
         TC_TEST(test_hex))
