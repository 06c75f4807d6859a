/* fuzz_linear.c - libFuzzer target for linear.tsv (tc_linear_parse, tc_linear_decision).
 * Byte 0 picks the expected rows (1..4), features (1..8) and summation order; the rest is
 * the file. A file that parses has the rows asked for and is applied to a row with every
 * feature set (ASan checks the weight reads). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_linear.h"
#include "fuzz_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    tc_linear_expect ex = {1 + (data[0] & 3), 1 + (data[0] >> 2 & 7), 2};
    ex.n_classes = ex.rows == 1 ? 2 : ex.rows;
    size_t len = 0;
    char *text = fuzz_text(data, size, 1, &len);
    if (text == NULL)
        return 0;
    char err[TC_ERR_LEN];
    tc_linear *l = NULL;
    if (tc_linear_parse("d/linear.tsv", text, len, &ex, &l, err) == TC_OK) {
        uint32_t idx[8];
        double val[8], d[4];
        for (uint32_t j = 0; j < ex.n_features; j++) {
            idx[j] = j;
            val[j] = 1.0 / (j + 1);
        }
        tc_sparse x = {idx, val, ex.n_features, (data[0] & 0x80) != 0};
        tc_linear_decision(l, &x, d);
        if (tc_linear_rows(l) != ex.rows)
            abort();
        tc_linear_free(&l);
    }
    free(text);
    return 0;
}
