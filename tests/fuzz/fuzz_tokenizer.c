/* fuzz_tokenizer.c - libFuzzer target: the tokenizer's widest code path (AVX-512
 * 64-byte blocks, where the CPU has it) against its portable one. Input: byte 0 picks
 * lowercase (bit 0) and strip_accents (bits 1-2, mod 3), the rest is the text. Both
 * must agree on the status, the tokens (offsets and lengths) and the token bytes; on
 * a CPU without AVX-512 both run the portable path and this checks only that it does
 * not crash. Tokens must lie inside the preprocessed text (ASan checks the reads). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_tokenizer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    tc_tokenizer_options wide = {(data[0] & 1) != 0, (tc_strip_accents)((data[0] >> 1) % 3),
                                 false};
    tc_tokenizer_options port = wide;
    port.portable = true;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    tc_tokenizer_scratch *a = tc_tokenizer_scratch_new(), *b = tc_tokenizer_scratch_new();
    if (a == NULL || b == NULL)
        abort();
    char ea[TC_ERR_LEN], eb[TC_ERR_LEN];
    tc_token_list x, y;
    tc_status sx = tc_tokenize(&wide, a, text, len, &x, ea);
    tc_status sy = tc_tokenize(&port, b, text, len, &y, eb);
    if (sx != sy)
        abort();
    if (sx != TC_OK) {
        if (strcmp(ea, eb) != 0)
            abort();
    } else {
        if (x.count != y.count)
            abort();
        for (size_t i = 0; i < x.count; i++) {
            const tc_token *p = &x.tokens[i], *q = &y.tokens[i];
            if (p->off != q->off || p->len != q->len || p->len == 0 ||
                memcmp(x.text + p->off, y.text + q->off, p->len) != 0)
                abort();
        }
    }
    tc_tokenizer_scratch_free(&a);
    tc_tokenizer_scratch_free(&b);
    return 0;
}
