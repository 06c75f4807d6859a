/*
 * tc_encoder.h - predictions encoded as a response body, streaming: begin, one add per
 * prediction, end. Socket-free and model-free: the model hands over a tc_output_schema.
 *
 *   TC_FMT_JSON       {"predictions":[{"label":..,"probabilities":{..}}, ...]}
 *   TC_FMT_JSONLINES  one {"label":..,"probabilities":{..}} per line
 *   TC_FMT_CSV        label,v_class0,v_class1,... per line (classes in model order)
 * ("scores" replaces "probabilities" for models without probabilities; TC_FMT_TEXT is
 * encoded as CSV). Numbers are the shortest decimal that reads back as the same double
 * (non-finite: null in JSON). CSV cells (labels) are quoted when they hold a comma,
 * quote or line break.
 */
#ifndef TC_ENCODER_H
#define TC_ENCODER_H

#include <stdbool.h>
#include <stddef.h>

#include "tc_buf.h"
#include "tc_mediatype.h"
#include "tc_output.h"

/* The caller's (usually on its stack); fields are read-only between begin and end. */
typedef struct tc_encoder {
    tc_format fmt;
    const tc_output_schema *schema;
    tc_buf *out;
    size_t count;  /* predictions added */
} tc_encoder;

/* Appends to out (never clears it); false only on allocation failure. schema (class
 * names, output kind) and out must outlive the encoder's use; every prediction's label
 * and values follow the schema. */
bool tc_encoder_begin(tc_encoder *e, tc_format fmt, const tc_output_schema *schema, tc_buf *out);
bool tc_encoder_add(tc_encoder *e, const tc_prediction *p);
bool tc_encoder_end(tc_encoder *e);

#endif
