/* test_model_files.c - reading and checking listed files (tc_model_files.h) on real files
 * in a temp dir: the bytes as written, size and sha256 refusals with the manifest's
 * figures in the message, files that are missing or not regular. Digests in the listings
 * come from coreutils' sha256sum, not from the code under test. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tc_model_files.h"
#include "tc_test.h"
#include "tc_tmpdir.h"

static const char TEXT[] = "textclf-vocab\t1\t1\n1.5\tbad\n";

/* A listing for tc_tmp_path(name) with the digest sha256sum computes for that file. */
static bool listing(const char *name, size_t bytes, tc_listed_file *f, char hex[65])
{
    memset(f, 0, sizeof *f);
    f->name = name;
    snprintf(f->path, sizeof f->path, "%s", tc_tmp_path(name));
    f->bytes = bytes;
    char cmd[TC_PATH_LEN + 32];
    snprintf(cmd, sizeof cmd, "sha256sum '%s'", f->path);
    FILE *p = popen(cmd, "r");
    bool ok = p != NULL && fscanf(p, "%64s", hex) == 1;
    if (p != NULL)
        ok = pclose(p) == 0 && ok;
    f->sha256_hex = hex;
    return ok && tc_sha256_parse_hex(hex, f->sha256);
}

static bool write_text(const char *name, const char *text)
{
    FILE *f = fopen(tc_tmp_path(name), "wb");
    if (f == NULL)
        return false;
    bool ok = fputs(text, f) >= 0;
    return fclose(f) == 0 && ok;
}

static void test_read_and_verify(void)
{
    TC_CHECK(write_text("vocab.tsv", TEXT), "write");
    tc_listed_file f;
    char hex[65], err[TC_ERR_LEN] = "";
    TC_CHECK(listing("vocab.tsv", sizeof TEXT - 1, &f, hex), "sha256sum");
    tc_file_bytes b = {NULL, 0};
    TC_CHECK(tc_listed_file_read(&f, &b, err) == TC_OK, "read: %s", err);
    TC_CHECK(b.len == sizeof TEXT - 1 && b.data != NULL && memcmp(b.data, TEXT, b.len) == 0 &&
                 b.data[b.len] == '\0',
             "bytes as written, NUL-terminated");
    TC_CHECK(tc_listed_file_verify(&f, &b, err) == TC_OK, "verify: %s", err);
    /* one byte changed in memory: the digest no longer matches */
    b.data[3] ^= 1;
    tc_status st = tc_listed_file_verify(&f, &b, err);
    char want[TC_PATH_LEN + 128];
    snprintf(want, sizeof want, "%s: sha256 ", f.path);
    TC_CHECK(st == TC_EFORMAT && strncmp(err, want, strlen(want)) == 0 &&
                 strstr(err, " does not match manifest.json (") != NULL && strstr(err, hex) != NULL,
             "changed byte: %d %s", (int)st, err);
    tc_file_bytes_release(&b);
    TC_CHECK(b.data == NULL && b.len == 0, "release clears");
    tc_file_bytes_release(&b);
}

static void test_refusals(void)
{
    TC_CHECK(write_text("golden.jsonl", TEXT), "write");
    tc_listed_file f;
    char hex[65], err[TC_ERR_LEN] = "";
    tc_file_bytes b = {NULL, 0};
    /* the listing says one byte more */
    TC_CHECK(listing("golden.jsonl", sizeof TEXT, &f, hex), "sha256sum");
    tc_status st = tc_listed_file_read(&f, &b, err);
    char want[TC_PATH_LEN + 128];
    snprintf(want, sizeof want, "%s: size %zu bytes, but manifest.json lists %zu", f.path,
             sizeof TEXT - 1, sizeof TEXT);
    TC_CHECK(st == TC_EFORMAT && strcmp(err, want) == 0 && b.data == NULL, "size: %s", err);
    /* missing */
    memset(&f, 0, sizeof f);
    snprintf(f.path, sizeof f.path, "%s", tc_tmp_path("missing.bin"));
    st = tc_listed_file_read(&f, &b, err);
    TC_CHECK(st == TC_EIO && strstr(err, "missing.bin: cannot open") != NULL && b.data == NULL,
             "missing: %s", err);
    /* a directory */
    snprintf(f.path, sizeof f.path, "%s", tc_tmpdir);
    st = tc_listed_file_read(&f, &b, err);
    TC_CHECK(st == TC_EIO && strstr(err, "not a regular file") != NULL, "directory: %s", err);
}

static void test_zz_cleanup(void)
{
    unlink(tc_tmp_path("vocab.tsv"));
    unlink(tc_tmp_path("golden.jsonl"));
    rmdir(tc_tmpdir);
    TC_CHECK(access(tc_tmpdir, F_OK) != 0, "temp dir %s left behind", tc_tmpdir);
}

TC_TESTS(TC_TEST(test_read_and_verify), TC_TEST(test_refusals), TC_TEST(test_zz_cleanup))
