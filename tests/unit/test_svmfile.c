/* test_svmfile.c - the strict libsvm model-file validator: a good file (which libsvm's
 * own svm_load_model then loads identically), and every malformed case, each refused
 * with TC_EFORMAT and a message "path:line: ..." naming the right line. */
#include <libsvm/svm.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/strreplace.h"
#include "tc_svmfile.h"
#include "tc_test.h"

#define PATH "dir/model.svm"

static const int labels3[] = {0, 1, 2};

/* A valid 3-class RBF model with probabilities, 10 features, 4 support vectors.
 * Line numbers: 1 svm_type .. 10 nr_sv, 11 SV, 12..15 vectors. */
static const char GOOD[] = "svm_type c_svc\n"
                           "kernel_type rbf\n"
                           "gamma 0.5\n"
                           "nr_class 3\n"
                           "total_sv 4\n"
                           "rho 0.10000000000000001 -0.20000000000000001 0.29999999999999999\n"
                           "label 0 1 2\n"
                           "probA -1.5 -2.5 -3.5\n"
                           "probB 0.10000000000000001 0.20000000000000001 0.29999999999999999\n"
                           "nr_sv 2 1 1\n"
                           "SV\n"
                           "0.5 1 1:0.25 3:1.5 \n"
                           "-0.5 0.25 2:1 \n"
                           "1 -1 10:0.5\n"
                           "-1 -0.25 1:1.0000000000000001e-05 4:2 \n";

static tc_svmfile_expect expect3(bool need_prob)
{
    tc_svmfile_expect e = {3, 10, labels3, need_prob};
    return e;
}

static tc_status validate(const char *text, const tc_svmfile_expect *e, tc_svmfile_info *info,
                          char *err)
{
    return tc_svmfile_validate(PATH, text, strlen(text), e, info, err);
}

/* GOOD with the first occurrence of `from` replaced by `to` (malloc'd). */
static char *mutate(const char *from, const char *to) { return str_replace(GOOD, from, to); }

static void test_good_file_and_libsvm_agrees(void)
{
    tc_svmfile_expect e = expect3(true);
    tc_svmfile_info info = {TC_SVM_KERNEL_LINEAR, 0, false};
    char err[TC_ERR_LEN] = "";
    tc_status st = validate(GOOD, &e, &info, err);
    TC_CHECK(st == TC_OK, "good file refused: %s", err);
    TC_CHECK(info.kernel == TC_SVM_KERNEL_RBF && info.total_sv == 4 && info.has_probability,
             "info: kernel %d total_sv %zu prob %d", (int)info.kernel, info.total_sv,
             info.has_probability);
    /* libsvm reads what we accepted */
    char path[] = "/tmp/tc_svmfile_XXXXXX";
    int fd = mkstemp(path);
    TC_CHECK(fd >= 0, "mkstemp");
    if (fd < 0)
        return;
    TC_CHECK(write(fd, GOOD, strlen(GOOD)) == (ssize_t)strlen(GOOD), "write");
    close(fd);
    struct svm_model *m = svm_load_model(path);
    TC_CHECK(m != NULL, "svm_load_model refused a file the validator accepted");
    if (m != NULL) {
        int lab[3] = {9, 9, 9};
        svm_get_labels(m, lab);
        TC_CHECK(svm_get_nr_class(m) == 3 && lab[0] == 0 && lab[1] == 1 && lab[2] == 2,
                 "libsvm sees nr_class %d labels %d %d %d", svm_get_nr_class(m), lab[0], lab[1],
                 lab[2]);
        TC_CHECK(svm_check_probability_model(m), "libsvm sees probabilities");
        svm_free_and_destroy_model(&m);
    }
    unlink(path);

    /* without probabilities, when not required */
    e = expect3(false);
    char *s = mutate("probA -1.5 -2.5 -3.5\nprobB 0.10000000000000001 0.20000000000000001 "
                     "0.29999999999999999\n",
                     "");
    st = s ? validate(s, &e, &info, err) : TC_ENOMEM;
    TC_CHECK(st == TC_OK && !info.has_probability, "no probA/probB, not required: %s", err);
    free(s);

    /* linear and polynomial / sigmoid kernels with their parameters */
    s = mutate("kernel_type rbf\ngamma 0.5\n", "kernel_type linear\n");
    st = s ? validate(s, &e, &info, err) : TC_ENOMEM;
    TC_CHECK(st == TC_OK && info.kernel == TC_SVM_KERNEL_LINEAR, "linear kernel: %s", err);
    free(s);
    s = mutate("kernel_type rbf\ngamma 0.5\n",
               "kernel_type polynomial\ndegree 3\ngamma 0.5\ncoef0 1\n");
    st = s ? validate(s, &e, &info, err) : TC_ENOMEM;
    TC_CHECK(st == TC_OK && info.kernel == TC_SVM_KERNEL_POLY, "poly kernel: %s", err);
    free(s);
    s = mutate("kernel_type rbf\ngamma 0.5\n", "kernel_type sigmoid\ngamma 0.5\ncoef0 -1\n");
    st = s ? validate(s, &e, &info, err) : TC_ENOMEM;
    TC_CHECK(st == TC_OK && info.kernel == TC_SVM_KERNEL_SIGMOID, "sigmoid kernel: %s", err);
    free(s);
    /* a support vector with no non-zero features, and a last line without newline */
    s = mutate("1 -1 10:0.5\n", "1 -1\n");
    st = s ? validate(s, &e, &info, err) : TC_ENOMEM;
    TC_CHECK(st == TC_OK, "all-zero support vector: %s", err);
    free(s);
    char *t = strdup(GOOD);
    if (t != NULL) {
        t[strlen(t) - 1] = '\0';
        st = validate(t, &e, &info, err);
        TC_CHECK(st == TC_OK, "last line without newline: %s", err);
        free(t);
    }
}

