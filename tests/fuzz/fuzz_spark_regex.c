/* fuzz_spark_regex.c - libFuzzer target for the RegexTokenizer pattern checker and PCRE2
 * matching (tc_spark_regex.h). Input: byte 0 picks gaps (bit 0); up to the first 0xFF
 * byte is the pattern, the rest (when valid UTF-8) the text. Every token lies inside the
 * text and none is empty without gaps. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_spark_regex.h"
#include "tc_utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const bool gaps = (data[0] & 1u) != 0;
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    const char *ff = memchr(p, 0xff, (size_t)(end - p));
    const size_t plen = (size_t)((ff ? ff : end) - p);
    const char *text = ff ? ff + 1 : end;
    const size_t tlen = (size_t)(end - text);
    tc_spark_regex *r = NULL;
    char err[TC_ERR_LEN];
    if (tc_spark_regex_compile(p, plen, &r, err) != TC_OK)
        return 0;
    tc_spark_regex_scratch *s = tc_spark_regex_scratch_new();
    tc_token *toks = malloc((tlen + 1) * sizeof *toks);
    size_t n = 0;
    if (s != NULL && toks != NULL && tc_utf8_valid(text, tlen, NULL) &&
        tc_spark_regex_tokens(r, s, text, tlen, gaps, toks, &n, err) == TC_OK) {
        for (size_t i = 0; i < n; i++)
            if ((size_t)toks[i].off + toks[i].len > tlen || (!gaps && toks[i].len == 0))
                abort();
    }
    free(toks);
    tc_spark_regex_scratch_free(s);
    tc_spark_regex_free(&r);
    return 0;
}
