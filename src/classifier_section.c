/* classifier_section.c - the manifest's "classifier" section (see
 * tc_classifier_section.h): one parser per kind, picked by "type" from TYPES. */
#include "tc_classifier_section.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define W "classifier."

/* The "estimator" member, informational: which scikit-learn class was exported. */
static const char *estimator(const cJSON *cl)
{
    const cJSON *est = cJSON_GetObjectItemCaseSensitive(cl, "estimator");
    return cJSON_IsString(est) ? est->valuestring : "unknown estimator";
}

static tc_status parse_linear(const tc_mjson *r, const cJSON *cl, tc_classifier_section *out,
                              char *err)
{
    static const char *const names[] = {"logistic_ovr",   "softmax",     "softmax_binary",
                                        "modified_huber", "naive_bayes", "none"};
    static const tc_proba_kind kinds[] = {
        TC_PROBA_LOGISTIC_OVR,  TC_PROBA_SOFTMAX,     TC_PROBA_SOFTMAX_BINARY,
        TC_PROBA_MODIFIED_HUBER, TC_PROBA_NAIVE_BAYES, TC_PROBA_NONE};
    size_t proba = 0;
    tc_status st = tc_mjson_choice(r, cl, W, "probability", names, 6, &proba, err);
    if (st != TC_OK)
        return st;
    tc_classifier_config *cfg = &out->config;
    cfg->type = TC_CLF_LINEAR;
    cfg->proba = kinds[proba];
    if (cfg->proba == TC_PROBA_SOFTMAX && cfg->n_classes < 3)
        return tc_fail(err, TC_EFORMAT,
                       "%s: classifier.probability \"softmax\" needs 3 or more classes "
                       "(binary multinomial models use \"softmax_binary\")",
                       r->path);
    if (cfg->proba == TC_PROBA_SOFTMAX_BINARY && cfg->n_classes != 2)
        return tc_fail(err, TC_EFORMAT,
                       "%s: classifier.probability \"softmax_binary\" needs exactly 2 classes",
                       r->path);
    snprintf(out->desc, sizeof out->desc, "linear (%s, probability %s)", estimator(cl),
             names[proba]);
    return TC_OK;
}

