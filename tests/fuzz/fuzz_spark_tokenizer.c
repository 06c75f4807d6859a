/* fuzz_spark_tokenizer.c - libFuzzer target for Spark's tokenizers. Input: byte 0 picks
 * the kind (bit 0), lowercasing (bit 1) and minTokenLength (bits 2-3); the rest is the
 * text. Valid UTF-8 must tokenize, every token inside the text with its padding
 * readable, and no token may contain Java whitespace. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_spark_tokenizer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    tc_spark_tokenizer_options o = {.kind = (data[0] & 1u) ? TC_SPARK_REGEX_GAPS : TC_SPARK_TOKENIZER,
                                    .lowercase = (data[0] & 2u) != 0,
                                    .min_token_length = (uint32_t)((data[0] >> 2) & 3u)};
    void *s = tc_spark_tokenizer.scratch_new();
    if (s == NULL)
        return 0;
    tc_token_list tl;
    char err[TC_ERR_LEN];
    if (tc_spark_tokenizer.tokenize(&o, s, (const char *)data + 1, size - 1, &tl, err) == TC_OK) {
        for (size_t i = 0; i < tl.count; i++) {
            const tc_token *t = &tl.tokens[i];
            volatile char pad = tl.text[t->off + t->len + TC_TOKEN_PAD - 1];
            (void)pad;
            for (uint32_t k = 0; k < t->len; k++) {
                unsigned char c = (unsigned char)tl.text[t->off + k];
                if (c == ' ' || (c >= 0x09 && c <= 0x0D))
                    abort();
            }
        }
    }
    tc_spark_tokenizer.scratch_free(s);
    return 0;
}
