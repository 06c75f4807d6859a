/* replay_main.c - runs a libFuzzer target without libFuzzer: every file of the
 * directories (or the files) named on the command line is passed once to
 * LLVMFuzzerTestOneInput. Used by `make fuzz-replay` so gcc CI replays the committed
 * corpus. Prints "PASS replay <target>: N inputs" (a crash fails the suite). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        printf("FAIL replay: cannot open %s\n", path);
        return -1;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    size_t r;
    while (buf != NULL && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf == NULL) {
        printf("FAIL replay: out of memory reading %s\n", path);
        return -1;
    }
    /* An exact-size copy, so ASan sees reads past the end of the input. */
    uint8_t *exact = malloc(n ? n : 1);
    if (exact != NULL) {
        memcpy(exact, buf, n);
        LLVMFuzzerTestOneInput(exact, n);
    }
    free(exact);
    free(buf);
    return exact != NULL ? 1 : -1;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    size_t total = 0;
    int failed = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            printf("FAIL replay: %s does not exist\n", argv[i]);
            return 1;
        }
        if (!S_ISDIR(st.st_mode)) {
            int r = replay_file(argv[i]);
            failed |= r < 0;
            total += r > 0;
            continue;
        }
        DIR *d = opendir(argv[i]);
        if (d == NULL) {
            printf("FAIL replay: cannot open %s\n", argv[i]);
            return 1;
        }
        char **names = NULL;
        size_t n = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char **nn = realloc(names, (n + 1) * sizeof *names);
            if (nn == NULL)
                break;
            names = nn;
            size_t len = strlen(argv[i]) + strlen(e->d_name) + 2;
            names[n] = malloc(len);
            if (names[n] == NULL)
                break;
            snprintf(names[n], len, "%s/%s", argv[i], e->d_name);
            n++;
        }
        closedir(d);
        qsort(names, n, sizeof *names, cmp);
        for (size_t k = 0; k < n; k++) {
            int r = replay_file(names[k]);
            failed |= r < 0;
            total += r > 0;
            free(names[k]);
        }
        free(names);
    }
    const char *target = argc > 1 ? argv[1] : "(none)";
    if (total == 0) {
        printf("FAIL replay %s: no inputs\n", target);
        return 1;
    }
    printf("%s replay %s: %zu inputs\n", failed ? "FAIL" : "PASS", target, total);
    return failed;
}
