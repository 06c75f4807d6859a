/* manifest.c - manifest.json (see tc_manifest.h): the top-level members here, the
 * vectorizer and classifier sections in their own modules. The cJSON tree lives as long
 * as the manifest; names and digests borrow from it. */
#include "tc_manifest.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_golden.h"
#include "tc_mjson.h"
#include "tc_textfile.h"
#include "tc_utf8.h"

#define MANIFEST_MAX_BYTES ((size_t)1 << 20)

struct tc_manifest {
    char path[TC_PATH_LEN];
    char *text;    /* the bytes parsed, NUL-terminated */
    size_t text_len;
    cJSON *root;
    const char *name;
    const char **classes;
    size_t n_classes;
    tc_listed_file *files;
    size_t n_files;
    tc_vectorizer_section vectorizer;
    tc_classifier_section classifier;
    const tc_listed_file *golden;
    double golden_tolerance;
};

static tc_status join_path(const char *dir, const char *name, char *out, char *err)
{
    int n = snprintf(out, TC_PATH_LEN, "%s/%s", dir, name);
    if (n < 0 || n >= TC_PATH_LEN)
        return tc_fail(err, TC_EIO, "%s/%s: path too long", dir, name);
    return TC_OK;
}

/* "format", "format_version", "name". */
static tc_status parse_header(tc_manifest *m, const tc_mjson *r, char *err)
{
    tc_status st = tc_mjson_exact(r, m->root, "", "format", TC_MODEL_FORMAT, err);
    if (st != TC_OK)
        return st;
    const cJSON *ver = tc_mjson_member(r, m->root, "", "format_version", &st, err);
    if (ver == NULL)
        return st;
    size_t v = 0;
    if (!tc_mjson_uint(ver, 1e9, &v))
        return tc_fail(err, TC_EFORMAT, "%s: \"format_version\" must be a positive integer",
                       m->path);
    if (v > TC_MODEL_FORMAT_VERSION)
        return tc_fail(err, TC_EFORMAT,
                       "%s: model format version %zu is newer than this textclf supports (%d)",
                       m->path, v, TC_MODEL_FORMAT_VERSION);
    if (v != TC_MODEL_FORMAT_VERSION)
        return tc_fail(err, TC_EFORMAT, "%s: model format version %zu is not supported (%d)",
                       m->path, v, TC_MODEL_FORMAT_VERSION);
    return tc_mjson_string(r, m->root, "", "name", &m->name, err);
}

