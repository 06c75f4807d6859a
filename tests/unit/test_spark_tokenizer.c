/* test_spark_tokenizer.c - Spark's Tokenizer and default RegexTokenizer: the token lists
 * Spark 3.5.8 (Java 17) gave for the same texts (empty tokens, leading / trailing
 * whitespace, Java's ASCII-only \s, lowercasing incl. U+0130, final sigma and a letter
 * Java 17 does not lowercase, minTokenLength in UTF-16 units), and refusals. */
#include <stdlib.h>
#include <string.h>

#include "tc_spark_tokenizer.h"
#include "tc_test.h"

/* Tokens joined by '|' into buf. */
static const char *toks(tc_spark_tokenizer_kind kind, bool lower, uint32_t minlen,
                        const char *text, char *buf, size_t cap)
{
    tc_spark_tokenizer_options o = {.kind = kind, .lowercase = lower, .min_token_length = minlen};
    void *s = tc_spark_tokenizer.scratch_new();
    tc_token_list tl;
    char err[TC_ERR_LEN];
    buf[0] = '\0';
    if (tc_spark_tokenizer.tokenize(&o, s, text, strlen(text), &tl, err) != TC_OK) {
        snprintf(buf, cap, "ERROR %.400s", err);
    } else {
        size_t n = 0;
        for (size_t i = 0; i < tl.count; i++)
            n += (size_t)snprintf(buf + n, cap - n, "%s%.*s", i ? "|" : "", (int)tl.tokens[i].len,
                                  tl.text + tl.tokens[i].off);
        if (tl.count == 0)
            snprintf(buf, cap, "<none>");
    }
    tc_spark_tokenizer.scratch_free(s);
    return buf;
}

#define EXPECT(kind, lower, minlen, text, want)                                          \
    do {                                                                                 \
        char b_[512];                                                                    \
        const char *got_ = toks(kind, lower, minlen, text, b_, sizeof b_);              \
        TC_CHECK(strcmp(got_, want) == 0, "%s: got [%s] want [%s]", #text, got_, want); \
    } while (0)

static void test_tokenizer_split(void)
{
    const tc_spark_tokenizer_kind T = TC_SPARK_TOKENIZER;
    EXPECT(T, true, 0, "", "");          /* one empty token */
    EXPECT(T, true, 0, " ", "<none>");
    EXPECT(T, true, 0, "   ", "<none>");
    EXPECT(T, true, 0, "  a", "||a");
    EXPECT(T, true, 0, "a  b ", "a||b");
    EXPECT(T, true, 0, "Hello\tWORLD\xc2\xa0x\xe2\x80\xa8y\x0bz\x0c", "hello|world\xc2\xa0x\xe2\x80\xa8y|z");
    EXPECT(T, true, 0, "a\xc2\x85" "b \xf0\x9f\x98\x80 x", "a\xc2\x85" "b|\xf0\x9f\x98\x80|x");
}

static void test_regex_split(void)
{
    const tc_spark_tokenizer_kind R = TC_SPARK_REGEX_GAPS;
    EXPECT(R, true, 1, "  a", "a");
    EXPECT(R, true, 0, "  a", "|a");     /* the leading empty string, kept at minTokenLength 0 */
    EXPECT(R, true, 0, "", "");
    EXPECT(R, true, 1, "", "<none>");
    EXPECT(R, true, 1, "a  b \t", "a|b");
    EXPECT(R, false, 1, "MiXeD Case", "MiXeD|Case");
    EXPECT(R, true, 2, "a bb \xf0\x9f\x98\x80 c", "bb|\xf0\x9f\x98\x80"); /* U+1F600: 2 units */
    EXPECT(R, true, 3, "a bb \xf0\x9f\x98\x80 ccc", "ccc");
}

static void test_java_lowercase(void)
{
    const tc_spark_tokenizer_kind T = TC_SPARK_TOKENIZER;
    /* ΣΑΣ ΟΔΟΣ İstanbul ǅ -> σας οδος i̇stanbul ǆ */
    EXPECT(T, true, 0, "\xce\xa3\xce\x91\xce\xa3 \xce\x9f\xce\x94\xce\x9f\xce\xa3 \xc4\xb0stanbul \xc7\x85",
           "\xcf\x83\xce\xb1\xcf\x82|\xce\xbf\xce\xb4\xce\xbf\xcf\x82|i\xcc\x87stanbul|\xc7\x86");
    /* U+A7C0 (Unicode 14) stays; U+0041 lowercases */
    EXPECT(T, true, 0, "\xea\x9f\x80" "A", "\xea\x9f\x80" "a");
    uint32_t out[3];
    TC_CHECK(tc_spark_java_lower(0x10570u, out) == 1 && out[0] == 0x10570u, "U+10570");
    TC_CHECK(tc_spark_java_lower(0x0130u, out) == 2 && out[0] == 'i' && out[1] == 0x307u, "U+0130");
}

static void test_refusals(void)
{
    char b[512];
    const char *got = toks(TC_SPARK_TOKENIZER, true, 0, "ok \xff bad", b, sizeof b);
    TC_CHECK(strstr(got, "ERROR") && strstr(got, "offset 3"), "invalid UTF-8: %s", got);
    got = toks(TC_SPARK_REGEX_GAPS, false, 1, "\xed\xa0\x80", b, sizeof b);
    TC_CHECK(strstr(got, "ERROR") != NULL, "surrogate: %s", got);
}

TC_TESTS(TC_TEST(test_tokenizer_split), TC_TEST(test_regex_split), TC_TEST(test_java_lowercase),
         TC_TEST(test_refusals))
