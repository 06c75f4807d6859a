/* fuzz_svmfile.c - libFuzzer target for the libsvm model-file validator
 * (tc_svmfile_validate). Byte 0 picks the expected classes (2..4), whether probabilities
 * are required, and the feature count (4 or 20); the rest is the file. A file the
 * validator accepts is then given to libsvm's svm_load_model (from a temp file), which
 * must load it with the same class count and support-vector total: the validator's
 * promise that nothing malformed reaches libsvm's unchecked parser, checked under ASan. */
#include <libsvm/svm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tc_svmfile.h"
#include "fuzz_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(const char *s) { (void)s; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const int labels[4] = {0, 1, 2, 3};
    tc_svmfile_expect ex = {2 + (data[0] % 3), (data[0] & 0x10) ? 20 : 4, labels,
                            (data[0] & 0x20) != 0};
    size_t len = 0;
    char *text = fuzz_text(data, size, 1, &len);
    if (text == NULL)
        return 0;
    char err[TC_ERR_LEN];
    tc_svmfile_info info;
    if (tc_svmfile_validate("d/model.svm", text, len, &ex, &info, err) == TC_OK) {
        char path[] = "/tmp/fuzz_svmfile_XXXXXX";
        int fd = mkstemp(path);
        if (fd >= 0) {
            FILE *f = fdopen(fd, "wb");
            if (f != NULL && fwrite(text, 1, len, f) == len && fclose(f) == 0) {
                svm_set_print_string_function(quiet);
                struct svm_model *m = svm_load_model(path);
                if (m == NULL || (size_t)svm_get_nr_class(m) != ex.n_classes ||
                    (size_t)m->l != info.total_sv)
                    abort();
                svm_free_and_destroy_model(&m);
            } else if (f == NULL) {
                close(fd);
            }
            unlink(path);
        }
    }
    free(text);
    return 0;
}
