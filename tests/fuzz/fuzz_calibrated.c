/* fuzz_calibrated.c - libFuzzer target for calibrated.tsv (tc_calibrated_parse through
 * tc_classifier_load_mem, then a prediction). Byte 0 picks the classes (2..5), features
 * (1..4) and the method; the rest is the file. A file that loads is applied to a row with
 * every feature set (ASan checks the weight and threshold reads). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_classifier.h"
#include "fuzz_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    tc_classifier_config cfg = {.type = TC_CLF_CALIBRATED, .proba = TC_PROBA_CALIBRATED,
                                .n_classes = 2 + (data[0] & 3),
                                .n_features = 1 + (data[0] >> 2 & 3),
                                .calibration = (data[0] & 0x10) ? TC_CAL_ISOTONIC
                                                                : TC_CAL_SIGMOID};
    size_t len = 0;
    char *text = fuzz_text(data, size, 1, &len);
    if (text == NULL)
        return 0;
    char err[TC_ERR_LEN];
    tc_classifier *c = NULL;
    if (tc_classifier_load_mem(&cfg, "d/calibrated.tsv", text, len, &c, err) == TC_OK) {
        tc_classifier_scratch *s = tc_classifier_scratch_new(c);
        uint32_t idx[4];
        double val[4], v[5];
        for (uint32_t j = 0; j < cfg.n_features; j++) {
            idx[j] = j;
            val[j] = 1.0 / (j + 1);
        }
        tc_sparse x = {idx, val, cfg.n_features, (data[0] & 0x80) != 0};
        size_t label = 0;
        if (s != NULL && tc_classifier_predict(c, s, &x, v, &label) == TC_OK &&
            label >= cfg.n_classes)
            abort();
        tc_classifier_scratch_free(&s);
        tc_classifier_free(&c);
    }
    free(text);
    return 0;
}
