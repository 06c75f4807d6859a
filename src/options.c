/* options.c - flags, then environment, for the serve and lambda commands (see tc_options.h). */
#include "tc_options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

tc_status tc_options_resolve(const char *command, const tc_option *opts, size_t n, int argc,
                             char **argv, const char **val, const char **src, bool *help,
                             char *err)
{
    for (size_t k = 0; k < n; k++)
        val[k] = src[k] = NULL;
    *help = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            *help = true;
            return TC_OK;
        }
        size_t k = 0;
        const char *v = NULL;
        for (; k < n; k++) {
            size_t fl = strlen(opts[k].flag);
            if (strncmp(a, opts[k].flag, fl) == 0 && (a[fl] == '\0' || a[fl] == '=')) {
                v = a[fl] == '=' ? a + fl + 1 : NULL;
                break;
            }
        }
        if (k == n)
            return tc_fail(err, TC_EINPUT, "unknown option \"%s\" (see textclf %s --help)", a,
                           command);
        if (v == NULL) {
            if (i + 1 >= argc)
                return tc_fail(err, TC_EINPUT, "%s needs a value", opts[k].flag);
            v = argv[++i];
        }
        val[k] = v;
        src[k] = opts[k].flag;
    }
    for (size_t k = 0; k < n; k++) {
        const char *e;
        if (val[k] == NULL && opts[k].env != NULL && (e = getenv(opts[k].env)) != NULL &&
            e[0] != '\0') {
            val[k] = e;
            src[k] = opts[k].env;
        }
    }
    return TC_OK;
}

tc_status tc_options_uint(const char *src, const char *v, unsigned long lo, unsigned long hi,
                          unsigned long *out, char *err)
{
    char *end;
    errno = 0;
    unsigned long x = strtoul(v, &end, 10);
    if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 || x < lo || x > hi)
        return tc_fail(err, TC_EINPUT, "%s: \"%s\" is not an integer in %lu..%lu", src, v, lo,
                       hi);
    *out = x;
    return TC_OK;
}

void tc_options_usage(FILE *f, const tc_option *opts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char flag[40];
        snprintf(flag, sizeof flag, "%s %s", opts[i].flag, opts[i].metavar);
        fprintf(f, "  %-21s %s\n", flag, opts[i].help);
        if (opts[i].env != NULL)
            fprintf(f, "  %-21s   env %s\n", "", opts[i].env);
    }
}
