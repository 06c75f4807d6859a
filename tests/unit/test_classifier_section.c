/* test_classifier_section.c - the manifest's "classifier" section
 * (tc_classifier_section.h): each kind's members read into the tc_classifier_config they
 * mean (every probability name, origins, libsvm labels), the description `textclf
 * check` prints, and every refusal with the exact message naming the manifest and the
 * member. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/strreplace.h"
#include "../lib/tiny_model.h"
#include "tc_classifier_section.h"
#include "tc_test.h"

#define MANIFEST "m/manifest.json"

static const tc_listed_file FILES[] = {
    {.name = "vocab.tsv"}, {.name = "linear.tsv"}, {.name = "model.svm"}};
static const tc_mjson R = {MANIFEST, FILES, sizeof FILES / sizeof *FILES};

/* Parses {"classifier": {<section>}} for k classes and 5 features. */
static tc_status parse(const char *section, size_t k, tc_classifier_section *out, char *err)
{
    char *json = malloc(strlen(section) + 32);
    if (json == NULL)
        return TC_ENOMEM;
    sprintf(json, "{\"classifier\": {%s}}", section);
    cJSON *root = cJSON_Parse(json);
    free(json);
    if (root == NULL)
        return tc_fail(err, TC_EINPUT, "test JSON does not parse");
    err[0] = '\0';
    tc_status st = tc_classifier_section_parse(&R, root, k, 5, out, err);
    cJSON_Delete(root);
    return st;
}

static void test_linear_kinds(void)
{
    static const struct {
        const char *name;
        tc_proba_kind kind;
        size_t k;
    } v[] = {
        {"logistic_ovr", TC_PROBA_LOGISTIC_OVR, 2},   {"softmax", TC_PROBA_SOFTMAX, 3},
        {"softmax_binary", TC_PROBA_SOFTMAX_BINARY, 2}, {"modified_huber", TC_PROBA_MODIFIED_HUBER, 4},
        {"naive_bayes", TC_PROBA_NAIVE_BAYES, 2},     {"none", TC_PROBA_NONE, 2},
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        char to[64], want[160];
        snprintf(to, sizeof to, "\"%s\"", v[i].name);
        char *sec = str_replace(TINY_CLF_LINEAR, "\"logistic_ovr\"", to);
        tc_classifier_section s;
        char err[TC_ERR_LEN];
        tc_status st = sec ? parse(sec, v[i].k, &s, err) : TC_ENOMEM;
        free(sec);
        TC_CHECK(st == TC_OK, "%s: %s", v[i].name, err);
        if (st != TC_OK)
            continue;
        const tc_classifier_config *c = &s.config;
        TC_CHECK(c->type == TC_CLF_LINEAR && c->proba == v[i].kind && c->n_classes == v[i].k &&
                     c->n_features == 5 && c->libsvm_labels == NULL && s.file == &FILES[1],
                 "%s: config", v[i].name);
        snprintf(want, sizeof want, "linear (LogisticRegression, probability %s)", v[i].name);
        TC_CHECK(strcmp(s.desc, want) == 0, "desc \"%s\"", s.desc);
        tc_classifier_section_release(&s);
    }
    /* no estimator: still described */
    char *sec = str_replace(TINY_CLF_LINEAR, "\"estimator\": \"LogisticRegression\", ", "");
    tc_classifier_section s;
    char err[TC_ERR_LEN];
    TC_CHECK(sec != NULL && parse(sec, 2, &s, err) == TC_OK &&
                 strcmp(s.desc, "linear (unknown estimator, probability logistic_ovr)") == 0,
             "no estimator: %s", err);
    free(sec);
    tc_classifier_section_release(&s);
}

static void test_libsvm(void)
{
    tc_classifier_section s;
    char err[TC_ERR_LEN];
    TC_CHECK(parse(TINY_CLF_SVM, 2, &s, err) == TC_OK, "svm: %s", err);
    const tc_classifier_config *c = &s.config;
    TC_CHECK(c->type == TC_CLF_LIBSVM && c->proba == TC_PROBA_NONE && c->origin == TC_SVM_LIBSVM &&
                 s.file == &FILES[2],
             "config");
    TC_CHECK(c->libsvm_labels == s.libsvm_labels && s.libsvm_labels != NULL &&
                 s.libsvm_labels[0] == 0 && s.libsvm_labels[1] == 1,
             "labels");
    TC_CHECK(strcmp(s.desc, "libsvm (SVC, probability none, origin libsvm)") == 0, "desc %s",
             s.desc);
    tc_classifier_section_release(&s);
    TC_CHECK(s.libsvm_labels == NULL && s.config.libsvm_labels == NULL, "release clears");
    char *sec = str_replace(TINY_CLF_SVM,
                            "\"probability\": \"none\", \"origin\": \"libsvm\", "
                            "\"libsvm_labels\": [0, 1]",
                            "\"probability\": \"pairwise_coupling\", \"origin\": \"sklearn\", "
                            "\"libsvm_labels\": [-7, 2147483647, 3]");
    TC_CHECK(sec != NULL && parse(sec, 3, &s, err) == TC_OK, "svm 3: %s", err);
    free(sec);
    TC_CHECK(s.config.proba == TC_PROBA_PAIRWISE && s.config.origin == TC_SVM_SKLEARN &&
                 s.libsvm_labels[0] == -7 && s.libsvm_labels[1] == 2147483647 &&
                 s.libsvm_labels[2] == 3,
             "pairwise, sklearn, labels");
    TC_CHECK(strcmp(s.desc, "libsvm (SVC, probability pairwise_coupling, origin sklearn)") == 0,
             "desc %s", s.desc);
    tc_classifier_section_release(&s);
}

