/*
 * tc_output.h - what a model hands the response encoder: the output schema (class names
 * in output order, probabilities or scores) and one prediction. A plain data contract
 * with no functions, so the codec needs no model and the model no codec.
 */
#ifndef TC_OUTPUT_H
#define TC_OUTPUT_H

#include <stddef.h>

typedef enum tc_output_kind { TC_OUTPUT_PROBABILITIES, TC_OUTPUT_SCORES } tc_output_kind;

/* Owned by the model; valid while the model lives. */
typedef struct tc_output_schema {
    size_t n_classes;                /* >= 2 */
    const char *const *class_names;  /* n_classes NUL-terminated UTF-8 names */
    tc_output_kind kind;
} tc_output_schema;

typedef struct tc_prediction {
    size_t label;          /* class index < n_classes */
    const double *values;  /* n_classes probabilities or scores, in class order */
} tc_prediction;

#endif
