/*
 * model_fixture.h - test helpers that build model directories from C strings in a
 * fresh temp dir (header-only: the unit-test build compiles one .c per test).
 *
 *   char dir[64]; fx_mkdtemp(dir, sizeof dir);
 *   fx_write(dir, "vocab.tsv", text, strlen(text));
 *   fx_files_json(dir, names, n, &buf);   -> {"vocab.tsv": {"sha256": "...", "bytes": N}, ...}
 *   fx_rmdir(dir);                        -> removes the files and the dir
 *
 * Expected values in tests are computed independently of the code under test (by
 * hand formulas in the test); the fixture only writes bytes and hashes them.
 */
#ifndef TC_MODEL_FIXTURE_H
#define TC_MODEL_FIXTURE_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tc_buf.h"
#include "tc_sha256.h"
#include "tc_textfile.h"

/* A fresh directory under $TMPDIR (else /tmp). */
static inline bool fx_mkdtemp(char *path, size_t cap)
{
    const char *base = getenv("TMPDIR");
    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    int n = snprintf(path, cap, "%s/textclf_test_XXXXXX", base);
    if (n < 0 || (size_t)n >= cap)
        return false;
    return mkdtemp(path) != NULL;
}

static inline bool fx_write(const char *dir, const char *name, const char *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return false;
    bool ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

static inline bool fx_write_str(const char *dir, const char *name, const char *text)
{
    return fx_write(dir, name, text, strlen(text));
}

/* {"name": {"sha256": "<hex>", "bytes": N}, ...} for files already written in dir
 * (a name that does not exist is listed as an empty file). corrupt_sha names one
 * file whose digest is written wrong (NULL: none). */
static inline bool fx_files_json(const char *dir, const char *const *names, size_t n,
                          const char *corrupt_sha, tc_buf *out)
{
    tc_buf_clear(out);
    if (!tc_buf_append_char(out, '{'))
        return false;
    for (size_t i = 0; i < n; i++) {
        char path[512], err[TC_ERR_LEN];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        char *data = NULL;
        size_t len = 0;
        if (tc_read_file(path, (size_t)1 << 30, &data, &len, err) != TC_OK) {
            data = NULL;
            len = 0;
        }
        uint8_t d[TC_SHA256_LEN];
        bool hashed = tc_sha256(data, len, d);
        tc_file_free(data);
        if (!hashed)
            return false;
        if (corrupt_sha != NULL && strcmp(corrupt_sha, names[i]) == 0)
            d[5] ^= 1;
        char hex[TC_SHA256_HEX_LEN + 1];
        tc_sha256_hex(d, hex);
        if (!tc_buf_printf(out, "%s\"%s\": {\"sha256\": \"%s\", \"bytes\": %zu}", i ? ", " : "",
                           names[i], hex, len))
            return false;
    }
    return tc_buf_append_char(out, '}');
}

/* Removes every entry of dir (no subdirectories expected), then dir. */
static inline void fx_rmdir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char path[512];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

#endif