/* "libsvm_labels": one integer per class, in class order. */
static tc_status parse_labels(const tc_mjson *r, const cJSON *cl, tc_classifier_section *out,
                              char *err)
{
    const size_t k = out->config.n_classes;
    tc_status st = TC_OK;
    const cJSON *lab = tc_mjson_member(r, cl, W, "libsvm_labels", &st, err);
    if (lab == NULL)
        return st;
    if (!cJSON_IsArray(lab) || (size_t)cJSON_GetArraySize(lab) != k)
        return tc_fail(err, TC_EFORMAT,
                       "%s: \"classifier.libsvm_labels\" must be an array of %zu integers",
                       r->path, k);
    if ((out->libsvm_labels = calloc(k, sizeof *out->libsvm_labels)) == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    size_t i = 0;
    for (const cJSON *j = lab->child; j != NULL; j = j->next, i++) {
        double d = cJSON_IsNumber(j) ? j->valuedouble : 0.5;
        if (!(floor(d) == d && fabs(d) <= 2147483647.0))
            return tc_fail(err, TC_EFORMAT,
                           "%s: \"classifier.libsvm_labels\"[%zu] must be an integer", r->path,
                           i);
        out->libsvm_labels[i] = (int)d;
    }
    out->config.libsvm_labels = out->libsvm_labels;
    return TC_OK;
}

static tc_status parse_libsvm(const tc_mjson *r, const cJSON *cl, tc_classifier_section *out,
                              char *err)
{
    static const char *const probas[] = {"pairwise_coupling", "none"};
    static const char *const origins[] = {"sklearn", "libsvm"};
    size_t proba = 0, origin = 0;
    tc_status st;
    if ((st = tc_mjson_choice(r, cl, W, "probability", probas, 2, &proba, err)) != TC_OK ||
        (st = tc_mjson_choice(r, cl, W, "origin", origins, 2, &origin, err)) != TC_OK)
        return st;
    tc_classifier_config *cfg = &out->config;
    cfg->type = TC_CLF_LIBSVM;
    cfg->proba = proba == 0 ? TC_PROBA_PAIRWISE : TC_PROBA_NONE;
    cfg->origin = origin == 0 ? TC_SVM_SKLEARN : TC_SVM_LIBSVM;
    if ((st = parse_labels(r, cl, out, err)) != TC_OK)
        return st;
    snprintf(out->desc, sizeof out->desc, "libsvm (%s, probability %s, origin %s)",
             estimator(cl), probas[proba], origins[origin]);
    return TC_OK;
}

/* "binarized_linear": BernoulliNB (tc_binarized.h), linear.tsv behind a threshold. */
static tc_status parse_binarized(const tc_mjson *r, const cJSON *cl, tc_classifier_section *out,
                                 char *err)
{
    static const char *const probas[] = {"naive_bayes"};
    size_t proba = 0;
    tc_status st = tc_mjson_choice(r, cl, W, "probability", probas, 1, &proba, err);
    if (st != TC_OK)
        return st;
    const cJSON *t = tc_mjson_member(r, cl, W, "binarize", &st, err);
    if (t == NULL)
        return st;
    if (!cJSON_IsNumber(t) || !isfinite(t->valuedouble) || t->valuedouble < 0.0)
        return tc_fail(err, TC_EFORMAT,
                       "%s: \"classifier.binarize\" must be a finite number >= 0", r->path);
    out->config.type = TC_CLF_BINARIZED;
    out->config.proba = TC_PROBA_NAIVE_BAYES;
    out->config.binarize = t->valuedouble;
    snprintf(out->desc, sizeof out->desc, "binarized_linear (%s, binarize %.17g, probability "
             "naive_bayes)", estimator(cl), t->valuedouble);
    return TC_OK;
}

/* "calibrated": CalibratedClassifierCV (tc_calibrated.h); "method" must match the file. */
static tc_status parse_calibrated(const tc_mjson *r, const cJSON *cl, tc_classifier_section *out,
                                  char *err)
{
    static const char *const probas[] = {"calibrated"};
    static const char *const methods[] = {"sigmoid", "isotonic"};
    size_t proba = 0, method = 0;
    tc_status st;
    if ((st = tc_mjson_choice(r, cl, W, "probability", probas, 1, &proba, err)) != TC_OK ||
        (st = tc_mjson_choice(r, cl, W, "method", methods, 2, &method, err)) != TC_OK)
        return st;
    out->config.type = TC_CLF_CALIBRATED;
    out->config.proba = TC_PROBA_CALIBRATED;
    out->config.calibration = method == 0 ? TC_CAL_SIGMOID : TC_CAL_ISOTONIC;
    snprintf(out->desc, sizeof out->desc, "calibrated (%s, method %s)", estimator(cl),
             methods[method]);
    return TC_OK;
}

typedef tc_status (*section_parser)(const tc_mjson *r, const cJSON *cl,
                                    tc_classifier_section *out, char *err);

/* "type" -> parser (which sets config.type). */
static const char *const TYPES[] = {"linear", "libsvm", "binarized_linear", "calibrated"};
static const section_parser PARSERS[] = {parse_linear, parse_libsvm, parse_binarized,
                                         parse_calibrated};
#define N_KINDS (sizeof TYPES / sizeof *TYPES)
_Static_assert(N_KINDS == sizeof PARSERS / sizeof *PARSERS, "a parser per type");

tc_status tc_classifier_section_parse(const tc_mjson *r, const cJSON *root, size_t n_classes,
                                      size_t n_features, tc_classifier_section *out, char *err)
{
    const cJSON *cl = NULL;
    size_t k = 0;
    tc_status st = tc_mjson_section(r, root, "classifier", TYPES, N_KINDS, &cl, &k, err);
    if (st != TC_OK)
        return st;
    tc_classifier_section s;
    memset(&s, 0, sizeof s);
    s.config.n_classes = n_classes;
    s.config.n_features = n_features;  /* the vectorizer's, checked once both are built */
    if ((st = PARSERS[k](r, cl, &s, err)) == TC_OK)
        st = tc_mjson_file(r, cl, W, "file", &s.file, err);
    if (st != TC_OK) {
        tc_classifier_section_release(&s);
        return st;
    }
    *out = s;
    return TC_OK;
}

void tc_classifier_section_release(tc_classifier_section *s)
{
    free(s->libsvm_labels);
    s->libsvm_labels = NULL;
    s->config.libsvm_labels = NULL;
}
