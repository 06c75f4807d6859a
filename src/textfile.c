/* textfile.c - whole-file reads for the model loaders (see tc_textfile.h). */
#include "tc_textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tc_bigalloc.h"

tc_status tc_read_file(const char *path, size_t max_bytes, char **data, size_t *len,
                       char *err)
{
    tc_status st = TC_OK;
    char *buf = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return tc_fail(err, TC_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        st = tc_fail(err, TC_EIO, "%s: cannot stat: %s", path, strerror(errno));
        goto out;
    }
    if (!S_ISREG(sb.st_mode)) {
        st = tc_fail(err, TC_EIO, "%s: not a regular file", path);
        goto out;
    }
    if (sb.st_size < 0 || (unsigned long long)sb.st_size > max_bytes) {
        st = tc_fail(err, TC_EIO, "%s: file too large (%lld bytes, limit %zu)", path,
                     (long long)sb.st_size, max_bytes);
        goto out;
    }
    size_t size = (size_t)sb.st_size;
    buf = tc_alloc_transient(size + 1);
    if (buf == NULL) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory reading %zu bytes", path, size);
        goto out;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            st = tc_fail(err, TC_EIO, "%s: read error: %s", path, strerror(errno));
            goto out;
        }
        if (r == 0) {
            st = tc_fail(err, TC_EIO, "%s: file shrank while reading (%zu of %zu bytes)", path,
                         got, size);
            goto out;
        }
        got += (size_t)r;
    }
    buf[size] = '\0';
    *data = buf;
    *len = size;
    buf = NULL;
out:
    tc_free_transient(buf);
    close(fd);
    return st;
}

void tc_file_free(char *data)
{
    tc_free_transient(data);
}

size_t tc_line_of_offset(const char *data, size_t off)
{
    size_t line = 1;
    const char *p = data, *end = data + off;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        line++;
        p++;
    }
    return line;
}
