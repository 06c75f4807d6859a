/* test_vocab_file.c - the vocab.tsv and stopwords.txt parsers: what a good file gives
 * (columns in line order, exact idf values also when spellings repeat or nearly
 * repeat, part counts and their cap, stop words in file order), and every malformed
 * file refused with "<name>:<line>: <reason>" and nothing left allocated. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_buf.h"
#include "tc_test.h"
#include "tc_vocab_file.h"

static void test_good_vocab(void)
{
    static const char text[] = "textclf-vocab\t1\t6\n"
                               "1.5\tbad\n"
                               "3.0\tgood movie\n"
                               "2.25e-3\tnaïve café\n"
                               "1.5\ta  b\n"
                               "7\tone two three four five six seven eight\n"
                               "0.5\tone two three four five six seven eight nine ten\n";
    static const char *const terms[] = {"bad", "good movie", "naïve café", "a  b",
                                        "one two three four five six seven eight",
                                        "one two three four five six seven eight nine ten"};
    static const double idf[] = {1.5, 3.0, 2.25e-3, 1.5, 7.0, 0.5};
    static const uint32_t parts[] = {1, 2, 2, 3, 8, TC_VOCAB_PARTS_CAP};
    tc_vocab_file f;
    char err[TC_ERR_LEN] = "";
    tc_status st = tc_vocab_file_parse("v.tsv", text, sizeof text - 1, &f, err);
    TC_CHECK(st == TC_OK && f.n == 6, "parse: %s", err);
    for (size_t j = 0; st == TC_OK && j < 6; j++) {
        TC_CHECK(f.terms[j].len == strlen(terms[j]) &&
                     memcmp(f.terms[j].s, terms[j], f.terms[j].len) == 0,
                 "term %zu", j);
        TC_CHECK(f.terms[j].s >= text && f.terms[j].s < text + sizeof text, "term %zu views the bytes", j);
        TC_CHECK(f.idf[j] == idf[j], "idf %zu = %.17g", j, f.idf[j]);
        TC_CHECK(f.terms[j].parts == parts[j], "term %zu: %u parts", j, f.terms[j].parts);
    }
    tc_vocab_file_release(&f);
    TC_CHECK(f.terms == NULL && f.idf == NULL && f.n == 0, "release empties");
    /* an empty vocabulary is a valid file */
    st = tc_vocab_file_parse("v.tsv", "textclf-vocab\t1\t0\n", 18, &f, err);
    TC_CHECK(st == TC_OK && f.n == 0, "empty vocabulary: %s", err);
    tc_vocab_file_release(&f);
}

/* Spellings that share their first and last bytes and length (the idf cache's key)
 * but not their middle, repeated in varying order: every value exactly strtod's. */
static void test_idf_spellings_exact(void)
{
    static const char *const spell[] = {"1.25", "1.35", "1.2500000000000000001", "9.87654321012345678",
                                        "9.87654321012345778", "1e-300", "1e+300", "2.5E2",
                                        "0.1", "0.10", "12345678901234567890123", "7", "7.0"};
    const size_t ns = sizeof spell / sizeof *spell, n = 5000;
    tc_buf b = TC_BUF_INIT;
    tc_buf_printf(&b, "textclf-vocab\t1\t%zu\n", n);
    uint64_t rng = 7;
    size_t *pick = malloc(n * sizeof *pick);
    for (size_t i = 0; pick != NULL && i < n; i++) {
        rng = rng * 6364136223846793005u + 1442695040888963407u;
        pick[i] = (size_t)(rng >> 33) % ns;
        tc_buf_printf(&b, "%s\tt%zu\n", spell[pick[i]], i);
    }
    tc_vocab_file f;
    char err[TC_ERR_LEN] = "";
    tc_status st = pick != NULL ? tc_vocab_file_parse("v", b.data, b.len, &f, err) : TC_ENOMEM;
    TC_CHECK(st == TC_OK && f.n == n, "parse: %s", err);
    size_t bad = 0;
    for (size_t i = 0; st == TC_OK && i < n; i++)
        bad += f.idf[i] != strtod(spell[pick[i]], NULL);
    TC_CHECK(bad == 0, "%zu idf values differ from strtod", bad);
    if (st == TC_OK)
        tc_vocab_file_release(&f);
    free(pick);
    tc_buf_free(&b);
}

