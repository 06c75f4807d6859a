/* decision.c - scikit-learn's decision_function shape (see tc_decision.h). */
#include "tc_decision.h"

#include <math.h>
#include <string.h>

size_t tc_decision_width(const tc_classifier *c)
{
    const size_t k = tc_classifier_n_classes(c);
    if (tc_classifier_backend(c) == TC_CLF_LINEAR && tc_classifier_proba(c) == TC_PROBA_NAIVE_BAYES)
        return 0;
    if (tc_classifier_backend(c) != TC_CLF_LINEAR && tc_classifier_backend(c) != TC_CLF_LIBSVM)
        return 0;  /* BernoulliNB, CalibratedClassifierCV: scikit-learn has none */
    return k == 2 ? 1 : k;
}

size_t tc_decision_raw_count(const tc_classifier *c)
{
    const size_t k = tc_classifier_n_classes(c);
    if (tc_classifier_backend(c) == TC_CLF_LIBSVM)
        return k * (k - 1) / 2;
    if (tc_classifier_backend(c) != TC_CLF_LINEAR)
        return tc_classifier_n_decision(c);
    /* linear: one row for binary models, except naive Bayes (one per class) */
    return k == 2 && tc_classifier_proba(c) != TC_PROBA_NAIVE_BAYES ? 1 : k;
}

void tc_decision_function(const tc_classifier *c, const double *raw, double *out,
                          double *scratch)
{
    const size_t k = tc_classifier_n_classes(c);
    if (tc_classifier_backend(c) == TC_CLF_LINEAR) {
        memcpy(out, raw, tc_decision_width(c) * sizeof *out);
        return;
    }
    if (k == 2) {
        out[0] = -raw[0];
        return;
    }
    /* sklearn.utils.multiclass._ovr_decision_function(dec < 0, -dec, k): pair (i, j)
     * subtracts its confidence -dec from i's sum and adds it to j's; it votes i when
     * dec >= 0, j when dec < 0. */
    double *conf = scratch;
    for (size_t i = 0; i < k; i++) {
        out[i] = 0.0;
        conf[i] = 0.0;
    }
    for (size_t i = 0, p = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++, p++) {
            conf[i] -= -raw[p];
            conf[j] += -raw[p];
            out[raw[p] < 0 ? j : i] += 1.0;
        }
    for (size_t i = 0; i < k; i++)
        out[i] += conf[i] / (3 * (fabs(conf[i]) + 1));
}
