/* test_spark_regex.c - RegexTokenizer patterns through PCRE2: tokens as Spark 3.5.8 gave
 * them (split with gaps, the matches without; trailing empties dropped, leading kept),
 * and a refusal naming each construct Java and PCRE2 read differently. */
#include <string.h>

#include "tc_spark_regex.h"
#include "tc_test.h"

static const char *run(const char *pattern, bool gaps, const char *text, char *buf, size_t cap)
{
    tc_spark_regex *r = NULL;
    char err[TC_ERR_LEN];
    if (tc_spark_regex_compile(pattern, strlen(pattern), &r, err) != TC_OK) {
        snprintf(buf, cap, "REFUSED %.400s", err);
        return buf;
    }
    tc_spark_regex_scratch *s = tc_spark_regex_scratch_new();
    tc_token toks[64];
    size_t n = 0, o = 0;
    buf[0] = '\0';
    if (tc_spark_regex_tokens(r, s, text, strlen(text), gaps, toks, &n, err) != TC_OK)
        snprintf(buf, cap, "ERROR %.400s", err);
    else
        for (size_t i = 0; i < n; i++)
            o += (size_t)snprintf(buf + o, cap - o, "%s%.*s", i ? "|" : "", (int)toks[i].len,
                                  text + toks[i].off);
    tc_spark_regex_scratch_free(s);
    tc_spark_regex_free(&r);
    return buf;
}

#define EXPECT(pat, gaps, text, want)                                                     \
    do {                                                                                  \
        char b_[600];                                                                     \
        const char *g_ = run(pat, gaps, text, b_, sizeof b_);                            \
        TC_CHECK(strcmp(g_, want) == 0, "%s on %s: got [%s] want [%s]", pat, text, g_, want); \
    } while (0)

static void test_tokens(void)
{
    EXPECT("\\w+", false, "hello, world! it's a-b", "hello|world|it|s|a|b");
    EXPECT("[,;]", true, ",a,b;;c,,", "|a|b||c");       /* leading kept, trailing dropped */
    EXPECT("[,;]", true, "abc", "abc");                  /* no match: the whole text */
    EXPECT("\\W+", true, "caf\xc3\xa9 ol\xc3\xa9", "caf|ol"); /* ASCII \w as Java's default */
    EXPECT("[a-z]{2,3}", false, "abcdefg h", "abc|def");
    EXPECT("(?:ab)+|c", false, "ababxcab", "abab|c|ab");
    EXPECT("\\s+", false, "a  b\tc", "  |\t");
    EXPECT("x(?=y)", false, "xyxz", "x");
}

static void refused(const char *pat, const char *what)
{
    char b[600];
    const char *g = run(pat, true, "", b, sizeof b);
    TC_CHECK(strncmp(g, "REFUSED", 7) == 0 && strstr(g, what) != NULL, "%s: %s", pat, g);
}

static void test_refusals(void)
{
    refused("a.b", "'.'");
    refused("^a", "'^' / '$'");
    refused("a$", "'^' / '$'");
    refused("\\bx", "\\b / \\B");
    refused("\\p{L}+", "this escape");
    refused("\\x41", "this escape");
    refused("\\u0041", "this escape");
    refused("(a)\\1", "backreference");
    refused("(?i)a", "'(?' group");
    refused("(*UCP)a", "'(*'");
    refused("[a-z&&[^e]]", "'&&'");
    refused("[a-z[^e]]", "'[' inside a class");
    refused("[a&&b]", "'&&'");
    refused("[[:alpha:]]", "'[' inside a class");
    refused("a{,3}", "'{'");
    refused("a}", "unbalanced");
    refused("x*", "empty string");
    refused("[]a]", "']' first");
    refused("[ab", "unclosed");
    refused("a\\", "trailing backslash");
    char b[600];
    const char *g = run("(a", true, "", b, sizeof b);  /* PCRE2's own compile error */
    TC_CHECK(strncmp(g, "REFUSED", 7) == 0 && strstr(g, "offset") != NULL, "(a: %s", g);
}

TC_TESTS(TC_TEST(test_tokens), TC_TEST(test_refusals))
