/*
 * tc_golden.h - golden samples (golden.jsonl, docs/model-format.md): texts with the
 * label and values the training framework computed, which a model must reproduce at
 * every load. Parsing needs the model's output schema (class names, and whether values
 * are "probabilities" or "scores"); verification runs any predict function over the
 * samples, so it does not depend on the model.
 *
 * Tolerance: a value passes when |got - want| <= tol for probabilities and
 * tol * max(1, |want|) for scores; labels must match exactly.
 */
#ifndef TC_GOLDEN_H
#define TC_GOLDEN_H

#include <stddef.h>

#include "tc_output.h"
#include "tc_status.h"

/* scikit-learn, libsvm and Spark models (float64 throughout). */
#define TC_GOLDEN_TOLERANCE 1e-9
/* The range a manifest's "golden_tolerance" may ask for (float32 Keras models: 1e-5). */
#define TC_GOLDEN_TOLERANCE_MIN 1e-12
#define TC_GOLDEN_TOLERANCE_MAX 1e-4

typedef struct tc_golden tc_golden;

/* Parses data[0..len) (data[len] == '\0'; path names it in messages). One JSON object
 * per '\n'-terminated line: {"text": string, "label": one of the class names,
 * "<probabilities|scores>": {class name: finite number, ...} with one value per class}.
 * Refuses (TC_EFORMAT, "path:line: why") invalid JSON, trailing characters, empty lines,
 * a missing final newline, unknown labels, missing or non-finite values, and a file with
 * no samples. schema is borrowed and must outlive *out. */
tc_status tc_golden_parse(const char *path, const char *data, size_t len,
                          const tc_output_schema *schema, tc_golden **out, char *err);
void tc_golden_free(tc_golden **g);  /* sets *g to NULL; NULL is ignored */

size_t tc_golden_count(const tc_golden *g);

/* Classifies text[0..len) into *out (values: schema->n_classes numbers in class order);
 * on failure returns non-TC_OK with a message in err. */
typedef tc_status (*tc_golden_predict_fn)(void *ctx, const char *text, size_t len,
                                          tc_prediction *out, char *err);

/* Runs predict over every sample in file order and stops at the first that does not
 * reproduce: TC_EMISMATCH with "path:line: model does not reproduce: ..." (which label,
 * or which class's value, expected and computed) or "path:line: cannot classify the
 * sample text: <predict's message>". */
tc_status tc_golden_verify(const tc_golden *g, double tol, tc_golden_predict_fn predict,
                           void *ctx, char *err);

#endif
