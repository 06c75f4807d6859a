/* fuzz_char_ngrams.c - libFuzzer target for the char / char_wb analyzers
 * (tc_char_ngram_tokenizer). Byte 0 picks the analyzer, the range (1..4 to 1..8 code
 * points), lowercase and accent stripping; the rest is the text. Every token must lie in
 * the output and hold no space, TAB, CR or LF (the vocabulary's escaped form). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_char_ngrams.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    tc_char_ngram_options o;
    memset(&o, 0, sizeof o);
    o.word_bounded = (data[0] & 1) != 0;
    o.min_n = 1 + (data[0] >> 1 & 3);
    o.max_n = o.min_n + (data[0] >> 3 & 3);
    o.pre.lowercase = (data[0] & 0x20) != 0;
    o.pre.strip_accents = (tc_strip_accents)((data[0] >> 6) % 3);
    void *s = tc_char_ngram_tokenizer.scratch_new();
    if (s == NULL)
        return 0;
    tc_token_list tl;
    char err[TC_ERR_LEN];
    if (tc_char_ngram_tokenizer.tokenize(&o, s, (const char *)data + 1, size - 1, &tl, err) ==
        TC_OK) {
        for (size_t i = 0; i < tl.count; i++) {
            const char *t = tl.text + tl.tokens[i].off;
            if (tl.tokens[i].len == 0)
                abort();
            for (size_t k = 0; k < tl.tokens[i].len; k++)
                if (t[k] == ' ' || t[k] == '\t' || t[k] == '\r' || t[k] == '\n')
                    abort();
        }
    }
    tc_char_ngram_tokenizer.scratch_free(s);
    return 0;
}
