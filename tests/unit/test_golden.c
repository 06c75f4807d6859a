/* test_golden.c - golden samples (tc_golden.h): parsing (texts with JSON escapes and
 * non-ASCII, values keyed by class name in any order, every refusal naming file and
 * line) and verification through its predict callback, here a table of answers, so that
 * the tolerance rules can be checked at their edges: absolute for probabilities,
 * relative with floor 1 for scores, a per-model tolerance, exact labels, a predict that
 * fails. The real model behind the callback: test_model.c. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tc_golden.h"
#include "tc_test.h"

#define PATH "dir/golden.jsonl"

static const char *const NAMES[] = {"negative", "positive"};
static const tc_output_schema PROBA = {2, NAMES, TC_OUTPUT_PROBABILITIES};
static const tc_output_schema SCORES = {2, NAMES, TC_OUTPUT_SCORES};

/* Answers the callback gives, one per call, and what it was asked. */
typedef struct answers {
    size_t label[4];
    double values[4][2];
    tc_status status;      /* returned for every call when not TC_OK */
    size_t calls;
    char texts[4][64];
    size_t lens[4];
} answers;

static tc_status answer(void *ctx, const char *text, size_t len, tc_prediction *out, char *err)
{
    answers *a = ctx;
    size_t i = a->calls++;
    if (len < sizeof a->texts[i]) {
        memcpy(a->texts[i], text, len);
        a->texts[i][len] = '\0';
    }
    a->lens[i] = len;
    if (a->status != TC_OK)
        return tc_fail(err, a->status, "offset 3: invalid UTF-8");
    out->label = a->label[i];
    out->values = a->values[i];
    return TC_OK;
}

static tc_golden *parse(const char *text, const tc_output_schema *sc, tc_status *st, char *err)
{
    tc_golden *g = NULL;
    err[0] = '\0';
    *st = tc_golden_parse(PATH, text, strlen(text), sc, &g, err);
    return g;
}

static void test_parse_and_verify(void)
{
    /* values in either key order; JSON escapes and a non-ASCII text; blanks after the object */
    static const char text[] =
        "{\"text\": \"a \\\"bad\\\" film\\twith tab\", \"label\": \"negative\", "
        "\"probabilities\": {\"positive\": 0.25, \"negative\": 0.75}}\n"
        "{\"label\": \"positive\", \"text\": \"caf\\u00e9 \xe2\x82\xac\", \"probabilities\": "
        "{\"negative\": 0.125, \"positive\": 0.875}, \"extra\": [1]}  \t\n";
    char err[TC_ERR_LEN];
    tc_status st;
    tc_golden *g = parse(text, &PROBA, &st, err);
    TC_CHECK(st == TC_OK && g != NULL, "parse: %s", err);
    if (g == NULL)
        return;
    TC_CHECK(tc_golden_count(g) == 2, "count %zu", tc_golden_count(g));
    answers a = {{0, 1}, {{0.75, 0.25}, {0.125, 0.875}}, TC_OK, 0, {""}, {0}};
    st = tc_golden_verify(g, TC_GOLDEN_TOLERANCE, answer, &a, err);
    TC_CHECK(st == TC_OK, "verify: %s", err);
    TC_CHECK(a.calls == 2, "%zu calls", a.calls);
    TC_CHECK(strcmp(a.texts[0], "a \"bad\" film\twith tab") == 0 && a.lens[0] == 21,
             "text 0: \"%s\" (%zu)", a.texts[0], a.lens[0]);
    TC_CHECK(strcmp(a.texts[1], "caf\xc3\xa9 \xe2\x82\xac") == 0 && a.lens[1] == 9,
             "text 1: \"%s\" (%zu)", a.texts[1], a.lens[1]);
    tc_golden_free(&g);
    TC_CHECK(g == NULL, "free clears");
    tc_golden_free(NULL);
}