typedef struct bad_case {
    const char *from, *to;  /* mutation of GOOD */
    size_t line;            /* expected line in the message */
    const char *phrase;     /* expected part of the message */
} bad_case;

static void test_malformed(void)
{
    static const bad_case cases[] = {
        {"svm_type c_svc", "svm_type nu_svc", 1, "svm_type must be c_svc"},
        {"svm_type c_svc", "svm_type c_svc extra", 1, "svm_type must be c_svc"},
        {"kernel_type rbf", "kernel_type precomputed", 2, "kernel_type must be"},
        {"gamma 0.5\n", "", 10, "missing degree, gamma or coef0"},
        {"gamma 0.5", "gamma nan", 3, "not a finite number"},
        {"gamma 0.5", "gamma 1e999", 3, "not a finite number"},
        {"gamma 0.5", "gamma 0.5 0.6", 3, "more than 1 values"},
        {"nr_class 3", "nr_class 2", 4, "nr_class 2, but the model has 3 classes"},
        {"nr_class 3", "nr_class x", 4, "nr_class must be one integer"},
        {"nr_class 3", "nr_class -3", 4, "nr_class must be one integer"},
        {"total_sv 4", "total_sv 0", 5, "total_sv is 0"},
        {"total_sv 4", "total_sv 4.0", 5, "total_sv must be one integer"},
        {"total_sv 4", "total_sv 99999999999", 5, "total_sv must be one integer"},
        {"rho 0.10000000000000001 -0.20000000000000001 0.29999999999999999",
         "rho 0.1 -0.2", 6, "rho needs 3 values, found 2"},
        {"rho 0.10000000000000001 -0.20000000000000001 0.29999999999999999",
         "rho 0.1 -0.2 0.3 0.4", 6, "rho has more than 3 values"},
        {"rho 0.10000000000000001", "rho inf", 6, "not a finite number"},
        {"rho 0.10000000000000001", "rho 0,1", 6, "not a finite number"},
        {"label 0 1 2", "label 0 1 3", 7, "label entry 3 is 3, but the manifest's libsvm_labels[2] is 2"},
        {"label 0 1 2", "label 0 1", 7, "label needs 3 integers"},
        {"label 0 1 2", "label 0 1 2 3", 7, "label has more than 3 values"},
        {"label 0 1 2", "label 0 1 2.5", 7, "label needs 3 integers"},
        {"probA -1.5 -2.5 -3.5\n", "", 10, "probB without probA"},
        {"probA -1.5 -2.5 -3.5", "probA -1.5 -2.5", 8, "probA needs 3 values"},
        {"nr_sv 2 1 1", "nr_sv 2 1 2", 11, "nr_sv sums to 5, total_sv is 4"},
        {"nr_sv 2 1 1", "nr_sv 2 1", 10, "nr_sv needs 3 counts"},
        {"nr_sv 2 1 1", "nr_sv 2 1 1 0", 10, "nr_sv has more than 3 values"},
        {"nr_class 3\n", "", 5, "before nr_class"},
        {"gamma 0.5\n", "gamma 0.5\nfoo 1\n", 4, "unknown header key \"foo\""},
        {"gamma 0.5\n", "gamma 0.5\ngamma 0.5\n", 4, "duplicate header key gamma"},
        {"gamma 0.5\n", "gamma 0.5\n\n", 4, "empty line in header"},
        {"SV\n", "SV x\n", 11, "text after SV"},
        {"SV\n", "", 11, "unknown header key \"0.5\""},
        {"0.5 1 1:0.25 3:1.5 \n", "0.5\n", 12, "needs 2 coefficients"},
        {"0.5 1 1:0.25 3:1.5 \n", "0.5 x 1:0.25\n", 12, "coefficient 2 is not a finite number"},
        {"0.5 1 1:0.25 3:1.5 \n", "0.5 1 0:0.25\n", 12, "feature index 0 outside 1..10"},
        {"1 -1 10:0.5\n", "1 -1 11:0.5\n", 14, "feature index 11 outside 1..10"},
        {"0.5 1 1:0.25 3:1.5 \n", "0.5 1 3:0.25 1:1.5\n", 12, "does not ascend"},
        {"0.5 1 1:0.25 3:1.5 \n", "0.5 1 3:0.25 3:1.5\n", 12, "does not ascend"},
        {"0.5 1 1:0.25 3:1.5 \n", "0.5 1 1:abc\n", 12, "value of feature 1 is not a finite number"},
        {"0.5 1 1:0.25 3:1.5 \n", "0.5 1 1:-nan\n", 12, "not a finite number"},
        {"0.5 1 1:0.25 3:1.5 \n", "0.5 1 1\n", 12, "expected index:value"},
        {"0.5 1 1:0.25 3:1.5 \n", "0.5 1 +1:0.5\n", 12, "bad feature index"},
        {"0.5 1 1:0.25 3:1.5 \n", "0.5 1 1:0.5:2\n", 12, "not a finite number"},
        {"-1 -0.25 1:1.0000000000000001e-05 4:2 \n", "", 15, "file ends after 3 of 4"},
        {"-1 -0.25 1:1.0000000000000001e-05 4:2 \n",
         "-1 -0.25 1:1.0000000000000001e-05 4:2 \n0 0 1:1\n", 16, "text after the last"},
        {"-1 -0.25 1:1.0000000000000001e-05 4:2 \n",
         "-1 -0.25 1:1.0000000000000001e-05 4:2 \n\n", 16, "text after the last"},
        {"svm_type c_svc\n", "svm_type c_svc\r\n", 1, "svm_type must be c_svc"},
    };
    tc_svmfile_expect e = expect3(false);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *s = mutate(cases[i].from, cases[i].to);
        TC_CHECK(s != NULL, "case %zu: mutation source not found", i);
        if (s == NULL)
            continue;
        char err[TC_ERR_LEN] = "";
        tc_svmfile_info info;
        tc_status st = validate(s, &e, &info, err);
        char want_loc[64];
        snprintf(want_loc, sizeof want_loc, PATH ":%zu: ", cases[i].line);
        TC_CHECK(st == TC_EFORMAT, "case %zu (\"%s\" -> \"%s\") accepted", i, cases[i].from,
                 cases[i].to);
        TC_CHECK(strncmp(err, want_loc, strlen(want_loc)) == 0 &&
                     strstr(err, cases[i].phrase) != NULL,
                 "case %zu: message \"%s\", expected \"%s...%s\"", i, err, want_loc,
                 cases[i].phrase);
        free(s);
    }
}

