/* test_mediatype.c - Content-Type and Accept negotiation (tc_mediatype.h). */
#include <string.h>

#include "tc_mediatype.h"
#include "tc_test.h"

static tc_format req_fmt(const char *ct, tc_status *st)
{
    tc_format f = (tc_format)-1;
    char err[TC_ERR_LEN];
    *st = tc_codec_request_format(ct, &f, err);
    return f;
}

static void test_request_format(void)
{
    static const struct { const char *ct; tc_status st; tc_format f; } cases[] = {
        {NULL, TC_OK, TC_FMT_TEXT},
        {"", TC_OK, TC_FMT_TEXT},
        {"text/plain", TC_OK, TC_FMT_TEXT},
        {"text/plain; charset=utf-8", TC_OK, TC_FMT_TEXT},
        {"text/plain;charset=\"UTF-8\"", TC_OK, TC_FMT_TEXT},
        {"application/x-www-form-urlencoded", TC_OK, TC_FMT_TEXT},
        {"TEXT/CSV", TC_OK, TC_FMT_CSV},
        {" text/csv ; header=absent", TC_OK, TC_FMT_CSV},
        {"application/json", TC_OK, TC_FMT_JSON},
        {"application/json; charset=utf8", TC_OK, TC_FMT_JSON},
        {"application/jsonlines", TC_OK, TC_FMT_JSONLINES},
        {"application/x-ndjson", TC_OK, TC_FMT_JSONLINES},
        {"text/plain; charset=latin-1", TC_EUNSUPPORTED, TC_FMT_TEXT},
        {"application/json; charset=utf-16", TC_EUNSUPPORTED, TC_FMT_TEXT},
        {"image/png", TC_EUNSUPPORTED, TC_FMT_TEXT},
        {"text/plainx", TC_EUNSUPPORTED, TC_FMT_TEXT},
        {"application/x-npy", TC_EUNSUPPORTED, TC_FMT_TEXT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tc_status st;
        tc_format f = req_fmt(cases[i].ct, &st);
        TC_CHECK(st == cases[i].st, "\"%s\": status %d, expected %d",
                 cases[i].ct ? cases[i].ct : "(null)", (int)st, (int)cases[i].st);
        if (st == TC_OK)
            TC_CHECK(f == cases[i].f, "\"%s\": format %d, expected %d", cases[i].ct ? cases[i].ct : "(null)",
                     (int)f, (int)cases[i].f);
    }
}

static void test_accept(void)
{
    static const struct { const char *acc; tc_format dflt; tc_status st; tc_format f; } cases[] = {
        {NULL, TC_FMT_JSON, TC_OK, TC_FMT_JSON},
        {"", TC_FMT_CSV, TC_OK, TC_FMT_CSV},
        {"*/*", TC_FMT_JSON, TC_OK, TC_FMT_JSON},
        {"*/*", TC_FMT_CSV, TC_OK, TC_FMT_CSV},
        {"*/*", TC_FMT_JSONLINES, TC_OK, TC_FMT_JSONLINES},
        {"text/csv", TC_FMT_JSON, TC_OK, TC_FMT_CSV},
        {"application/jsonlines", TC_FMT_JSON, TC_OK, TC_FMT_JSONLINES},
        {"application/json", TC_FMT_CSV, TC_OK, TC_FMT_JSON},
        {"text/html, text/csv;q=0.5", TC_FMT_JSON, TC_OK, TC_FMT_CSV},
        {"application/json;q=0.5, text/csv;q=0.9", TC_FMT_JSON, TC_OK, TC_FMT_CSV},
        {"text/csv, application/json", TC_FMT_JSON, TC_OK, TC_FMT_CSV},
        {"application/json;q=0, */*", TC_FMT_JSON, TC_OK, TC_FMT_JSONLINES},
        {"text/csv;q=0.2, */*;q=0.1", TC_FMT_JSON, TC_OK, TC_FMT_CSV},
        {"application/*", TC_FMT_CSV, TC_OK, TC_FMT_JSON},
        {"text/*", TC_FMT_JSON, TC_OK, TC_FMT_CSV},
        {"text/html, */*;q=0.8", TC_FMT_JSON, TC_OK, TC_FMT_JSON},
        {"TEXT/CSV; charset=utf-8", TC_FMT_JSON, TC_OK, TC_FMT_CSV},
        {"text/html", TC_FMT_JSON, TC_ENOTACCEPTABLE, TC_FMT_JSON},
        {"text/plain", TC_FMT_JSON, TC_ENOTACCEPTABLE, TC_FMT_JSON},
        {"*/*;q=0", TC_FMT_JSON, TC_ENOTACCEPTABLE, TC_FMT_JSON},
        {"application/xml, image/png", TC_FMT_JSON, TC_ENOTACCEPTABLE, TC_FMT_JSON},
        {"text/csv;q=0", TC_FMT_JSON, TC_ENOTACCEPTABLE, TC_FMT_JSON},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tc_format f = (tc_format)-1;
        char err[TC_ERR_LEN];
        tc_status st = tc_codec_response_format(cases[i].acc, cases[i].dflt, &f, err);
        const char *a = cases[i].acc ? cases[i].acc : "(null)";
        TC_CHECK(st == cases[i].st, "Accept \"%s\": status %d, expected %d", a, (int)st,
                 (int)cases[i].st);
        if (st == TC_OK)
            TC_CHECK(f == cases[i].f, "Accept \"%s\": format %d, expected %d", a, (int)f,
                     (int)cases[i].f);
    }
}

static void test_mime(void)
{
    TC_CHECK(strcmp(tc_format_mime(TC_FMT_JSON), "application/json") == 0, "json");
    TC_CHECK(strcmp(tc_format_mime(TC_FMT_JSONLINES), "application/jsonlines") == 0, "jsonl");
    TC_CHECK(strcmp(tc_format_mime(TC_FMT_CSV), "text/csv") == 0, "csv");
    TC_CHECK(strcmp(tc_format_mime(TC_FMT_TEXT), "text/plain") == 0, "text");
}

/* Refusals name what was refused, cut to a readable length. */
static void test_messages(void)
{
    char err[TC_ERR_LEN] = "";
    tc_format f;
    TC_CHECK(tc_codec_request_format("image/png; x=1", &f, err) == TC_EUNSUPPORTED &&
                 strstr(err, "unsupported Content-Type \"image/png\"") != NULL,
             "%s", err);
    TC_CHECK(tc_codec_request_format("text/csv; charset=latin-1", &f, err) == TC_EUNSUPPORTED &&
                 strstr(err, "unsupported charset \"latin-1\" (only utf-8)") != NULL,
             "%s", err);
    char longtype[300];
    memset(longtype, 'x', sizeof longtype - 1);
    longtype[sizeof longtype - 1] = '\0';
    TC_CHECK(tc_codec_request_format(longtype, &f, err) == TC_EUNSUPPORTED &&
                 strstr(err, "\"xxxx") != NULL && strlen(err) < 250,
             "long type: %zu bytes: %s", strlen(err), err);
    TC_CHECK(tc_codec_response_format("text/html;q=0.9, image/*", TC_FMT_JSON, &f, err) ==
                     TC_ENOTACCEPTABLE &&
                 strstr(err, "\"text/html;q=0.9, image/*\" can be produced") != NULL,
             "%s", err);
}

TC_TESTS(TC_TEST(test_request_format), TC_TEST(test_accept), TC_TEST(test_messages),
         TC_TEST(test_mime))