/* Probabilities: |got - want| <= tol, absolute. */
static void test_probability_tolerance(void)
{
    static const char text[] = "{\"text\": \"x\", \"label\": \"positive\", \"probabilities\": "
                               "{\"negative\": 0.25, \"positive\": 0.75}}\n";
    char err[TC_ERR_LEN];
    tc_status st;
    tc_golden *g = parse(text, &PROBA, &st, err);
    TC_CHECK(st == TC_OK, "parse: %s", err);
    if (g == NULL)
        return;
    answers a = {{1}, {{0.25 + 0.9e-9, 0.75 - 0.9e-9}}, TC_OK, 0, {""}, {0}};
    TC_CHECK(tc_golden_verify(g, TC_GOLDEN_TOLERANCE, answer, &a, err) == TC_OK,
             "0.9e-9 off refused: %s", err);
    answers b = {{1}, {{0.25, 0.75 + 1.1e-9}}, TC_OK, 0, {""}, {0}};
    st = tc_golden_verify(g, TC_GOLDEN_TOLERANCE, answer, &b, err);
    TC_CHECK(st == TC_EMISMATCH &&
                 strncmp(err, PATH ":1: model does not reproduce: probabilities[\"positive\"] "
                              "expected 0.75, textclf computes 0.75000000109999998 (|diff| "
                              "1.1e-09 > 1e-09)",
                         300) == 0,
             "1.1e-9 off: %s", err);
    /* a per-model tolerance (float32 models: 1e-5) */
    answers c = {{1}, {{0.25, 0.75 + 1e-6}}, TC_OK, 0, {""}, {0}};
    TC_CHECK(tc_golden_verify(g, 1e-5, answer, &c, err) == TC_OK, "1e-6 off at 1e-5: %s", err);
    /* the label must match exactly */
    answers d = {{0}, {{0.25, 0.75}}, TC_OK, 0, {""}, {0}};
    st = tc_golden_verify(g, TC_GOLDEN_TOLERANCE, answer, &d, err);
    TC_CHECK(st == TC_EMISMATCH && strcmp(err, PATH ":1: model does not reproduce: label "
                                               "\"positive\" expected, textclf predicts "
                                               "\"negative\"") == 0,
             "label: %s", err);
    /* a sample the model cannot classify */
    answers e = {{1}, {{0.25, 0.75}}, TC_EINPUT, 0, {""}, {0}};
    st = tc_golden_verify(g, TC_GOLDEN_TOLERANCE, answer, &e, err);
    TC_CHECK(st == TC_EMISMATCH &&
                 strcmp(err, PATH ":1: cannot classify the sample text: offset 3: invalid UTF-8") == 0,
             "predict failure: %s", err);
    tc_golden_free(&g);
}

/* Scores: |got - want| <= tol * max(1, |want|). */
static void test_score_tolerance(void)
{
    static const char text[] = "{\"text\": \"x\", \"label\": \"negative\", \"scores\": "
                               "{\"negative\": 1000, \"positive\": -0.5}}\n";
    char err[TC_ERR_LEN];
    tc_status st;
    tc_golden *g = parse(text, &SCORES, &st, err);
    TC_CHECK(st == TC_OK, "parse: %s", err);
    if (g == NULL)
        return;
    answers a = {{0}, {{1000 + 0.9e-6, -0.5 + 0.9e-9}}, TC_OK, 0, {""}, {0}};
    TC_CHECK(tc_golden_verify(g, TC_GOLDEN_TOLERANCE, answer, &a, err) == TC_OK,
             "within relative tolerance refused: %s", err);
    answers b = {{0}, {{1000 + 1.1e-6, -0.5}}, TC_OK, 0, {""}, {0}};
    st = tc_golden_verify(g, TC_GOLDEN_TOLERANCE, answer, &b, err);
    TC_CHECK(st == TC_EMISMATCH && strstr(err, "scores[\"negative\"] expected 1000") != NULL &&
                 strstr(err, "> 1e-06)") != NULL,
             "1.1e-6 off 1000: %s", err);
    answers c = {{0}, {{1000, -0.5 - 1.1e-9}}, TC_OK, 0, {""}, {0}};
    st = tc_golden_verify(g, TC_GOLDEN_TOLERANCE, answer, &c, err);
    TC_CHECK(st == TC_EMISMATCH && strstr(err, "scores[\"positive\"]") != NULL,
             "below 1 the floor applies: %s", err);
    tc_golden_free(&g);
}