static void test_required_probability_and_expectations(void)
{
    char err[TC_ERR_LEN] = "";
    tc_svmfile_info info;
    tc_svmfile_expect e = expect3(true);
    char *s = mutate("probA -1.5 -2.5 -3.5\nprobB 0.10000000000000001 0.20000000000000001 "
                     "0.29999999999999999\n",
                     "");
    tc_status st = s ? validate(s, &e, &info, err) : TC_ENOMEM;
    TC_CHECK(st == TC_EFORMAT && strstr(err, PATH ":9: ") == err &&
                 strstr(err, "no probA/probB") != NULL,
             "probabilities required: %s", err);
    free(s);
    /* header-only / empty files */
    st = validate("", &e, &info, err);
    TC_CHECK(st == TC_EFORMAT && strstr(err, PATH ":1: file ends before the SV line") == err,
             "empty file: %s", err);
    st = validate("svm_type c_svc\nkernel_type linear\n", &e, &info, err);
    TC_CHECK(st == TC_EFORMAT && strstr(err, PATH ":3: file ends before the SV line") == err,
             "header only: %s", err);
    /* NUL byte */
    char *nul = strdup(GOOD);
    if (nul != NULL) {
        char *at = strstr(nul, "total_sv");
        at[2] = '\0';
        st = tc_svmfile_validate(PATH, nul, strlen(GOOD), &e, &info, err);
        TC_CHECK(st == TC_EFORMAT && strstr(err, PATH ":5: NUL byte") == err, "NUL: %s", err);
        free(nul);
    }
    /* expectations themselves */
    tc_svmfile_expect bad = {1, 10, labels3, false};
    st = validate(GOOD, &bad, &info, err);
    TC_CHECK(st == TC_EFORMAT && strstr(err, PATH) == err, "1 class refused: %s", err);
    tc_svmfile_expect nof = {3, 0, labels3, false};
    st = validate(GOOD, &nof, &info, err);
    TC_CHECK(st == TC_EFORMAT, "0 features refused");
    tc_svmfile_expect nolab = {3, 10, NULL, false};
    st = validate(GOOD, &nolab, &info, err);
    TC_CHECK(st == TC_EFORMAT && strstr(err, PATH ":7: ") == err, "no expected labels: %s", err);
    /* poly without degree */
    tc_svmfile_expect e2 = expect3(false);
    s = mutate("kernel_type rbf\ngamma 0.5\n", "kernel_type polynomial\ngamma 0.5\ncoef0 1\n");
    st = s ? validate(s, &e2, &info, err) : TC_ENOMEM;
    TC_CHECK(st == TC_EFORMAT && strstr(err, "missing degree") != NULL, "poly no degree: %s",
             err);
    free(s);
    s = mutate("kernel_type rbf\ngamma 0.5\n",
               "kernel_type polynomial\ndegree -3\ngamma 0.5\ncoef0 1\n");
    st = s ? validate(s, &e2, &info, err) : TC_ENOMEM;
    TC_CHECK(st == TC_EFORMAT && strstr(err, PATH ":3: degree") == err, "negative degree: %s",
             err);
    free(s);
}

TC_TESTS(TC_TEST(test_good_file_and_libsvm_agrees), TC_TEST(test_malformed),
         TC_TEST(test_required_probability_and_expectations))
