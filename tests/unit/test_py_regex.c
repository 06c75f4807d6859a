/* test_py_regex.c - scikit-learn token patterns through PCRE2 (tc_py_regex.h,
 * tc_py_class.h, tc_pattern_tokenizer.h): tokens as Python 3.11's re.findall gives them
 * (each expected value below was printed by Python), Python's \w, \d and \s compared
 * with PCRE2's translation on every code point, each refused construct named, and the
 * tokenizer family's preprocessing and group handling. */
#include <stdlib.h>
#include <string.h>

#include "tc_pattern_tokenizer.h"
#include "tc_py_regex.h"
#include "tc_test.h"
#include "tc_unicode.h"
#include "tc_utf8.h"
#include "tc_vectorizer.h"

/* The tokens of pattern on text joined by '|', "REFUSED <message>" or "ERROR <message>". */
static const char *run(const char *pattern, const char *text, char *buf, size_t cap)
{
    tc_py_regex *r = NULL;
    char err[TC_ERR_LEN];
    if (tc_py_regex_compile(pattern, strlen(pattern), &r, err) != TC_OK) {
        snprintf(buf, cap, "REFUSED %.400s", err);
        return buf;
    }
    tc_py_regex_scratch *s = tc_py_regex_scratch_new();
    tc_token toks[64];
    size_t n = 0, o = 0;
    buf[0] = '\0';
    if (s == NULL || tc_py_regex_tokens(r, s, text, strlen(text), toks, &n, err) != TC_OK)
        snprintf(buf, cap, "ERROR %.400s", s ? err : "no scratch");
    else
        for (size_t i = 0; i < n; i++)
            o += (size_t)snprintf(buf + o, cap - o, "%s%.*s", i ? "|" : "", (int)toks[i].len,
                                  text + toks[i].off);
    tc_py_regex_scratch_free(s);
    tc_py_regex_free(&r);
    return buf;
}

#define EXPECT(pat, text, want)                                                         \
    do {                                                                                \
        char b_[700];                                                                   \
        const char *g_ = run(pat, text, b_, sizeof b_);                                \
        TC_CHECK(strcmp(g_, want) == 0, "%s on %s: got [%s] want [%s]", pat, text, g_, want); \
    } while (0)

static void test_tokens(void)
{
    EXPECT("(?u)\\b\\w+\\b", "a b2 c_d \xc3\xa9 x", "a|b2|c_d|\xc3\xa9|x");
    EXPECT("[a-zA-Z]{2,}", "ab c DEF g4hi", "ab|DEF|hi");
    EXPECT("(?u)\\b\\w[\\w']*\\b", "it's o'neil 'quoted' x", "it's|o'neil|quoted|x");
    EXPECT("(\\w+)'s", "john's cat's tail", "john|cat");
    EXPECT("\\S+", "a\xc2\xa0" "b c\xe2\x80\xa8" "d\x1c" "e", "a|b|c|d|e");
    EXPECT("\\w+|[^\\w\\s]+", "hi!! you?..", "hi|!!|you|?..");
    EXPECT("\\b[^\\d\\W]{3,}\\b", "abc 123 ab4 cd\xc3\xa9_", "abc|cd\xc3\xa9_");
    EXPECT("\\d+", "12 \xd9\xa3\xd9\xa4 \xc2\xb2 \xf0\x9d\x9f\x8e",
           "12|\xd9\xa3\xd9\xa4|\xf0\x9d\x9f\x8e");
    EXPECT("(?a)\\w+", "caf\xc3\xa9 na\xc3\xafve x1", "caf|na|ve|x1");
    EXPECT("(?a)\\b\\w+\\b", "caf\xc3\xa9 x", "caf|x");
    EXPECT("\\w+$", "ab cd\x0a", "cd");               /* '$' before a final newline */
    EXPECT("(?m)^\\w+", "ab cd\x0a" "ef", "ab|ef");
    EXPECT("\\w+\\Z", "ab cd\x0a", "");                /* \Z is PCRE2's \z */
    EXPECT("x{,2}y", "xxxy y", "xxy|y");               /* {,n}: from 0 in Python */
    EXPECT("a{}", "a{}", "a{}");                       /* not a quantifier: itself */
    EXPECT("[]a]+", "]a] b", "]a]");
    EXPECT("[a-b-z]+", "a-zb c", "a-zb");
    EXPECT("\\w+?", "abc", "a|b|c");
    EXPECT("\\w++", "ab cd", "ab|cd");
    EXPECT("(?<![\\w'])\\w+", "it's x", "it|x");
    EXPECT("(?P<word>\\w+)!", "hey! you!", "hey|you");
    EXPECT("\\B\\w", "abc d", "b|c");
    EXPECT("[\\x41-\\x43\\u00e9]+", "ABCD\xc3\xa9", "ABC|\xc3\xa9");
    EXPECT("\\.\\w+", "a.b .cd", ".b|.cd");
    EXPECT("[\\b]", "a\x08" "b", "\x08");              /* a backspace inside a class */
    EXPECT("\\w", "\xcc\x81" "a\xcc\x81\xca\xb0", "a|\xca\xb0");  /* U+0301 is not \w */
    EXPECT("[^\\s]+", "a\x1f" "b\xc2\x85" "c", "a|b|c");  /* U+001F, U+0085 are \s */
}