static void test_refusals(void)
{
    static const struct {
        const char *section, *from, *to;
        size_t k;
        const char *want;  /* the message, after "m/manifest.json: " */
    } cases[] = {
        {TINY_CLF_LINEAR, "\"linear\"", "\"tree\"", 2,
         "unsupported classifier.type \"tree\" (expected one of \"linear\", \"libsvm\", \"binarized_linear\", \"calibrated\")"},
        {TINY_CLF_LINEAR, "\"type\": \"linear\"", "\"type\": null", 2,
         "\"classifier.type\" must be one of \"linear\", \"libsvm\", \"binarized_linear\", \"calibrated\""},
        {TINY_CLF_LINEAR, "\"type\": \"linear\", ", "", 2, "missing \"classifier.type\""},
        {TINY_CLF_LINEAR, "\"logistic_ovr\"", "\"isotonic\"", 2,
         "unsupported classifier.probability \"isotonic\" (expected one of \"logistic_ovr\", "
         "\"softmax\", \"softmax_binary\", \"modified_huber\", \"naive_bayes\", \"none\")"},
        {TINY_CLF_LINEAR, "\"logistic_ovr\"", "\"softmax\"", 2,
         "classifier.probability \"softmax\" needs 3 or more classes (binary multinomial "
         "models use \"softmax_binary\")"},
        {TINY_CLF_LINEAR, "\"logistic_ovr\"", "\"softmax_binary\"", 3,
         "classifier.probability \"softmax_binary\" needs exactly 2 classes"},
        {TINY_CLF_LINEAR, "\"logistic_ovr\"", "\"pairwise_coupling\"", 2,
         "unsupported classifier.probability \"pairwise_coupling\""},
        {TINY_CLF_LINEAR, "\"linear.tsv\"", "\"model.bin\"", 2,
         "\"classifier.file\" names \"model.bin\", which is not listed in \"files\""},
        {TINY_CLF_LINEAR, "\"file\": \"linear.tsv\", ", "", 2, "missing \"classifier.file\""},
        {TINY_CLF_LINEAR, "\"linear.tsv\"", "\"/etc/passwd\"", 2,
         "\"classifier.file\": \"/etc/passwd\" is not a plain file name"},
        {TINY_CLF_SVM, "\"origin\": \"libsvm\"", "\"origin\": \"R\"", 2,
         "unsupported classifier.origin \"R\" (expected one of \"sklearn\", \"libsvm\")"},
        {TINY_CLF_SVM, "\"origin\": \"libsvm\", ", "", 2, "missing \"classifier.origin\""},
        {TINY_CLF_SVM, "\"none\"", "\"softmax\"", 2,
         "unsupported classifier.probability \"softmax\" (expected one of "
         "\"pairwise_coupling\", \"none\")"},
        {TINY_CLF_SVM, "[0, 1]", "[0, 1, 2]", 2,
         "\"classifier.libsvm_labels\" must be an array of 2 integers"},
        {TINY_CLF_SVM, "[0, 1]", "{\"a\": 0, \"b\": 1}", 2,
         "\"classifier.libsvm_labels\" must be an array of 2 integers"},
        {TINY_CLF_SVM, "[0, 1]", "[0, 1.5]", 2, "\"classifier.libsvm_labels\"[1] must be an integer"},
        {TINY_CLF_SVM, "[0, 1]", "[\"0\", 1]", 2,
         "\"classifier.libsvm_labels\"[0] must be an integer"},
        {TINY_CLF_SVM, "[0, 1]", "[0, 3e9]", 2, "\"classifier.libsvm_labels\"[1] must be an integer"},
        {TINY_CLF_SVM, ", \"libsvm_labels\": [0, 1]", "", 2, "missing \"classifier.libsvm_labels\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *sec = str_replace(cases[i].section, cases[i].from, cases[i].to);
        TC_CHECK(sec != NULL, "stale pattern %zu", i);
        if (sec == NULL)
            continue;
        tc_classifier_section s;
        memset(&s, 0, sizeof s);
        char err[TC_ERR_LEN], want[TC_ERR_LEN];
        tc_status st = parse(sec, cases[i].k, &s, err);
        free(sec);
        snprintf(want, sizeof want, MANIFEST ": %s", cases[i].want);
        TC_CHECK(st == TC_EFORMAT && strncmp(err, want, strlen(want)) == 0,
                 "case %zu: %d \"%.200s\", expected \"%.200s\"", i, (int)st, err, want);
        TC_CHECK(s.libsvm_labels == NULL, "case %zu: output written on failure", i);
    }
    cJSON *root = cJSON_Parse("{\"classifier\": \"linear\"}");
    tc_classifier_section s;
    char err[TC_ERR_LEN];
    TC_CHECK(tc_classifier_section_parse(&R, root, 2, 5, &s, err) == TC_EFORMAT &&
                 strcmp(err, MANIFEST ": \"classifier\" must be an object") == 0,
             "string section: %s", err);
    cJSON_Delete(root);
    root = cJSON_Parse("{}");
    TC_CHECK(tc_classifier_section_parse(&R, root, 2, 5, &s, err) == TC_EFORMAT &&
                 strcmp(err, MANIFEST ": missing \"classifier\"") == 0,
             "no section: %s", err);
    cJSON_Delete(root);
}

/* BernoulliNB's "binarized_linear" and CalibratedClassifierCV's "calibrated". */
static void test_binarized_and_calibrated(void)
{
    static const char bin[] = "\"type\": \"binarized_linear\", \"file\": \"linear.tsv\", "
                              "\"estimator\": \"BernoulliNB\", \"probability\": "
                              "\"naive_bayes\", \"binarize\": 0.125";
    static const char cal[] = "\"type\": \"calibrated\", \"file\": \"linear.tsv\", "
                              "\"estimator\": \"CalibratedClassifierCV(LinearSVC)\", "
                              "\"probability\": \"calibrated\", \"method\": \"isotonic\"";
    tc_classifier_section s;
    char err[TC_ERR_LEN];
    TC_CHECK(parse(bin, 2, &s, err) == TC_OK && s.config.type == TC_CLF_BINARIZED &&
                 s.config.binarize == 0.125 && s.config.proba == TC_PROBA_NAIVE_BAYES,
             "binarized: %s", err);
    TC_CHECK(strcmp(s.desc, "binarized_linear (BernoulliNB, binarize 0.125, probability "
                            "naive_bayes)") == 0, "desc %s", s.desc);
    TC_CHECK(parse(cal, 3, &s, err) == TC_OK && s.config.type == TC_CLF_CALIBRATED &&
                 s.config.calibration == TC_CAL_ISOTONIC &&
                 s.config.proba == TC_PROBA_CALIBRATED, "calibrated: %s", err);
    static const struct {
        const char *section, *from, *to, *want;
    } bad[] = {
        {bin, "0.125", "-0.5", "\"classifier.binarize\" must be a finite number >= 0"},
        {bin, "0.125", "\"0.1\"", "\"classifier.binarize\" must be a finite number >= 0"},
        {bin, ", \"binarize\": 0.125", "", "missing \"classifier.binarize\""},
        {bin, "\"naive_bayes\"", "\"logistic_ovr\"",
         "unsupported classifier.probability \"logistic_ovr\""},
        {cal, "\"isotonic\"", "\"temperature\"",
         "unsupported classifier.method \"temperature\" (expected one of \"sigmoid\", "
         "\"isotonic\")"},
        {cal, ", \"method\": \"isotonic\"", "", "missing \"classifier.method\""},
        {cal, "\"calibrated\", \"method", "\"none\", \"method",
         "unsupported classifier.probability \"none\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *sec = str_replace(bad[i].section, bad[i].from, bad[i].to);
        TC_CHECK(sec != NULL, "stale pattern %zu", i);
        if (sec == NULL)
            continue;
        char want[TC_ERR_LEN];
        tc_status st = parse(sec, 2, &s, err);
        free(sec);
        snprintf(want, sizeof want, MANIFEST ": %s", bad[i].want);
        TC_CHECK(st == TC_EFORMAT && strncmp(err, want, strlen(want)) == 0,
                 "case %zu: %d \"%.200s\"", i, (int)st, err);
    }
}

TC_TESTS(TC_TEST(test_linear_kinds), TC_TEST(test_libsvm), TC_TEST(test_refusals),
         TC_TEST(test_binarized_and_calibrated))
