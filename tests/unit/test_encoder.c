/* test_encoder.c - predictions encoded as response bodies (tc_encoder.h), on a schema
 * made here: every format, probabilities and scores, labels that need quoting or
 * escaping, shortest round-trip numbers. */
#include <math.h>
#include <string.h>

#include "tc_buf.h"
#include "tc_encoder.h"
#include "tc_test.h"

static const char *const k_names[] = {"neg", "pos, \"quoted\"", "caf\xc3\xa9"};
static const double k_v1[] = {0.1, 0.25, 0.65};
static const double k_v2[] = {-1.5e-7, 1e21, 0};

static void encode(tc_format fmt, tc_output_kind kind, tc_buf *out)
{
    tc_output_schema sc = {3, k_names, kind};
    tc_prediction p1 = {2, k_v1}, p2 = {1, k_v2};
    tc_encoder e;
    bool ok = tc_encoder_begin(&e, fmt, &sc, out) && tc_encoder_add(&e, &p1) &&
              tc_encoder_add(&e, &p2) && tc_encoder_end(&e);
    TC_CHECK(ok && e.count == 2, "encoding failed");
}

static void expect_body(tc_format fmt, tc_output_kind kind, const char *want)
{
    tc_buf out = TC_BUF_INIT;
    tc_buf_append_str(&out, "KEEP");  /* the encoder appends */
    encode(fmt, kind, &out);
    TC_CHECK(out.data != NULL && strncmp(out.data, "KEEP", 4) == 0 && strcmp(out.data + 4, want) == 0,
             "format %d: got\n%s\nexpected\n%s", (int)fmt, out.data ? out.data + 4 : "", want);
    tc_buf_free(&out);
}

static void test_formats(void)
{
    expect_body(TC_FMT_JSON, TC_OUTPUT_PROBABILITIES,
                "{\"predictions\":["
                "{\"label\":\"caf\xc3\xa9\",\"probabilities\":{\"neg\":0.1,\"pos, \\\"quoted\\\"\":0.25,"
                "\"caf\xc3\xa9\":0.65}},"
                "{\"label\":\"pos, \\\"quoted\\\"\",\"probabilities\":{\"neg\":-1.5e-07,"
                "\"pos, \\\"quoted\\\"\":1e+21,\"caf\xc3\xa9\":0}}]}");
    expect_body(TC_FMT_JSONLINES, TC_OUTPUT_SCORES,
                "{\"label\":\"caf\xc3\xa9\",\"scores\":{\"neg\":0.1,\"pos, \\\"quoted\\\"\":0.25,"
                "\"caf\xc3\xa9\":0.65}}\n"
                "{\"label\":\"pos, \\\"quoted\\\"\",\"scores\":{\"neg\":-1.5e-07,"
                "\"pos, \\\"quoted\\\"\":1e+21,\"caf\xc3\xa9\":0}}\n");
    expect_body(TC_FMT_CSV, TC_OUTPUT_PROBABILITIES,
                "caf\xc3\xa9,0.1,0.25,0.65\n\"pos, \"\"quoted\"\"\",-1.5e-07,1e+21,0\n");
    expect_body(TC_FMT_TEXT, TC_OUTPUT_SCORES,
                "caf\xc3\xa9,0.1,0.25,0.65\n\"pos, \"\"quoted\"\"\",-1.5e-07,1e+21,0\n");
}

static void test_empty_and_special(void)
{
    tc_output_schema sc = {2, k_names, TC_OUTPUT_PROBABILITIES};
    tc_buf out = TC_BUF_INIT;
    tc_encoder e;
    TC_CHECK(tc_encoder_begin(&e, TC_FMT_JSON, &sc, &out) && tc_encoder_end(&e) &&
                 strcmp(out.data, "{\"predictions\":[]}") == 0,
             "no predictions: %s", out.data);
    tc_buf_clear(&out);
    static const double odd[] = {NAN, 0.1 + 0.2};
    tc_prediction p = {0, odd};
    TC_CHECK(tc_encoder_begin(&e, TC_FMT_JSONLINES, &sc, &out) && tc_encoder_add(&e, &p) &&
                 strcmp(out.data, "{\"label\":\"neg\",\"probabilities\":{\"neg\":null,"
                                  "\"pos, \\\"quoted\\\"\":0.30000000000000004}}\n") == 0,
             "NaN and round-trip digits: %s", out.data);
    tc_buf_free(&out);
}

TC_TESTS(TC_TEST(test_formats), TC_TEST(test_empty_and_special))
