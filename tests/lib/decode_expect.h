/*
 * decode_expect.h - checks for the request-decoder unit tests (tc_plaintext, tc_csv,
 * tc_json_request, tc_codec): decode a body as the whole body and compare the records
 * or the failure (header-only: each test file compiles one .c; needs tc_test.h first).
 *
 *   EXPECT(fn, "body literal", "record 1", "record 2", ...)
 *   FAIL_(fn, "body literal", TC_EINPUT, "part of the message")
 *   fail_all(fn, cases, n): each {body, part of the message} refused with TC_EINPUT
 *   expect_records(fn, body, len, want, n_want) / expect_fail(fn, body, len, st, part)
 * fn is a decode_fn: tc_status fn(tc_records *r, const char *s, size_t n, char *err) on
 * records started on s at the body's start with a limit of 1000 records.
 */
#ifndef TC_DECODE_EXPECT_H
#define TC_DECODE_EXPECT_H

#include <string.h>

#include "tc_records.h"

typedef tc_status (*decode_fn)(tc_records *r, const char *s, size_t n, char *err);

static inline tc_status decode_whole(decode_fn fn, const char *body, size_t len, size_t max,
                                     tc_records *r, char *err)
{
    tc_records_start(r, body, &tc_body_start, max);
    return fn(r, body, len, err);
}

static inline void expect_records(decode_fn fn, const char *body, size_t len, const char *const *want,
                           size_t n_want)
{
    tc_records *r = tc_records_new();
    char err[TC_ERR_LEN] = "";
    tc_status st = decode_whole(fn, body, len, 1000, r, err);
    TC_CHECK(st == TC_OK, "decode of \"%.60s\" failed: %s", body, err);
    if (st == TC_OK) {
        TC_CHECK(tc_records_count(r) == n_want, "\"%.60s\": %zu records, expected %zu", body,
                 tc_records_count(r), n_want);
        for (size_t i = 0; i < n_want && i < tc_records_count(r); i++) {
            size_t l;
            const char *t = tc_records_text(r, i, &l);
            TC_CHECK(l == strlen(want[i]) && memcmp(t, want[i], l) == 0,
                     "\"%.60s\": record %zu is \"%.*s\", expected \"%s\"", body, i, (int)l, t,
                     want[i]);
        }
    }
    tc_records_free(&r);
}

#define EXPECT(fn, body, ...)                                                           \
    do {                                                                                \
        static const char *const w_[] = {__VA_ARGS__};                                  \
        expect_records(fn, body, sizeof(body) - 1, w_, sizeof w_ / sizeof *w_);         \
    } while (0)

/* msg_part NULL: any message (not empty). */
static inline void expect_fail(decode_fn fn, const char *body, size_t len, tc_status want,
                        const char *msg_part)
{
    tc_records *r = tc_records_new();
    char err[TC_ERR_LEN] = "";
    tc_status st = decode_whole(fn, body, len, 1000, r, err);
    TC_CHECK(st == want, "\"%.60s\": status %d, expected %d (%s)", body, (int)st, (int)want, err);
    TC_CHECK(err[0] != '\0' && (msg_part == NULL || strstr(err, msg_part) != NULL),
             "\"%.60s\": message \"%s\" lacks \"%s\"", body, err, msg_part ? msg_part : "");
    tc_records_free(&r);
}

#define FAIL_(fn, body, st, part) expect_fail(fn, body, sizeof(body) - 1, st, part)

/* A table of bodies refused as client input (TC_EINPUT), each with a part of its message. */
typedef struct fail_case {
    const char *body;
    const char *msg;
} fail_case;

static inline void fail_all(decode_fn fn, const fail_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        expect_fail(fn, cases[i].body, strlen(cases[i].body), TC_EINPUT, cases[i].msg);
}

#endif