static void test_malformed(void)
{
    static const char ok[] = "{\"text\": \"x\", \"label\": \"negative\", \"probabilities\": "
                             "{\"negative\": 0.5, \"positive\": 0.5}}\n";
    static char two_then_empty[512];
    snprintf(two_then_empty, sizeof two_then_empty, "%s%s\n", ok, ok);
    static const struct {
        const char *text;
        const tc_output_schema *schema;
        const char *want;  /* the message starts with PATH then this */
    } cases[] = {
        {"", &PROBA, ": no golden samples (a model must carry them)"},
        {"{\"text\": \"x\"", &PROBA, ":1: truncated (last line has no newline)"},
        {two_then_empty, &PROBA, ":3: empty line"},
        {"\n", &PROBA, ":1: empty line"},
        {"{\"text\": \"x\", \"label\": negative}\n", &PROBA, ":1: invalid JSON at column 24"},
        {"{\"text\": \"x\", \"label\": \"negative\", \"probabilities\": {\"negative\": 0.5, "
         "\"positive\": 0.5}} x\n",
         &PROBA, ":1: trailing characters after the JSON object"},
        {"{\"text\": \"x\", \"label\": \"neutral\", \"probabilities\": {\"negative\": 0.5, "
         "\"positive\": 0.5}}\n",
         &PROBA, ":1: label \"neutral\" is not one of the model's classes"},
        {"{\"text\": \"x\", \"label\": \"negative\", \"scores\": {\"negative\": 0.5, "
         "\"positive\": 0.5}}\n",
         &PROBA, ":1: missing \"probabilities\" object (the model outputs probabilities)"},
        {ok, &SCORES, ":1: missing \"scores\" object (the model outputs scores)"},
        {"{\"text\": \"x\", \"label\": \"negative\", \"probabilities\": {\"negative\": 0.5, "
         "\"positif\": 0.5}}\n",
         &PROBA, ":1: \"probabilities\" has no finite number for class \"positive\""},
        {"{\"text\": \"x\", \"label\": \"negative\", \"probabilities\": {\"negative\": 0.5}}\n",
         &PROBA, ":1: \"probabilities\" must have one value per class (2)"},
        {"{\"text\": \"x\", \"label\": \"negative\", \"probabilities\": {\"negative\": 0.5, "
         "\"positive\": \"0.5\"}}\n",
         &PROBA, ":1: \"probabilities\" has no finite number for class \"positive\""},
        {"{\"text\": \"x\", \"label\": \"negative\", \"probabilities\": {\"negative\": 0.5, "
         "\"positive\": 1e999}}\n",
         &PROBA, ":1: \"probabilities\" has no finite number for class \"positive\""},
        {"{\"text\": 5, \"label\": \"negative\", \"probabilities\": {\"negative\": 0.5, "
         "\"positive\": 0.5}}\n",
         &PROBA, ":1: expected {\"text\": string, \"label\": string, ...}"},
        {"[1, 2]\n", &PROBA, ":1: expected {\"text\": string, \"label\": string, ...}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char err[TC_ERR_LEN], want[400];
        tc_status st;
        tc_golden *g = parse(cases[i].text, cases[i].schema, &st, err);
        snprintf(want, sizeof want, "%s%s", PATH, cases[i].want);
        TC_CHECK(st == TC_EFORMAT && g == NULL, "case %zu: status %d (%s)", i, (int)st, err);
        TC_CHECK(strncmp(err, want, strlen(want)) == 0, "case %zu: \"%.200s\", expected \"%.200s\"",
                 i, err, want);
        tc_golden_free(&g);
    }
}

TC_TESTS(TC_TEST(test_parse_and_verify), TC_TEST(test_probability_tolerance),
         TC_TEST(test_score_tolerance), TC_TEST(test_malformed))
