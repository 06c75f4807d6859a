/*
 * tc_tmpdir.h - one temporary directory per test program, under $TMPDIR (else /tmp),
 * created on first use (header-only, like tc_test.h):
 *
 *   const char *p = tc_tmp_path("linear.tsv");   -> "<dir>/linear.tsv" (static buffer,
 *                                                   valid until the next call)
 *   tc_tmpdir                                     -> "<dir>", "" before first use
 *
 * The test removes what it wrote, then rmdir(tc_tmpdir).
 */
#ifndef TC_TMPDIR_H
#define TC_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

static char tc_tmpdir[256];

static const char *tc_tmp_path(const char *name)
{
    static char buf[512];
    if (tc_tmpdir[0] == '\0') {
        const char *base = getenv("TMPDIR");
        snprintf(tc_tmpdir, sizeof tc_tmpdir, "%s/textclf_test_XXXXXX",
                 base != NULL && base[0] != '\0' ? base : "/tmp");
        if (mkdtemp(tc_tmpdir) == NULL) {
            perror("mkdtemp");
            exit(2);
        }
    }
    snprintf(buf, sizeof buf, "%s/%s", tc_tmpdir, name);
    return buf;
}

#endif
