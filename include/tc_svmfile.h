/*
 * tc_svmfile.h - strict reader for libsvm model files (the text svm_save_model
 * writes). It checks the whole file before libsvm's svm_load_model may see it, so
 * nothing malformed ever reaches libsvm's unchecked fscanf/strtod parser:
 * header keys and their order dependencies, counts, kernel parameters, the class
 * labels, every support-vector line (K-1 finite coefficients, then index:value
 * pairs with strictly ascending indices in 1..n_features and finite values), and
 * nothing after the last support vector.
 */
#ifndef TC_SVMFILE_H
#define TC_SVMFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "tc_status.h"

typedef enum tc_svm_kernel {
    TC_SVM_KERNEL_LINEAR,
    TC_SVM_KERNEL_POLY,
    TC_SVM_KERNEL_RBF,
    TC_SVM_KERNEL_SIGMOID
} tc_svm_kernel;

typedef struct tc_svmfile_expect {
    size_t n_classes;       /* nr_class must equal this (>= 2) */
    size_t n_features;      /* SV indices must lie in 1..n_features */
    const int *labels;      /* n_classes ints: the `label` line, in order */
    bool need_probability;  /* probA and probB are required */
} tc_svmfile_expect;

typedef struct tc_svmfile_info {
    tc_svm_kernel kernel;
    size_t total_sv;
    bool has_probability;   /* both probA and probB present */
} tc_svmfile_info;

/* Validates data[0..len) (the contents of path; data[len] must be '\0'). Errors are
 * TC_EFORMAT with "path:line: why". */
tc_status tc_svmfile_validate(const char *path, const char *data, size_t len,
                              const tc_svmfile_expect *expect, tc_svmfile_info *info,
                              char *err);

#endif