static void refused(const char *pat, const char *what)
{
    char b[700];
    const char *g = run(pat, "", b, sizeof b);
    TC_CHECK(strncmp(g, "REFUSED token_pattern: ", 23) == 0 && strstr(g, what) != NULL,
             "%s: %s (want %s)", pat, g, what);
}

static void test_refusals(void)
{
    refused("(?i)\\w+", "(?i)");
    refused("(?x)\\w+", "(?x)");
    refused("a(?u)b", "inline flags after the start");
    refused("(?i:a)b", "(?i)");
    refused("(?-i:a)b", "scoped inline flag");
    refused("(?au)\\w", "(?a) with (?u)");
    refused("(\\w)\\1", "backreference or octal escape at offset 4");
    refused("(?P<a>\\w)(?P=a)", "(?P=name) backreference");
    refused("\\0", "backreference or octal");
    refused("\\N{DIGIT ONE}", "\\N{...}");
    refused("\\ud800a", "surrogate");
    refused("\\x4", "incomplete");
    refused("\\q", "unknown escape");
    refused("a(?#c)b", "comment");
    refused("(a)?(?(1)b|c)", "conditional");
    refused("\\b+a", "quantifier on an anchor or lookaround");
    refused("(?=a)*a", "quantifier on an anchor or lookaround");
    refused("*a", "nothing to repeat");
    refused("a**", "multiple repeat");
    refused("(?:a+){2}+", "possessive quantifier on a group");  /* Python: [] on "aaa" */
    refused("a{3,2}", "n < m");
    refused("a{70000}", "65535");
    refused("(a)(b)", "second capturing group");
    refused("(a)|b", "can be unset");
    refused("(a)?b", "can be unset");
    refused("(?:(a)b)+", "can be unset");
    refused("(?=(a))a", "can be unset");
    refused("(a?)b", "capturing group that can match the empty string");
    refused("\\w*", "empty string");
    refused("a|", "empty string");
    refused("\\b", "empty string");
    refused("\\w+ \\w+", "space, TAB, CR or LF");
    refused(".+", "space, TAB, CR or LF");
    refused("[^a]", "space, TAB, CR or LF");
    refused("\\W", "space, TAB, CR or LF");
    refused("[a-\\w]", "class escape at an end");
    refused("[z-a]", "reversed range");
    refused("[ab", "unterminated character class");
    refused("(ab", "unterminated group");
    refused("ab)", "unbalanced ')'");
    refused("(?<a>b)", "this '(?' group");
    refused("(?<=a+)b", "PCRE2 refuses its translation");
}

/* A group repeated over a long run outgrows the JIT stack: the interpreter finishes it
 * (Python's re keeps its backtracking on the heap and gives the whole run). */
static void test_long_group_repeat(void)
{
    const size_t n = 1200000;
    char *text = malloc(n + 3);
    tc_token *toks = malloc((n + 3) * sizeof *toks);  /* room for len + 1 */
    tc_py_regex *r = NULL;
    tc_py_regex_scratch *s = tc_py_regex_scratch_new();
    char err[TC_ERR_LEN] = "";
    size_t count = 0;
    const char *pat = "(?:ab)+";
    TC_CHECK(text != NULL && toks != NULL && s != NULL &&
                 tc_py_regex_compile(pat, strlen(pat), &r, err) == TC_OK, "%s", err);
    if (text != NULL && toks != NULL && r != NULL && s != NULL) {
        for (size_t i = 0; i < n; i++)
            text[i] = "ab"[i % 2];
        memcpy(text + n, " x", 3);
        TC_CHECK(tc_py_regex_tokens(r, s, text, n + 2, toks, &count, err) == TC_OK, "%s", err);
        TC_CHECK(count == 1 && toks[0].off == 0 && toks[0].len == n, "%zu tokens", count);
    }
    tc_py_regex_free(&r);
    tc_py_regex_scratch_free(s);
    free(toks);
    free(text);
}

/* A separator outside the token is fine: group 1 holds none. */
static void test_separator_outside_group(void)
{
    EXPECT("(\\w+)\\s", "ab cd\x0a" "e", "ab|cd");
    EXPECT("\\w+(?= )", "ab cd e", "ab|cd");
}

