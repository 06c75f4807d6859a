/*
 * textclf.h - the public, stable C API of libtextclf (soname libtextclf.so.1): open a
 * verified model directory and classify batches of texts in-process, with the same
 * numbers as `textclf predict` and the HTTP daemon. The Python package (python/textclf)
 * is a thin ctypes layer over exactly these functions.
 *
 * Stability: only what is declared here is exported from the shared library (every
 * symbol is prefixed textclf_, versioned TEXTCLF_1). Within soname 1 functions are only
 * ever added; no signature, status value or layout below changes.
 *
 * Threads: a textclf_model is immutable once open. Any number of threads may call the
 * prediction functions on the same model at once (each call takes its own scratch
 * space from a small pool in the model). textclf_close must not race with any other
 * call on the same model: the caller ends every call before closing.
 *
 * Errors: functions that can fail return a TEXTCLF_* status and, when err is not NULL,
 * write one NUL-terminated line (at most TEXTCLF_ERR_LEN bytes) into it: the file and
 * line for a bad model, the text's index and byte offset for bad input. Out-parameters
 * are written only as documented per function.
 */
#ifndef TEXTCLF_H
#define TEXTCLF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(TEXTCLF_BUILDING_LIBRARY) && defined(__GNUC__)
#define TEXTCLF_API __attribute__((visibility("default")))
#else
#define TEXTCLF_API
#endif

#define TEXTCLF_ABI_VERSION 1
#define TEXTCLF_ERR_LEN 512

/* Status codes (stable values). */
#define TEXTCLF_OK 0
#define TEXTCLF_ENOMEM 1       /* allocation failed */
#define TEXTCLF_EIO 2          /* a model file is missing or unreadable */
#define TEXTCLF_EFORMAT 3      /* a model file is malformed or inconsistent */
#define TEXTCLF_EINPUT 4       /* a text is not valid UTF-8 */
#define TEXTCLF_EUNSUPPORTED 5 /* the model cannot do what was asked */
#define TEXTCLF_EMISMATCH 6    /* the model does not reproduce its golden samples */
#define TEXTCLF_EINVAL 7       /* invalid argument (NULL pointer, count overflow) */

/* What textclf_predict writes into values. */
#define TEXTCLF_PROBABILITIES 0 /* predict_proba: each row sums to 1 */
#define TEXTCLF_SCORES 1        /* decision scores per class (binary: -d, d) */

typedef struct textclf_model textclf_model;

/* One input text: len bytes of UTF-8 at data (no NUL needed; data may be NULL when
 * len is 0). */
typedef struct textclf_text {
    const char *data;
    size_t len;
} textclf_text;

/* TEXTCLF_ABI_VERSION of the loaded library. */
TEXTCLF_API int textclf_abi_version(void);
/* The library's version, e.g. "1.0.0". Static storage. */
TEXTCLF_API const char *textclf_version(void);
/* Static English name of a status ("malformed input", ...). Never NULL. */
TEXTCLF_API const char *textclf_status_name(int status);

/* Loads the model directory dir (docs/model-format.md) exactly as `textclf serve` does:
 * manifest, sizes and sha256 of every file, every file's syntax, golden samples
 * reproduced to 1e-9. On success *out receives the model and TEXTCLF_OK is returned;
 * otherwise *out is left alone and err names the file and line. */
TEXTCLF_API int textclf_open(const char *dir, textclf_model **out, char *err);
/* Frees m and everything it owns. NULL is ignored. */
TEXTCLF_API void textclf_close(textclf_model *m);

TEXTCLF_API size_t textclf_n_classes(const textclf_model *m);
/* Class i's name (NUL-terminated UTF-8, owned by m), or NULL if i is out of range. */
TEXTCLF_API const char *textclf_class_name(const textclf_model *m, size_t i);
/* TEXTCLF_PROBABILITIES or TEXTCLF_SCORES. */
TEXTCLF_API int textclf_output_kind(const textclf_model *m);
/* The bytes of manifest.json the model was verified against (NUL-terminated, owned by
 * m); *len receives their count when len is not NULL. */
TEXTCLF_API const char *textclf_manifest_json(const textclf_model *m, size_t *len);
/* Columns of textclf_decision_function's output, scikit-learn's decision_function
 * shape: 1 for two classes, n_classes otherwise, 0 where scikit-learn has no
 * decision_function (MultinomialNB). */
TEXTCLF_API size_t textclf_decision_width(const textclf_model *m);

/* Classifies texts[0..n). threads: how many threads to use for this call (1 = the
 * calling thread only, 0 = one per online CPU); small batches use fewer.
 *
 * Per text i, in input order:
 *   labels[i]                          predicted class index, or -1 if the text failed
 *   values[i*k .. i*k+k), k = n_classes  probabilities or scores (textclf_output_kind),
 *                                      NaN if the text failed
 *   status[i]                          TEXTCLF_OK or why the text failed
 * Each of labels, values, status may be NULL when not wanted. A text that fails (invalid
 * UTF-8) does not stop the others: every other row is still written.
 *
 * Returns TEXTCLF_OK when every text was classified; otherwise the status of the first
 * failed text, with err naming it, e.g. "texts[3]: invalid UTF-8 at byte offset 17".
 * TEXTCLF_EINVAL (nothing written) for a NULL model, or NULL texts with n > 0. */
TEXTCLF_API int textclf_predict(const textclf_model *m, const textclf_text *texts, size_t n,
                                unsigned threads, int32_t *labels, double *values,
                                int32_t *status, char *err);

/* scikit-learn's decision_function for texts[0..n): out[i*w .. i*w+w) with
 * w = textclf_decision_width(m) (binary: the score of class 1; multiclass linear
 * models: one score per class; multiclass SVC: the one-vs-rest shape of
 * decision_function_shape='ovr'). Failed texts get NaN, status and the return value
 * as in textclf_predict. TEXTCLF_EUNSUPPORTED (nothing written) when w is 0. */
TEXTCLF_API int textclf_decision_function(const textclf_model *m, const textclf_text *texts,
                                          size_t n, unsigned threads, double *out,
                                          int32_t *status, char *err);

#ifdef __cplusplus
}
#endif

#endif