typedef struct bad_file {
    const char *text;
    const char *where;   /* expected "name:line: " prefix */
    const char *phrase;
} bad_file;

/* Case i of `what` was refused as c expects, leaving nothing (`left_empty`). */
static void check_refusal(const char *what, size_t i, const bad_file *c, tc_status st,
                          bool left_empty, const char *err)
{
    TC_CHECK(st == TC_EFORMAT && left_empty, "%s case %zu accepted or left memory (status %d)",
             what, i, (int)st);
    TC_CHECK(strncmp(err, c->where, strlen(c->where)) == 0 && strstr(err, c->phrase) != NULL,
             "%s case %zu: \"%s\", expected \"%s...%s\"", what, i, err, c->where, c->phrase);
}

static void test_malformed_vocab(void)
{
    static const bad_file cases[] = {
        {"", "vocab.tsv:1: ", "missing header"},
        {"textclf-vocab\t1\t1", "vocab.tsv:1: ", "missing header"},
        {"textclf-vocabulary\t1\t1\n1.0\tx\n", "vocab.tsv:1: ", "not a textclf-vocab file"},
        {"textclf-stopwords\t1\t1\nx\n", "vocab.tsv:1: ", "not a textclf-vocab file"},
        {"textclf-vocab\t2\t1\n1.0\tx\n", "vocab.tsv:1: ", "version 2 is not supported"},
        {"textclf-vocab\t1\n1.0\tx\n", "vocab.tsv:1: ", "header must be"},
        {"textclf-vocab\tx\t1\n1.0\tx\n", "vocab.tsv:1: ", "bad version \"x\""},
        {"textclf-vocab\t1\tmany\n1.0\tx\n", "vocab.tsv:1: ", "bad count"},
        {"textclf-vocab\t1\t-1\n1.0\tx\n", "vocab.tsv:1: ", "bad count"},
        {"textclf-vocab\t1\t99999999\n1.0\tx\n", "vocab.tsv:1: ", "header says 99999999 entries"},
        {"textclf-vocab\t1\t3\n1.0\tx\n1.0\ty\n", "vocab.tsv:4: ", "truncated: header says 3 terms, file has 2"},
        {"textclf-vocab\t1\t1\n1.0\tx\n1.0\ty\n", "vocab.tsv:3: ", "more terms than the header's count 1"},
        {"textclf-vocab\t1\t2\n1.0\tx\n1.0\ty", "vocab.tsv:3: ", "truncated (last line has no newline)"},
        {"textclf-vocab\t1\t2\n1.0\tx\n1.0 y\n", "vocab.tsv:3: ", "expected <idf><TAB><term>"},
        {"textclf-vocab\t1\t2\n1.0\tx\nabc\ty\n", "vocab.tsv:3: ", "bad idf \"abc\""},
        {"textclf-vocab\t1\t2\n1.0\tx\nnan\ty\n", "vocab.tsv:3: ", "bad idf \"nan\""},
        {"textclf-vocab\t1\t2\n1.0\tx\ninf\ty\n", "vocab.tsv:3: ", "bad idf"},
        {"textclf-vocab\t1\t2\n1.0\tx\n1e999\ty\n", "vocab.tsv:3: ", "bad idf"},
        {"textclf-vocab\t1\t2\n1.0\tx\n\ty\n", "vocab.tsv:3: ", "bad idf \"\""},
        {"textclf-vocab\t1\t2\n1.0\tx\n0\ty\n", "vocab.tsv:3: ", "idf must be > 0"},
        {"textclf-vocab\t1\t2\n1.0\tx\n-1.5\ty\n", "vocab.tsv:3: ", "idf must be > 0"},
        {"textclf-vocab\t1\t2\n1.0\tx\n1.0\t\n", "vocab.tsv:3: ", "empty term"},
        {"textclf-vocab\t1\t2\n1.0\tx\n1.0\ty\tz\n", "vocab.tsv:3: ", "extra column"},
        {"textclf-vocab\t1\t2\n1.0\tx\n1.0\ty\r\n", "vocab.tsv:3: ", "carriage return"},
        {"textclf-vocab\t1\t2\n1.0\tx\n1.0\ta longer term\twith a tab\n", "vocab.tsv:3: ",
         "extra column"},
        {"textclf-vocab\t1\t2\n1.0\tx\n1.0\ta longer term with a CR\r\n", "vocab.tsv:3: ",
         "carriage return"},
        {"textclf-vocab\t1\t2\n1.0\tx\n1.0\tsixteen chars\rab\n", "vocab.tsv:3: ",
         "carriage return"},
        {"textclf-vocab\t1\t2\n1.0\tx\n1.0\tcaf\xc3\n", "vocab.tsv:3: ", "invalid UTF-8"},
        {"textclf-vocab\t1\t2\n1.0\tx\n1.0\t\xed\xa0\x80\n", "vocab.tsv:3: ", "invalid UTF-8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tc_vocab_file f;
        memset(&f, 0x5a, sizeof f);
        char err[TC_ERR_LEN] = "";
        tc_status st = tc_vocab_file_parse("vocab.tsv", cases[i].text, strlen(cases[i].text), &f,
                                           err);
        check_refusal("vocab", i, &cases[i], st, f.n == 0 && f.terms == NULL && f.idf == NULL,
                      err);
    }
}

static void test_stop_words(void)
{
    static const char text[] = "textclf-stopwords\t1\t4\nthe\na\nnaïve\nwith space\n";
    tc_stopword_file f;
    char err[TC_ERR_LEN] = "";
    tc_status st = tc_stopword_file_parse("s.txt", text, sizeof text - 1, &f, err);
    static const char *const want[] = {"the", "a", "naïve", "with space"};
    TC_CHECK(st == TC_OK && f.n == 4, "parse: %s", err);
    for (size_t i = 0; st == TC_OK && i < 4; i++)
        TC_CHECK(f.words[i].len == strlen(want[i]) &&
                     memcmp(f.words[i].s, want[i], f.words[i].len) == 0,
                 "word %zu in file order", i);
    tc_stopword_file_release(&f);
    TC_CHECK(f.words == NULL && f.n == 0, "release empties");
    static const bad_file cases[] = {
        {"", "stop.txt:1: ", "missing header"},
        {"textclf-vocab\t1\t1\nx\n", "stop.txt:1: ", "not a textclf-stopwords file"},
        {"textclf-stopwords\t1\t2\nthe\n", "stop.txt:3: ", "truncated: header says 2 words"},
        {"textclf-stopwords\t1\t1\nthe\na\n", "stop.txt:3: ", "more words than"},
        {"textclf-stopwords\t1\t2\nthe\nthe\n", "stop.txt:3: ",
         "duplicate stop word \"the\" (first at line 2)"},
        {"textclf-stopwords\t1\t3\nthe\na\nthe\n", "stop.txt:4: ",
         "duplicate stop word \"the\" (first at line 2)"},
        {"textclf-stopwords\t1\t2\nthe\n\n", "stop.txt:3: ", "empty word"},
        {"textclf-stopwords\t1\t1\nthe\tx\n", "stop.txt:2: ", "extra column"},
        {"textclf-stopwords\t1\t1\nthe\r\n", "stop.txt:2: ", "carriage return"},
        {"textclf-stopwords\t1\t1\nthe", "stop.txt:2: ", "truncated (last line has no newline)"},
        {"textclf-stopwords\t1\t1\n\xc3\x28\n", "stop.txt:2: ", "invalid UTF-8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        memset(&f, 0x5a, sizeof f);
        st = tc_stopword_file_parse("stop.txt", cases[i].text, strlen(cases[i].text), &f, err);
        check_refusal("stop", i, &cases[i], st, f.n == 0 && f.words == NULL, err);
    }
}

TC_TESTS(TC_TEST(test_good_vocab), TC_TEST(test_idf_spellings_exact),
         TC_TEST(test_malformed_vocab), TC_TEST(test_stop_words))