/* Python 3.11's str.isdecimal() (Unicode 14.0.0): printed by Python. */
static const uint32_t DECIMAL[][2] = {
    {0x30, 0x39}, {0x660, 0x669}, {0x6F0, 0x6F9}, {0x7C0, 0x7C9}, {0x966, 0x96F},
    {0x9E6, 0x9EF}, {0xA66, 0xA6F}, {0xAE6, 0xAEF}, {0xB66, 0xB6F}, {0xBE6, 0xBEF},
    {0xC66, 0xC6F}, {0xCE6, 0xCEF}, {0xD66, 0xD6F}, {0xDE6, 0xDEF}, {0xE50, 0xE59},
    {0xED0, 0xED9}, {0xF20, 0xF29}, {0x1040, 0x1049}, {0x1090, 0x1099}, {0x17E0, 0x17E9},
    {0x1810, 0x1819}, {0x1946, 0x194F}, {0x19D0, 0x19D9}, {0x1A80, 0x1A89}, {0x1A90, 0x1A99},
    {0x1B50, 0x1B59}, {0x1BB0, 0x1BB9}, {0x1C40, 0x1C49}, {0x1C50, 0x1C59}, {0xA620, 0xA629},
    {0xA8D0, 0xA8D9}, {0xA900, 0xA909}, {0xA9D0, 0xA9D9}, {0xA9F0, 0xA9F9}, {0xAA50, 0xAA59},
    {0xABF0, 0xABF9}, {0xFF10, 0xFF19}, {0x104A0, 0x104A9}, {0x10D30, 0x10D39},
    {0x11066, 0x1106F}, {0x110F0, 0x110F9}, {0x11136, 0x1113F}, {0x111D0, 0x111D9},
    {0x112F0, 0x112F9}, {0x11450, 0x11459}, {0x114D0, 0x114D9}, {0x11650, 0x11659},
    {0x116C0, 0x116C9}, {0x11730, 0x11739}, {0x118E0, 0x118E9}, {0x11950, 0x11959},
    {0x11C50, 0x11C59}, {0x11D50, 0x11D59}, {0x11DA0, 0x11DA9}, {0x16A60, 0x16A69},
    {0x16AC0, 0x16AC9}, {0x16B50, 0x16B59}, {0x1D7CE, 0x1D7FF}, {0x1E140, 0x1E149},
    {0x1E2F0, 0x1E2F9}, {0x1E950, 0x1E959}, {0x1FBF0, 0x1FBF9}};

/* Python 3.11's str.isspace(), printed by Python. */
static const uint32_t SPACE[] = {0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
                                 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
                                 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028,
                                 0x2029, 0x202f, 0x205f, 0x3000};

static bool py_decimal(uint32_t cp)
{
    for (size_t i = 0; i < sizeof DECIMAL / sizeof *DECIMAL; i++)
        if (cp >= DECIMAL[i][0] && cp <= DECIMAL[i][1])
            return true;
    return false;
}

static bool py_space(uint32_t cp)
{
    for (size_t i = 0; i < sizeof SPACE / sizeof *SPACE; i++)
        if (cp == SPACE[i])
            return true;
    return false;
}

static bool py_word(uint32_t cp) { return tc_uni_is_word(cp); }
static bool py_not_space(uint32_t cp) { return !py_space(cp); }
static bool ascii_word(uint32_t cp)
{
    return cp < 0x80 && (cp == '_' || (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' &&
                                                                    (cp | 0x20) <= 'z'));
}

/* Every code point (surrogates aside) once, then pattern (which matches one code point)
 * over them: the tokens must be exactly the code points `want` holds. */
static void check_every_code_point(const char *pattern, bool (*want)(uint32_t))
{
    const uint32_t end = 0x110000;
    char *text = malloc((size_t)end * 4);
    tc_token *toks = malloc((size_t)end * sizeof *toks);
    tc_py_regex *r = NULL;
    tc_py_regex_scratch *s = tc_py_regex_scratch_new();
    char err[TC_ERR_LEN] = "";
    size_t n = 0, nt = 0;
    TC_CHECK(text && toks && s && tc_py_regex_compile(pattern, strlen(pattern), &r, err) == TC_OK,
             "%s: %s", pattern, err);
    if (r != NULL) {
        for (uint32_t cp = 0; cp < end; cp++)
            if (cp < 0xD800 || cp > 0xDFFF)
                n += tc_utf8_encode(cp, text + n);
        TC_CHECK(tc_py_regex_tokens(r, s, text, n, toks, &nt, err) == TC_OK, "%s", err);
        size_t k = 0, bad = 0;
        uint32_t first_bad = 0;
        for (size_t pos = 0; pos < n;) {
            const size_t at = pos;
            const uint32_t cp = tc_utf8_next(text, n, &pos);
            const bool got = k < nt && toks[k].off == at;
            if (got)
                k += toks[k].len == pos - at ? 1 : 0;
            if (got != want(cp) && bad++ == 0)
                first_bad = cp;
        }
        TC_CHECK(bad == 0 && k == nt, "%s: %zu code points differ from Python's, first U+%04X",
                 pattern, bad, (unsigned)first_bad);
    }
    tc_py_regex_free(&r);
    tc_py_regex_scratch_free(s);
    free(toks);
    free(text);
}

