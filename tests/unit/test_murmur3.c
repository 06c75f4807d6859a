/* test_murmur3.c - MurmurHash3 x86_32 against the algorithm's published test vectors
 * (every tail length), and the two feature-hashing conventions against columns and
 * signs that Spark 3.5's HashingTF and scikit-learn's murmurhash3_32 /
 * HashingVectorizer gave for the same terms. */
#include <stdint.h>
#include <string.h>

#include "tc_murmur3.h"
#include "tc_test.h"

static uint32_t h(const char *s, uint32_t seed) { return tc_murmur3_x86_32(s, strlen(s), seed); }

static void test_published_vectors(void)
{
    TC_CHECK(h("", 0) == 0u, "empty, seed 0: %08x", h("", 0));
    TC_CHECK(h("", 1) == 0x514E28B7u, "empty, seed 1: %08x", h("", 1));
    TC_CHECK(h("", 0xffffffffu) == 0x81F16F39u, "empty, seed ~0: %08x", h("", 0xffffffffu));
    const char zeros[4] = {0, 0, 0, 0};
    TC_CHECK(tc_murmur3_x86_32(zeros, 4, 0) == 0x2362F9DEu, "4 zero bytes");
    TC_CHECK(h("a", 0x9747b28cu) == 0x7FA09EA6u, "a: %08x", h("a", 0x9747b28cu));
    TC_CHECK(h("ab", 0x9747b28cu) == 0x74875592u, "ab: %08x", h("ab", 0x9747b28cu));
    TC_CHECK(h("abc", 0x9747b28cu) == 0xC84A62DDu, "abc: %08x", h("abc", 0x9747b28cu));
    TC_CHECK(h("abcd", 0x9747b28cu) == 0xF0478627u, "abcd: %08x", h("abcd", 0x9747b28cu));
    TC_CHECK(h("aaaa", 0x9747b28cu) == 0x5A97808Au, "aaaa");
    TC_CHECK(h("Hello, world!", 0x9747b28cu) == 0x24884CBAu, "Hello, world!");
    TC_CHECK(h("The quick brown fox jumps over the lazy dog", 0x9747b28cu) == 0x2FA826CDu,
             "quick brown fox");
}

static void test_sklearn_values(void)
{
    /* sklearn.utils.murmurhash3_32(s.encode(), seed) as signed ints */
    TC_CHECK((int32_t)h("a", 0) == 1009084850, "a seed 0");
    TC_CHECK((int32_t)h("ab", 0) == -1681926305, "ab seed 0");
    TC_CHECK((int32_t)h("\xcf\x83\xce\xb1\xcf\x82", 0) == 1452549047, "sigma-alpha-final-sigma");
    TC_CHECK((int32_t)h("a", 42) == -1293573533, "a seed 42");
    TC_CHECK((int32_t)h("", 42) == 142593372, "empty seed 42");
}

static void test_conventions(void)
{
    int sign = 0;
    /* Spark HashingTF(numFeatures=1000): "" -> 372, "a" -> 467 (a negative hash), "b" -> 165 */
    TC_CHECK(tc_hash_feature(TC_HASH_SPARK, "", 0, 1000, 0, &sign) == 372 && sign == 1, "spark ''");
    TC_CHECK(tc_hash_feature(TC_HASH_SPARK, "a", 1, 1000, 0, &sign) == 467 && sign == 1, "spark a");
    TC_CHECK(tc_hash_feature(TC_HASH_SPARK, "b", 1, 1000, 0, &sign) == 165, "spark b");
    /* HashingVectorizer(n_features=1000) on "a hello σας ab": 850 +1, 351 +1, 47 +1, 305 -1 */
    TC_CHECK(tc_hash_feature(TC_HASH_SKLEARN, "a", 1, 1000, 1, &sign) == 850 && sign == 1, "skl a");
    TC_CHECK(tc_hash_feature(TC_HASH_SKLEARN, "hello", 5, 1000, 1, &sign) == 351 && sign == 1,
             "skl hello");
    TC_CHECK(tc_hash_feature(TC_HASH_SKLEARN, "\xcf\x83\xce\xb1\xcf\x82", 6, 1000, 1, &sign) == 47,
             "skl sigma");
    TC_CHECK(tc_hash_feature(TC_HASH_SKLEARN, "ab", 2, 1000, 1, &sign) == 305 && sign == -1,
             "skl ab");
    TC_CHECK(tc_hash_feature(TC_HASH_SKLEARN, "ab", 2, 1000, 0, &sign) == 305 && sign == 1,
             "skl ab without alternate_sign");
    for (uint32_t n = 1; n < 5000; n += 37) {
        uint32_t c = tc_hash_feature(TC_HASH_SPARK, "xyz", 3, n, 0, &sign);
        TC_CHECK(c < n, "column %u >= %u", c, n);
    }
}

TC_TESTS(TC_TEST(test_published_vectors), TC_TEST(test_sklearn_values), TC_TEST(test_conventions))
