/*
 * tc_model_files.h - the files a model's manifest lists under "files": each is read
 * whole, once, into memory, its size and sha256 checked against the listing, and its
 * parsers then work on those same bytes (nothing is read twice, so nothing unverified is
 * parsed). Large files land on huge pages (tc_textfile.h).
 */
#ifndef TC_MODEL_FILES_H
#define TC_MODEL_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "tc_sha256.h"
#include "tc_status.h"

#define TC_PATH_LEN 4096
/* Largest listed file: far beyond any real model, small enough to refuse a mistaken
 * path to a disk image. */
#define TC_MODEL_FILE_MAX_BYTES ((size_t)1 << 31)

/* One entry of "files" (tc_manifest.h makes them). */
typedef struct tc_listed_file {
    const char *name;                 /* plain name inside the model directory */
    char path[TC_PATH_LEN];           /* "<dir>/<name>": what messages name */
    const char *sha256_hex;           /* as the manifest spells it */
    uint8_t sha256[TC_SHA256_LEN];
    size_t bytes;
} tc_listed_file;

/* A listed file's contents: data[len] is '\0'. */
typedef struct tc_file_bytes {
    char *data;
    size_t len;
} tc_file_bytes;

/* Reads f->path whole into *out (released with tc_file_bytes_release). Refuses a missing,
 * unreadable or non-regular file, or one over TC_MODEL_FILE_MAX_BYTES (TC_EIO), and a
 * size other than f->bytes (TC_EFORMAT, "path: size N bytes, but manifest.json lists M").
 * *out is written only on success. */
tc_status tc_listed_file_read(const tc_listed_file *f, tc_file_bytes *out, char *err);

/* Checks that b (f's contents) has f's sha256: TC_EFORMAT "path: sha256 <hex> does not
 * match manifest.json (<listed>)" otherwise; TC_EIO if libcrypto fails. */
tc_status tc_listed_file_verify(const tc_listed_file *f, const tc_file_bytes *b, char *err);

/* Frees b's data and clears b; a cleared b is ignored. */
void tc_file_bytes_release(tc_file_bytes *b);

#endif