static void test_categories_on_every_code_point(void)
{
    check_every_code_point("\\w", py_word);
    check_every_code_point("[\\w]", py_word);
    check_every_code_point("\\d", py_decimal);
    check_every_code_point("\\S", py_not_space);
    check_every_code_point("(?a)\\w", ascii_word);
}

/* The family: preprocessing first (lowercase here), then the pattern; group 1. */
static void test_pattern_tokenizer(void)
{
    tc_py_regex *r = NULL;
    char err[TC_ERR_LEN];
    const char *pat = "#(\\w+)";
    TC_CHECK(tc_py_regex_compile(pat, strlen(pat), &r, err) == TC_OK, "%s", err);
    tc_pattern_tokenizer_options opt = {{.lowercase = true}, r};
    void *s = tc_pattern_tokenizer.scratch_new();
    tc_token_list tl;
    const char *text = "Tags: #Caf\xc3\x89 #NEW, #x";
    TC_CHECK(s != NULL && tc_pattern_tokenizer.tokenize(&opt, s, text, strlen(text), &tl, err) ==
                              TC_OK, "%s", err);
    if (s != NULL && tl.count == 3) {
        TC_CHECK(tl.tokens[0].len == 5 && memcmp(tl.text + tl.tokens[0].off, "caf\xc3\xa9", 5) == 0,
                 "first token");
        TC_CHECK(tl.tokens[2].len == 1 && tl.text[tl.tokens[2].off] == 'x', "last token");
    } else {
        TC_CHECK(false, "3 tokens expected");
    }
    TC_CHECK(tc_pattern_tokenizer.tokenize(&opt, s, "\xff", 1, &tl, err) == TC_EINPUT,
             "invalid UTF-8");
    tc_pattern_tokenizer.scratch_free(s);
    tc_py_regex_free(&r);
}

/* A vectorizer with a token_pattern: compiled at load, n-grams of its tokens counted; a
 * refused pattern fails the load with its reason. */
static void test_vectorizer(void)
{
    static const char vocab[] = "textclf-vocab\t1\t3\n1\tab\n1\tab c'd\n1\tc'd\n";
    tc_vectorizer_config cfg = {.tokenizer = {.lowercase = true}, .ngram_min = 1,
                                .ngram_max = 2, .norm = TC_NORM_NONE,
                                .token_pattern = "[a-z']+"};
    tc_vectorizer *v = NULL;
    char err[TC_ERR_LEN];
    TC_CHECK(tc_vectorizer_load_mem(&cfg, "vocab.tsv", vocab, sizeof vocab - 1, NULL, NULL, 0, &v,
                                    err) == TC_OK, "%s", err);
    TC_CHECK(v == NULL || tc_vectorizer_config_of(v)->token_pattern == NULL, "read at load only");
    tc_vectorizer_scratch *s = tc_vectorizer_scratch_new();
    tc_sparse row;
    if (v != NULL && s != NULL) {
        const char *text = "AB, C'D! ab";
        TC_CHECK(tc_vectorizer_transform(v, s, text, strlen(text), &row, err) == TC_OK, "%s", err);
        double sum = 0.0;
        for (size_t i = 0; i < row.nnz; i++)
            sum += row.value[i] * (double)(row.index[i] + 1);
        /* ab twice (column 0), "ab c'd" once (1), c'd once (2): 2*1 + 1*2 + 1*3 */
        TC_CHECK(row.nnz == 3 && sum == 7.0, "row: %zu entries, weighted sum %g", row.nnz, sum);
    }
    tc_vectorizer_scratch_free(&s);
    tc_vectorizer_free(&v);
    cfg.token_pattern = "(?i)[a-z]+";
    TC_CHECK(tc_vectorizer_load_mem(&cfg, "vocab.tsv", vocab, sizeof vocab - 1, NULL, NULL, 0, &v,
                                    err) == TC_EUNSUPPORTED && strstr(err, "token_pattern: the "
                                                                           "flag (?i)") != NULL,
             "refused: %s", err);
}

TC_TESTS(TC_TEST(test_tokens), TC_TEST(test_refusals), TC_TEST(test_separator_outside_group),
         TC_TEST(test_long_group_repeat),
         TC_TEST(test_categories_on_every_code_point), TC_TEST(test_pattern_tokenizer),
         TC_TEST(test_vectorizer))
