/* fuzz_py_regex.c - libFuzzer target for the token_pattern checker, translator and
 * PCRE2 matching (tc_py_regex.h). Input: up to the first 0xFF byte is the pattern, the
 * rest (when valid UTF-8) the text. Every accepted pattern must translate to something
 * PCRE2 compiles (or be refused), and every token must be non-empty, inside the text,
 * in order, and hold no space, TAB, CR or LF. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_py_regex.h"
#include "tc_utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = (const char *)data + size;
    const char *ff = memchr(p, 0xff, size);
    const size_t plen = (size_t)((ff ? ff : end) - p);
    const char *text = ff ? ff + 1 : end;
    const size_t tlen = (size_t)(end - text);
    tc_py_regex *r = NULL;
    char err[TC_ERR_LEN];
    if (tc_py_regex_compile(p, plen, &r, err) != TC_OK)
        return 0;
    tc_py_regex_scratch *s = tc_py_regex_scratch_new();
    tc_token *toks = malloc((tlen + 1) * sizeof *toks);
    size_t n = 0;
    if (s != NULL && toks != NULL && tc_utf8_valid(text, tlen, NULL) &&
        tc_py_regex_tokens(r, s, text, tlen, toks, &n, err) == TC_OK) {
        size_t prev_end = 0;
        for (size_t i = 0; i < n; i++) {
            const size_t o = toks[i].off, l = toks[i].len;
            if (l == 0 || o < prev_end || o + l > tlen)
                abort();
            for (size_t k = o; k < o + l; k++)
                if (text[k] == ' ' || text[k] == '\t' || text[k] == '\r' || text[k] == '\n')
                    abort();
            prev_end = o + l;
        }
    }
    free(toks);
    tc_py_regex_scratch_free(s);
    tc_py_regex_free(&r);
    return 0;
}
