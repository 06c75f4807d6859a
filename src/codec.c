/* codec.c - a request body decoded into records, whole (see tc_codec.h). */
#include "tc_codec.h"

#include "tc_csv.h"
#include "tc_json_request.h"
#include "tc_plaintext.h"
#include "tc_utf8.h"

tc_status tc_codec_check_size(size_t len, char *err)
{
    if (len == 0)
        return tc_fail(err, TC_EINPUT, "empty request body");
    if (len > TC_RECORDS_MAX_PART)
        return tc_fail(err, TC_ETOOBIG, "request body of %zu bytes is too large", len);
    return TC_OK;
}

tc_status tc_codec_check_utf8(const char *part, size_t len, const tc_body_origin *at, char *err)
{
    size_t bad;
    if (tc_utf8_valid(part, len, &bad))
        return TC_OK;
    return tc_fail(err, TC_EINPUT, "invalid UTF-8 at byte %zu (line %zu)", at->byte + bad,
                   tc_body_origin_line(at, part, bad));
}

tc_status tc_codec_decode_part(tc_format fmt, const char *part, size_t len,
                               const tc_body_origin *at, size_t max_records, tc_records *r,
                               char *err)
{
    tc_records_start(r, part, at, max_records);
    tc_status st = TC_OK;
    switch (fmt) {
    case TC_FMT_TEXT: st = tc_plaintext_decode(r, part, len, err); break;
    case TC_FMT_CSV: st = tc_csv_decode(r, part, len, err); break;
    case TC_FMT_JSON: st = tc_json_request_decode(r, part, len, err); break;
    case TC_FMT_JSONLINES: st = tc_json_request_decode_lines(r, part, len, err); break;
    }
    if (st != TC_OK)
        tc_records_drop(r);
    return st;
}

tc_status tc_codec_check_count(size_t records, char *err)
{
    return records > 0 ? TC_OK : tc_fail(err, TC_EINPUT, "the request contains no records");
}

tc_status tc_codec_decode(tc_format fmt, const char *body, size_t len, size_t max_records,
                          tc_records *r, char *err)
{
    tc_records_drop(r);
    tc_status st = tc_codec_check_size(len, err);
    if (st == TC_OK)
        st = tc_codec_check_utf8(body, len, &tc_body_start, err);
    if (st == TC_OK)
        st = tc_codec_decode_part(fmt, body, len, &tc_body_start, max_records, r, err);
    if (st == TC_OK)
        st = tc_codec_check_count(tc_records_count(r), err);
    if (st != TC_OK)
        tc_records_drop(r);
    return st;
}
