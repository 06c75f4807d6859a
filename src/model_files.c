/* model_files.c - reading and verifying the files a manifest lists (see
 * tc_model_files.h). */
#include "tc_model_files.h"

#include <string.h>

#include "tc_textfile.h"

#define MANIFEST "manifest.json"

tc_status tc_listed_file_read(const tc_listed_file *f, tc_file_bytes *out, char *err)
{
    tc_file_bytes b = {NULL, 0};
    tc_status st = tc_read_file(f->path, TC_MODEL_FILE_MAX_BYTES, &b.data, &b.len, err);
    if (st != TC_OK)
        return st;
    if (b.len != f->bytes) {
        st = tc_fail(err, TC_EFORMAT, "%s: size %zu bytes, but %s lists %zu", f->path, b.len,
                     MANIFEST, f->bytes);
        tc_file_bytes_release(&b);
        return st;
    }
    *out = b;
    return TC_OK;
}

tc_status tc_listed_file_verify(const tc_listed_file *f, const tc_file_bytes *b, char *err)
{
    uint8_t got[TC_SHA256_LEN];
    if (!tc_sha256(b->data, b->len, got))
        return tc_fail(err, TC_EIO, "%s: libcrypto failed to compute its sha256", f->path);
    if (memcmp(got, f->sha256, sizeof got) != 0) {
        char hex[TC_SHA256_HEX_LEN + 1];
        tc_sha256_hex(got, hex);
        return tc_fail(err, TC_EFORMAT, "%s: sha256 %s does not match %s (%s)", f->path, hex,
                       MANIFEST, f->sha256_hex);
    }
    return TC_OK;
}

void tc_file_bytes_release(tc_file_bytes *b)
{
    tc_file_free(b->data);
    b->data = NULL;
    b->len = 0;
}
