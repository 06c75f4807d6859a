/* fuzz_codec.c - libFuzzer target for the request decoders and header parsers.
 * Input: byte 0 picks the format (mod 4), the rest is the body; the body is also fed
 * (NUL-terminated) to the Content-Type and Accept parsers. Every record span must
 * lie inside the body or the decoded-text buffer (ASan checks the reads) and be
 * valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_codec.h"
#include "tc_mediatype.h"
#include "tc_utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    tc_format fmt = (tc_format)(data[0] % 4);
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    char err[TC_ERR_LEN];
    tc_records *r = tc_records_new();
    if (r == NULL)
        return 0;
    tc_status st = tc_codec_decode(fmt, body, len, 100000, r, err);
    if (st == TC_OK) {
        if (tc_records_count(r) == 0)
            abort();
        for (size_t i = 0; i < tc_records_count(r); i++) {
            size_t l;
            const char *t = tc_records_text(r, i, &l);
            if (!tc_utf8_valid(t, l, NULL))
                abort();
        }
    } else if (tc_records_count(r) != 0 || strlen(err) == 0) {
        abort();
    }
    tc_records_free(&r);

    char *s = malloc(len + 1);
    if (s == NULL)
        return 0;
    memcpy(s, body, len);
    s[len] = '\0';
    tc_format f;
    (void)tc_codec_request_format(s, &f, err);
    st = tc_codec_response_format(s, TC_FMT_JSON, &f, err);
    if (st == TC_OK && f != TC_FMT_JSON && f != TC_FMT_JSONLINES && f != TC_FMT_CSV)
        abort();
    free(s);
    return 0;
}
