/* test_textfile.c - whole-file reads: contents, NUL termination, empty files, size
 * limit, missing files, directories, and line numbers of byte offsets. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tc_test.h"
#include "tc_textfile.h"

static char dir[] = "/tmp/tc_textfile_XXXXXX";

static bool write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return false;
    bool ok = fwrite(data, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

static void test_read(void)
{
    TC_CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char path[256];
    snprintf(path, sizeof path, "%s/a.txt", dir);
    static const char content[] = "line one\nline\0two\n";
    TC_CHECK(write_file(path, content, sizeof content - 1), "write");
    char *data = NULL;
    size_t len = 0;
    char err[TC_ERR_LEN] = "";
    tc_status st = tc_read_file(path, 1000, &data, &len, err);
    TC_CHECK(st == TC_OK, "read: %s", err);
    TC_CHECK(len == sizeof content - 1 && data != NULL && memcmp(data, content, len) == 0 &&
                 data[len] == '\0',
             "contents and NUL terminator");
    tc_file_free(data);

    data = NULL;
    st = tc_read_file(path, 5, &data, &len, err);
    TC_CHECK(st == TC_EIO && data == NULL, "over the size limit refused");
    TC_CHECK(strstr(err, path) != NULL && strstr(err, "too large") != NULL, "message: %s", err);

    snprintf(path, sizeof path, "%s/empty", dir);
    TC_CHECK(write_file(path, "", 0), "write empty");
    st = tc_read_file(path, 10, &data, &len, err);
    TC_CHECK(st == TC_OK && len == 0 && data != NULL && data[0] == '\0', "empty file");
    tc_file_free(data);
    unlink(path);

    /* a file of more than 1 MiB: read into huge pages, released by tc_file_free */
    snprintf(path, sizeof path, "%s/big", dir);
    size_t big_len = (3u << 20) + 5;
    char *big = malloc(big_len);
    TC_CHECK(big != NULL, "malloc");
    if (big != NULL) {
        for (size_t i = 0; i < big_len; i++)
            big[i] = (char)('a' + i % 26);
        TC_CHECK(write_file(path, big, big_len), "write big");
        st = tc_read_file(path, big_len, &data, &len, err);
        TC_CHECK(st == TC_OK && len == big_len && memcmp(data, big, len) == 0 &&
                     data[len] == '\0',
                 "big file: %s", err);
        tc_file_free(data);
        free(big);
    }
    unlink(path);

    snprintf(path, sizeof path, "%s/missing", dir);
    data = NULL;
    st = tc_read_file(path, 10, &data, &len, err);
    TC_CHECK(st == TC_EIO && data == NULL && strstr(err, path) != NULL &&
                 strstr(err, "cannot open") != NULL,
             "missing file: %s", err);

    st = tc_read_file(dir, 10, &data, &len, err);
    TC_CHECK(st == TC_EIO && strstr(err, "not a regular file") != NULL, "directory: %s", err);

    st = tc_read_file(path, 10, &data, &len, NULL);
    TC_CHECK(st == TC_EIO, "NULL err buffer is allowed");

    snprintf(path, sizeof path, "%s/a.txt", dir);
    unlink(path);
    rmdir(dir);
}

static void test_line_of_offset(void)
{
    static const char d[] = "ab\ncd\n\nef";
    TC_CHECK(tc_line_of_offset(d, 0) == 1, "offset 0");
    TC_CHECK(tc_line_of_offset(d, 2) == 1, "offset of first newline is line 1");
    TC_CHECK(tc_line_of_offset(d, 3) == 2, "after first newline");
    TC_CHECK(tc_line_of_offset(d, 6) == 3, "empty line 3");
    TC_CHECK(tc_line_of_offset(d, 7) == 4, "line 4");
    TC_CHECK(tc_line_of_offset(d, sizeof d - 1) == 4, "end");
}

TC_TESTS(TC_TEST(test_read), TC_TEST(test_line_of_offset))
