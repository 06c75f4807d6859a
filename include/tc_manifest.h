/*
 * tc_manifest.h - manifest.json of a model directory (docs/model-format.md, version 1),
 * read and checked whole before any other file is opened: format and version, name,
 * classes, the listed files (name, size, sha256), the vectorizer and classifier sections
 * (tc_vectorizer_section.h, tc_classifier_section.h) and the golden file. Every member a
 * file's name appears in must name a listed file. Unknown top-level keys are ignored
 * (forward-compatible additions); unknown values of known keys are refused.
 *
 * A manifest lives only while a model loads; what the model keeps it copies.
 */
#ifndef TC_MANIFEST_H
#define TC_MANIFEST_H

#include <stddef.h>

#include "tc_classifier_section.h"
#include "tc_model_files.h"
#include "tc_status.h"
#include "tc_vectorizer_section.h"

#define TC_MANIFEST_NAME "manifest.json"
#define TC_MODEL_FORMAT "textclf-model"
#define TC_MODEL_FORMAT_VERSION 1

typedef struct tc_manifest tc_manifest;

/* Reads and checks <dir>/manifest.json (at most 1 MiB). Refusals are TC_EIO (missing,
 * unreadable) or TC_EFORMAT with "<dir>/manifest.json[:line]: why". */
tc_status tc_manifest_load(const char *dir, tc_manifest **out, char *err);

/* As tc_manifest_load, from the manifest's bytes json[0..len) (json[len] must be '\0'),
 * which messages call `path`; listed files are resolved against dir. */
tc_status tc_manifest_parse(const char *dir, const char *path, const char *json, size_t len,
                            tc_manifest **out, char *err);

void tc_manifest_free(tc_manifest **m);  /* sets *m to NULL; NULL is ignored */

const char *tc_manifest_path(const tc_manifest *m);  /* "<dir>/manifest.json" */
/* The bytes the manifest was parsed from (NUL-terminated, owned by m); *len their count. */
const char *tc_manifest_text(const tc_manifest *m, size_t *len);
const char *tc_manifest_name(const tc_manifest *m);
size_t tc_manifest_n_classes(const tc_manifest *m);  /* >= 2 */
/* n_classes distinct non-empty UTF-8 names, in output order. */
const char *const *tc_manifest_classes(const tc_manifest *m);

/* The listed files, in manifest order; every file pointer below points into this array. */
const tc_listed_file *tc_manifest_files(const tc_manifest *m, size_t *n);

const tc_vectorizer_section *tc_manifest_vectorizer(const tc_manifest *m);
const tc_classifier_section *tc_manifest_classifier(const tc_manifest *m);
const tc_listed_file *tc_manifest_golden(const tc_manifest *m);
/* "golden_tolerance" (TC_GOLDEN_TOLERANCE_MIN..MAX), TC_GOLDEN_TOLERANCE when absent. */
double tc_manifest_golden_tolerance(const tc_manifest *m);

#endif
