/* fuzz_keras_tokenizer.c - libFuzzer target: the Keras tokenizer (tc_keras_tokenizer.h)
 * against a naive reference written from the contract: standardize the whole text into a
 * copy (A-Z lowered, the 32 ASCII punctuation bytes dropped), then cut it at the six
 * ASCII whitespace bytes, keeping non-empty pieces. Input: byte 0 picks lower (bit 0) and
 * strip_punctuation (bit 1); the rest is the text. Valid UTF-8 must give the same tokens;
 * invalid UTF-8 must be TC_EINPUT. Tokens must lie inside the returned text (ASan). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_keras_tokenizer.h"
#include "tc_utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int is_punct(unsigned char c)
{
    return c != 0 && strchr("!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'", c) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    tc_keras_tokenizer_options o = {(data[0] & 1) != 0, (data[0] & 2) != 0};
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    tc_keras_tokenizer_scratch *s = tc_keras_tokenizer_scratch_new();
    char *ref = malloc(len + 1);
    if (s == NULL || ref == NULL)
        abort();
    char err[TC_ERR_LEN];
    tc_token_list tl;
    tc_status st = tc_keras_tokenize(&o, s, text, len, &tl, err);
    if (!tc_utf8_valid(text, len, NULL)) {
        if (st != TC_EINPUT)
            abort();
    } else {
        if (st != TC_OK)
            abort();
        size_t n = 0;
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)text[i];
            if (o.strip_punctuation && is_punct(c))
                continue;
            if (o.lower && c >= 'A' && c <= 'Z')
                c = (unsigned char)(c + 32);
            ref[n++] = (char)c;
        }
        size_t k = 0, i = 0;
        while (i < n) {
            while (i < n && is_ws((unsigned char)ref[i]))
                i++;
            size_t start = i;
            while (i < n && !is_ws((unsigned char)ref[i]))
                i++;
            if (i == start)
                break;
            if (k >= tl.count || tl.tokens[k].len != i - start ||
                memcmp(tl.text + tl.tokens[k].off, ref + start, i - start) != 0)
                abort();
            k++;
        }
        if (k != tl.count)
            abort();
    }
    free(ref);
    tc_keras_tokenizer_scratch_free(&s);
    return 0;
}
