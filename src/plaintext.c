/* plaintext.c - text/plain request bodies (see tc_plaintext.h). */
#include "tc_plaintext.h"

#include <string.h>

tc_status tc_plaintext_decode(tc_records *r, const char *s, size_t n, char *err)
{
    size_t pos = 0;
    while (pos < n) {
        const char *nl = memchr(s + pos, '\n', n - pos);
        size_t end = nl ? (size_t)(nl - s) : n;
        size_t le = end;
        if (nl != NULL && le > pos && s[le - 1] == '\r')
            le--;
        tc_status st = tc_records_add_span(r, pos, le - pos, err);
        if (st != TC_OK)
            return st;
        pos = nl ? end + 1 : n;
    }
    return TC_OK;
}
