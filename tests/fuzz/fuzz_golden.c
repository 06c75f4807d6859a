/* fuzz_golden.c - libFuzzer target for golden.jsonl (tc_golden_parse, tc_golden_verify).
 * Byte 0 picks the output kind (even: probabilities, odd: scores) and the class count
 * (2 or 3); the rest is the file. Samples that parse are verified against a predict that
 * always answers class 0 with value 0.5: no crash, and a verdict either way. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_golden.h"
#include "fuzz_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const NAMES[] = {"negative", "positive", "neutral"};
static const double HALF[3] = {0.5, 0.5, 0.5};

static volatile unsigned text_sum;

/* Reads every byte of the text (ASan checks the span), answers class 0. */
static tc_status answer(void *ctx, const char *text, size_t len, tc_prediction *out, char *err)
{
    (void)err;
    size_t *calls = ctx;
    unsigned sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += (unsigned char)text[i];
    text_sum += sum;
    (*calls)++;
    out->label = 0;
    out->values = HALF;
    return TC_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    tc_output_schema schema = {2 + (data[0] >> 1 & 1), NAMES,
                               data[0] & 1 ? TC_OUTPUT_SCORES : TC_OUTPUT_PROBABILITIES};
    size_t len = 0;
    char *text = fuzz_text(data, size, 1, &len);
    if (text == NULL)
        return 0;
    char err[TC_ERR_LEN];
    tc_golden *g = NULL;
    if (tc_golden_parse("d/golden.jsonl", text, len, &schema, &g, err) == TC_OK) {
        if (tc_golden_count(g) == 0)
            abort();
        size_t calls = 0;
        tc_status st = tc_golden_verify(g, TC_GOLDEN_TOLERANCE, answer, &calls, err);
        if ((st != TC_OK && st != TC_EMISMATCH) || calls == 0)
            abort();
        tc_golden_free(&g);
    }
    free(text);
    return 0;
}