/* "classes": 2 or more distinct non-empty UTF-8 strings. */
static tc_status parse_classes(tc_manifest *m, const tc_mjson *r, char *err)
{
    tc_status st = TC_OK;
    const cJSON *classes = tc_mjson_member(r, m->root, "", "classes", &st, err);
    if (classes == NULL)
        return st;
    if (!cJSON_IsArray(classes) || cJSON_GetArraySize(classes) < 2)
        return tc_fail(err, TC_EFORMAT, "%s: \"classes\" must be an array of 2 or more strings",
                       m->path);
    size_t n = (size_t)cJSON_GetArraySize(classes);
    if ((m->classes = calloc(n, sizeof *m->classes)) == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    for (const cJSON *j = classes->child; j != NULL; j = j->next) {
        if (!cJSON_IsString(j) || j->valuestring[0] == '\0' ||
            !tc_utf8_valid(j->valuestring, strlen(j->valuestring), NULL))
            return tc_fail(err, TC_EFORMAT, "%s: classes[%zu] must be a non-empty UTF-8 string",
                           m->path, m->n_classes);
        for (size_t i = 0; i < m->n_classes; i++)
            if (strcmp(m->classes[i], j->valuestring) == 0)
                return tc_fail(err, TC_EFORMAT, "%s: class \"%s\" appears twice in \"classes\"",
                               m->path, j->valuestring);
        m->classes[m->n_classes++] = j->valuestring;
    }
    return TC_OK;
}

/* "files": {"<name>": {"sha256": "<64 lowercase hex>", "bytes": N}, ...}. */
static tc_status parse_files(tc_manifest *m, const char *dir, char *err)
{
    const cJSON *files = cJSON_GetObjectItemCaseSensitive(m->root, "files");
    if (files == NULL)
        return tc_fail(err, TC_EFORMAT, "%s: missing \"files\"", m->path);
    if (!cJSON_IsObject(files))
        return tc_fail(err, TC_EFORMAT, "%s: \"files\" must be an object", m->path);
    size_t n = (size_t)cJSON_GetArraySize(files);
    if ((m->files = calloc(n ? n : 1, sizeof *m->files)) == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    for (const cJSON *f = files->child; f != NULL; f = f->next) {
        const char *name = f->string;
        if (name == NULL || !tc_mjson_plain_name(name) || strcmp(name, TC_MANIFEST_NAME) == 0)
            return tc_fail(err, TC_EFORMAT,
                           "%s: files: \"%s\" is not a plain file name inside the model directory",
                           m->path, name ? name : "");
        const tc_mjson listed = {m->path, m->files, m->n_files};
        if (tc_mjson_find_file(&listed, name) != NULL)
            return tc_fail(err, TC_EFORMAT, "%s: files: \"%s\" listed twice", m->path, name);
        const cJSON *sha = cJSON_GetObjectItemCaseSensitive(f, "sha256");
        const cJSON *bytes = cJSON_GetObjectItemCaseSensitive(f, "bytes");
        tc_listed_file *lf = &m->files[m->n_files];
        if (!cJSON_IsObject(f) || !cJSON_IsString(sha) ||
            !tc_sha256_parse_hex(sha->valuestring, lf->sha256))
            return tc_fail(err, TC_EFORMAT,
                           "%s: files.\"%s\".sha256 must be 64 lowercase hex digits", m->path,
                           name);
        if (!tc_mjson_uint(bytes, 9007199254740992.0, &lf->bytes))
            return tc_fail(err, TC_EFORMAT, "%s: files.\"%s\".bytes must be a non-negative integer",
                           m->path, name);
        lf->name = name;
        lf->sha256_hex = sha->valuestring;
        tc_status st = join_path(dir, name, lf->path, err);
        if (st != TC_OK)
            return st;
        m->n_files++;
    }
    return TC_OK;
}

/* "golden_tolerance": optional; how far the golden values may be from what textclf
 * computes. 1e-9 (TC_GOLDEN_TOLERANCE) when absent; float32 models (Keras) say 1e-5. */
static tc_status parse_tolerance(tc_manifest *m, char *err)
{
    m->golden_tolerance = TC_GOLDEN_TOLERANCE;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(m->root, "golden_tolerance");
    if (t == NULL)
        return TC_OK;
    if (!cJSON_IsNumber(t) || !(t->valuedouble >= TC_GOLDEN_TOLERANCE_MIN &&
                                t->valuedouble <= TC_GOLDEN_TOLERANCE_MAX))
        return tc_fail(err, TC_EFORMAT,
                       "%s: \"golden_tolerance\" must be a number from %g to %g", m->path,
                       TC_GOLDEN_TOLERANCE_MIN, TC_GOLDEN_TOLERANCE_MAX);
    m->golden_tolerance = t->valuedouble;
    return TC_OK;
}

/* The classifier's file serves that one role: the loader reads and parses it on a thread
 * of its own while the other files are parsed (tc_model.h). */
static tc_status check_roles(const tc_manifest *m, char *err)
{
    const tc_listed_file *clf = m->classifier.file;
    const char *other = clf == m->vectorizer.vocabulary   ? "vectorizer.vocabulary"
                        : clf == m->vectorizer.stop_words ? "vectorizer.stop_words"
                        : clf == m->vectorizer.spark_vocabulary ? "vectorizer.vocabulary"
                        : clf == m->vectorizer.spark_idf  ? "vectorizer.idf"
                        : clf == m->vectorizer.idf        ? "vectorizer.idf"
                        : clf == m->golden                ? "golden"
                                                          : NULL;
    for (size_t i = 0; other == NULL && i < m->vectorizer.n_parts; i++)
        if (clf == m->vectorizer.parts[i].vocabulary || clf == m->vectorizer.parts[i].stop_words ||
            clf == m->vectorizer.parts[i].idf)
            other = "a vectorizer part";
    if (other != NULL)
        return tc_fail(err, TC_EFORMAT, "%s: \"%s\" is named both by classifier.file and by %s",
                       m->path, clf->name, other);
    return TC_OK;
}

tc_status tc_manifest_parse(const char *dir, const char *path, const char *json, size_t len,
                            tc_manifest **out, char *err)
{
    tc_manifest *m = calloc(1, sizeof *m);
    if (m == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    tc_status st = TC_OK;
    if (snprintf(m->path, sizeof m->path, "%s", path) >= (int)sizeof m->path) {
        st = tc_fail(err, TC_EIO, "%s: path too long", path);
        goto done;
    }
    if ((m->text = malloc(len + 1)) == NULL) {
        st = tc_fail(err, TC_ENOMEM, "out of memory");
        goto done;
    }
    memcpy(m->text, json, len + 1);
    m->text_len = len;
    const char *end = NULL;
    /* The length includes the terminating NUL, so trailing garbage is refused. */
    m->root = cJSON_ParseWithLengthOpts(json, len + 1, &end, true);
    if (m->root == NULL) {
        size_t off = end != NULL && end >= json ? (size_t)(end - json) : 0;
        st = tc_fail(err, TC_EFORMAT, "%s:%zu: invalid JSON", m->path,
                     tc_line_of_offset(json, off > len ? len : off));
        goto done;
    }
    if (!cJSON_IsObject(m->root)) {
        st = tc_fail(err, TC_EFORMAT, "%s: must be a JSON object", m->path);
        goto done;
    }
    const tc_mjson top = {m->path, NULL, 0};
    if ((st = parse_header(m, &top, err)) != TC_OK || (st = parse_classes(m, &top, err)) != TC_OK ||
        (st = parse_files(m, dir, err)) != TC_OK)
        goto done;
    const tc_mjson r = {m->path, m->files, m->n_files};
    if ((st = tc_vectorizer_section_parse(&r, m->root, &m->vectorizer, err)) != TC_OK ||
        (st = tc_classifier_section_parse(&r, m->root, m->n_classes, m->vectorizer.n_features,
                                          &m->classifier, err)) != TC_OK ||
        (st = tc_mjson_file(&r, m->root, "", "golden", &m->golden, err)) != TC_OK ||
        (st = check_roles(m, err)) != TC_OK || (st = parse_tolerance(m, err)) != TC_OK)
        goto done;
done:
    if (st != TC_OK)
        tc_manifest_free(&m);
    else
        *out = m;
    return st;
}

tc_status tc_manifest_load(const char *dir, tc_manifest **out, char *err)
{
    char path[TC_PATH_LEN];
    char *data = NULL;
    size_t len = 0;
    tc_status st = join_path(dir, TC_MANIFEST_NAME, path, err);
    if (st == TC_OK)
        st = tc_read_file(path, MANIFEST_MAX_BYTES, &data, &len, err);
    if (st == TC_OK)
        st = tc_manifest_parse(dir, path, data, len, out, err);
    tc_file_free(data);
    return st;
}

void tc_manifest_free(tc_manifest **mp)
{
    if (mp == NULL || *mp == NULL)
        return;
    tc_manifest *m = *mp;
    free(m->text);
    tc_classifier_section_release(&m->classifier);
    free(m->files);
    free(m->classes);
    cJSON_Delete(m->root);
    free(m);
    *mp = NULL;
}

const char *tc_manifest_text(const tc_manifest *m, size_t *len)
{
    *len = m->text_len;
    return m->text;
}

const char *tc_manifest_path(const tc_manifest *m) { return m->path; }
const char *tc_manifest_name(const tc_manifest *m) { return m->name; }
size_t tc_manifest_n_classes(const tc_manifest *m) { return m->n_classes; }
const char *const *tc_manifest_classes(const tc_manifest *m) { return m->classes; }
const tc_vectorizer_section *tc_manifest_vectorizer(const tc_manifest *m) { return &m->vectorizer; }
const tc_classifier_section *tc_manifest_classifier(const tc_manifest *m) { return &m->classifier; }
const tc_listed_file *tc_manifest_golden(const tc_manifest *m) { return m->golden; }
double tc_manifest_golden_tolerance(const tc_manifest *m) { return m->golden_tolerance; }

const tc_listed_file *tc_manifest_files(const tc_manifest *m, size_t *n)
{
    *n = m->n_files;
    return m->files;
}
