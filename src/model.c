/*
 * model.c - loads and verifies a model directory (docs/model-format.md, version 1):
 * manifest.json (cJSON), sha256 + size of every listed file, vectorizer, stop
 * words, classifier, and the golden samples, which must reproduce.
 *
 * Every listed file is read once, its size and sha256 checked from memory, and the
 * vocabulary, stop words and golden samples are parsed from the same bytes. The
 * classifier loader reads its file by path (tc_classifier.h has no in-memory
 * variant), so that file is hashed first, on the classifier's own thread, which runs
 * while this thread loads the vocabulary.
 */
#include "tc_model.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_sha256.h"
#include "tc_textfile.h"
#include "tc_utf8.h"
#include "tc_vectorizer.h"

#define MANIFEST "manifest.json"
#define MANIFEST_MAX_BYTES ((size_t)1 << 20)
#define FILE_MAX_BYTES ((size_t)1 << 31)
#define GOLDEN_TOL 1e-9
#define PATH_LEN 4096

typedef struct golden_sample {
    char *text;
    size_t len;
    size_t label;
    double *values;   /* n_classes */
    size_t line;
} golden_sample;

struct tc_model {
    char *name;
    char **classes;
    size_t n_classes;
    tc_vectorizer *vec;
    tc_classifier *clf;
    int *libsvm_labels;
    golden_sample *golden;
    size_t n_golden;
    char golden_path[PATH_LEN];
    char desc[160];
    char *manifest;       /* manifest.json's bytes, NUL-terminated */
    size_t manifest_len;
};

struct tc_workspace {
    tc_vectorizer_scratch *vs;
    tc_classifier_scratch *cs;
    double *values;
};

/* A file listed in the manifest, read into memory for hashing. */
typedef struct listed_file {
    const char *name;  /* borrowed from the cJSON tree */
    const char *sha_hex;  /* borrowed: the manifest's sha256 */
    uint8_t want[TC_SHA256_LEN];
    size_t want_len;
    char path[PATH_LEN];
    char *data;   /* NULL until read_listed */
    size_t len;
} listed_file;

typedef struct load_ctx {
    const char *dir;
    char manifest_path[PATH_LEN];
    cJSON *root;
    listed_file *files;
    size_t n_files;
    /* classifier, loaded on its own thread (see tc_model_load) */
    tc_classifier_config clf_cfg;
    listed_file *clf_file;
    tc_vectorizer_config vec_cfg;
    size_t n_features;
    listed_file *vocab_file, *stop_file;
} load_ctx;

/* ---- small helpers ------------------------------------------------------------------- */

static tc_status join_path(const char *dir, const char *name, char *out, char *err)
{
    int n = snprintf(out, PATH_LEN, "%s/%s", dir, name);
    if (n < 0 || n >= PATH_LEN)
        return tc_fail(err, TC_EIO, "%s/%s: path too long", dir, name);
    return TC_OK;
}

static char *dup_str(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* A plain file name inside the model directory. */
static bool plain_name(const char *s)
{
    return s[0] != '\0' && strchr(s, '/') == NULL && strchr(s, '\\') == NULL &&
           strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

static bool json_uint(const cJSON *j, double max, size_t *out)
{
    if (!cJSON_IsNumber(j))
        return false;
    double d = j->valuedouble;
    if (!(d >= 0.0 && d <= max && floor(d) == d))
        return false;
    *out = (size_t)d;
    return true;
}

/* Fetches a required member of obj; `where` names the object for messages. */
static const cJSON *member(load_ctx *c, const cJSON *obj, const char *where, const char *key,
                           tc_status *st, char *err)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (j == NULL)
        *st = tc_fail(err, TC_EFORMAT, "%s: missing \"%s%s\"", c->manifest_path, where, key);
    return j;
}

static tc_status want_string(load_ctx *c, const cJSON *obj, const char *where, const char *key,
                             const char **out, char *err)
{
    tc_status st = TC_OK;
    const cJSON *j = member(c, obj, where, key, &st, err);
    if (j == NULL)
        return st;
    if (!cJSON_IsString(j) || j->valuestring == NULL)
        return tc_fail(err, TC_EFORMAT, "%s: \"%s%s\" must be a string", c->manifest_path, where,
                       key);
    *out = j->valuestring;
    return TC_OK;
}

static tc_status want_exact(load_ctx *c, const cJSON *obj, const char *where, const char *key,
                            const char *expected, char *err)
{
    const char *s = NULL;
    tc_status st = want_string(c, obj, where, key, &s, err);
    if (st != TC_OK)
        return st;
    if (strcmp(s, expected) != 0)
        return tc_fail(err, TC_EFORMAT, "%s: unsupported %s%s \"%s\" (this textclf supports \"%s\")",
                       c->manifest_path, where, key, s, expected);
    return TC_OK;
}

static tc_status want_bool(load_ctx *c, const cJSON *obj, const char *where, const char *key,
                           bool *out, char *err)
{
    tc_status st = TC_OK;
    const cJSON *j = member(c, obj, where, key, &st, err);
    if (j == NULL)
        return st;
    if (!cJSON_IsBool(j))
        return tc_fail(err, TC_EFORMAT, "%s: \"%s%s\" must be true or false", c->manifest_path,
                       where, key);
    *out = cJSON_IsTrue(j);
    return TC_OK;
}

/* A string member that must be one of choices[] (NULL entry = JSON null allowed). */
static tc_status want_choice(load_ctx *c, const cJSON *obj, const char *where, const char *key,
                             const char *const *choices, size_t n, size_t *out, char *err)
{
    tc_status st = TC_OK;
    const cJSON *j = member(c, obj, where, key, &st, err);
    if (j == NULL)
        return st;
    for (size_t i = 0; i < n; i++) {
        if (choices[i] == NULL ? cJSON_IsNull(j)
                               : (cJSON_IsString(j) && strcmp(j->valuestring, choices[i]) == 0)) {
            *out = i;
            return TC_OK;
        }
    }
    char list[200] = "";
    size_t used = 0;
    for (size_t i = 0; i < n && used < sizeof list; i++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s%s%s", i ? ", " : "",
                         choices[i] ? "\"" : "", choices[i] ? choices[i] : "null",
                         choices[i] ? "\"" : "");
        if (w < 0)
            break;
        used += (size_t)w;
    }
    if (cJSON_IsString(j))
        return tc_fail(err, TC_EFORMAT, "%s: unsupported %s%s \"%s\" (expected one of %s)",
                       c->manifest_path, where, key, j->valuestring, list);
    return tc_fail(err, TC_EFORMAT, "%s: \"%s%s\" must be one of %s", c->manifest_path, where, key,
                   list);
}

static listed_file *find_listed(load_ctx *c, const char *name)
{
    for (size_t i = 0; i < c->n_files; i++)
        if (strcmp(c->files[i].name, name) == 0)
            return &c->files[i];
    return NULL;
}

/* A member naming a file: plain name, listed under "files". */
static tc_status want_file(load_ctx *c, const cJSON *obj, const char *where, const char *key,
                           listed_file **out, char *err)
{
    const char *name = NULL;
    tc_status st = want_string(c, obj, where, key, &name, err);
    if (st != TC_OK)
        return st;
    if (!plain_name(name))
        return tc_fail(err, TC_EFORMAT,
                       "%s: \"%s%s\": \"%s\" is not a plain file name inside the model directory",
                       c->manifest_path, where, key, name);
    listed_file *f = find_listed(c, name);
    if (f == NULL)
        return tc_fail(err, TC_EFORMAT, "%s: \"%s%s\" names \"%s\", which is not listed in \"files\"",
                       c->manifest_path, where, key, name);
    *out = f;
    return TC_OK;
}

/* ---- files: list, size, sha256 ---------------------------------------------------------- */

static bool parse_hex_digest(const char *s, uint8_t out[TC_SHA256_LEN])
{
    if (strlen(s) != TC_SHA256_HEX_LEN)
        return false;
    for (size_t i = 0; i < TC_SHA256_HEX_LEN; i++) {
        char ch = s[i];
        unsigned v;
        if (ch >= '0' && ch <= '9')
            v = (unsigned)(ch - '0');
        else if (ch >= 'a' && ch <= 'f')
            v = (unsigned)(ch - 'a' + 10);
        else
            return false;
        if (i % 2 == 0)
            out[i / 2] = (uint8_t)(v << 4);
        else
            out[i / 2] = (uint8_t)(out[i / 2] | v);
    }
    return true;
}

static tc_status load_files(load_ctx *c, char *err)
{
    const cJSON *files = cJSON_GetObjectItemCaseSensitive(c->root, "files");
    if (files == NULL)
        return tc_fail(err, TC_EFORMAT, "%s: missing \"files\"", c->manifest_path);
    if (!cJSON_IsObject(files))
        return tc_fail(err, TC_EFORMAT, "%s: \"files\" must be an object", c->manifest_path);
    size_t n = (size_t)cJSON_GetArraySize(files);
    c->files = calloc(n ? n : 1, sizeof *c->files);
    if (c->files == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    for (const cJSON *f = files->child; f != NULL; f = f->next) {
        const char *name = f->string;
        if (name == NULL || !plain_name(name) || strcmp(name, MANIFEST) == 0)
            return tc_fail(err, TC_EFORMAT,
                           "%s: files: \"%s\" is not a plain file name inside the model directory",
                           c->manifest_path, name ? name : "");
        if (find_listed(c, name) != NULL)
            return tc_fail(err, TC_EFORMAT, "%s: files: \"%s\" listed twice", c->manifest_path,
                           name);
        const cJSON *sha = cJSON_GetObjectItemCaseSensitive(f, "sha256");
        const cJSON *bytes = cJSON_GetObjectItemCaseSensitive(f, "bytes");
        uint8_t want[TC_SHA256_LEN];
        size_t want_len = 0;
        if (!cJSON_IsObject(f) || !cJSON_IsString(sha) || !parse_hex_digest(sha->valuestring, want))
            return tc_fail(err, TC_EFORMAT,
                           "%s: files.\"%s\".sha256 must be 64 lowercase hex digits",
                           c->manifest_path, name);
        if (!json_uint(bytes, 9007199254740992.0, &want_len))
            return tc_fail(err, TC_EFORMAT, "%s: files.\"%s\".bytes must be a non-negative integer",
                           c->manifest_path, name);
        listed_file *lf = &c->files[c->n_files++];
        lf->name = name;
        lf->sha_hex = sha->valuestring;
        lf->want_len = want_len;
        memcpy(lf->want, want, sizeof want);
        tc_status st = join_path(c->dir, name, lf->path, err);
        if (st != TC_OK)
            return st;
    }
    return TC_OK;
}

/* Reads a listed file and checks its size against the manifest. */
static tc_status read_listed(listed_file *lf, char *err)
{
    tc_status st = tc_read_file(lf->path, FILE_MAX_BYTES, &lf->data, &lf->len, err);
    if (st != TC_OK)
        return st;
    if (lf->len != lf->want_len)
        return tc_fail(err, TC_EFORMAT, "%s: size %zu bytes, but %s lists %zu", lf->path,
                       lf->len, MANIFEST, lf->want_len);
    return TC_OK;
}

/* Checks the sha256 of a file read by read_listed against the manifest. */
static tc_status verify_hash(const listed_file *lf, char *err)
{
    uint8_t got[TC_SHA256_LEN];
    tc_sha256(lf->data, lf->len, got);
    if (memcmp(got, lf->want, sizeof got) != 0) {
        char hex[TC_SHA256_HEX_LEN + 1];
        tc_sha256_hex(got, hex);
        return tc_fail(err, TC_EFORMAT, "%s: sha256 %s does not match %s (%s)", lf->path, hex,
                       MANIFEST, lf->sha_hex);
    }
    return TC_OK;
}

/* ---- manifest sections --------------------------------------------------------------- */

static tc_status load_header(load_ctx *c, tc_model *m, char *err)
{
    tc_status st = want_exact(c, c->root, "", "format", TC_MODEL_FORMAT, err);
    if (st != TC_OK)
        return st;
    const cJSON *ver = member(c, c->root, "", "format_version", &st, err);
    if (ver == NULL)
        return st;
    size_t v = 0;
    if (!json_uint(ver, 1e9, &v))
        return tc_fail(err, TC_EFORMAT, "%s: \"format_version\" must be a positive integer",
                       c->manifest_path);
    if (v > TC_MODEL_FORMAT_VERSION)
        return tc_fail(err, TC_EFORMAT,
                       "%s: model format version %zu is newer than this textclf supports (%d)",
                       c->manifest_path, v, TC_MODEL_FORMAT_VERSION);
    if (v != TC_MODEL_FORMAT_VERSION)
        return tc_fail(err, TC_EFORMAT, "%s: model format version %zu is not supported (%d)",
                       c->manifest_path, v, TC_MODEL_FORMAT_VERSION);
    const char *name = NULL;
    if ((st = want_string(c, c->root, "", "name", &name, err)) != TC_OK)
        return st;
    if ((m->name = dup_str(name, strlen(name))) == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");

    const cJSON *classes = member(c, c->root, "", "classes", &st, err);
    if (classes == NULL)
        return st;
    if (!cJSON_IsArray(classes) || cJSON_GetArraySize(classes) < 2)
        return tc_fail(err, TC_EFORMAT, "%s: \"classes\" must be an array of 2 or more strings",
                       c->manifest_path);
    size_t n = (size_t)cJSON_GetArraySize(classes);
    m->classes = calloc(n, sizeof *m->classes);
    if (m->classes == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    for (const cJSON *j = classes->child; j != NULL; j = j->next) {
        if (!cJSON_IsString(j) || j->valuestring[0] == '\0' ||
            !tc_utf8_valid(j->valuestring, strlen(j->valuestring), NULL))
            return tc_fail(err, TC_EFORMAT,
                           "%s: classes[%zu] must be a non-empty UTF-8 string", c->manifest_path,
                           m->n_classes);
        for (size_t i = 0; i < m->n_classes; i++)
            if (strcmp(m->classes[i], j->valuestring) == 0)
                return tc_fail(err, TC_EFORMAT, "%s: class \"%s\" appears twice in \"classes\"",
                               c->manifest_path, j->valuestring);
        if ((m->classes[m->n_classes] = dup_str(j->valuestring, strlen(j->valuestring))) == NULL)
            return tc_fail(err, TC_ENOMEM, "out of memory");
        m->n_classes++;
    }
    return TC_OK;
}

/* Reads the "vectorizer" section of the manifest into c (no file is parsed yet). */
static tc_status parse_vectorizer(load_ctx *c, char *err)
{
    static const char W[] = "vectorizer.";
    tc_status st = TC_OK;
    const cJSON *v = member(c, c->root, "", "vectorizer", &st, err);
    if (v == NULL)
        return st;
    if (!cJSON_IsObject(v))
        return tc_fail(err, TC_EFORMAT, "%s: \"vectorizer\" must be an object", c->manifest_path);
    tc_vectorizer_config cfg;
    memset(&cfg, 0, sizeof cfg);
    static const char *const strip[] = {NULL, "ascii", "unicode"};
    static const char *const norms[] = {NULL, "l1", "l2"};
    size_t strip_i = 0, norm_i = 0, nf = 0;
    if ((st = want_exact(c, v, W, "type", "tfidf", err)) != TC_OK ||
        (st = want_exact(c, v, W, "analyzer", "word", err)) != TC_OK ||
        (st = want_exact(c, v, W, "token_pattern", "(?u)\\b\\w\\w+\\b", err)) != TC_OK ||
        (st = want_exact(c, v, W, "dtype", "float64", err)) != TC_OK ||
        (st = want_bool(c, v, W, "lowercase", &cfg.tokenizer.lowercase, err)) != TC_OK ||
        (st = want_choice(c, v, W, "strip_accents", strip, 3, &strip_i, err)) != TC_OK ||
        (st = want_choice(c, v, W, "norm", norms, 3, &norm_i, err)) != TC_OK ||
        (st = want_bool(c, v, W, "binary", &cfg.binary, err)) != TC_OK ||
        (st = want_bool(c, v, W, "sublinear_tf", &cfg.sublinear_tf, err)) != TC_OK ||
        (st = want_bool(c, v, W, "use_idf", &cfg.use_idf, err)) != TC_OK)
        return st;
    cfg.tokenizer.strip_accents =
        strip_i == 1 ? TC_STRIP_ASCII : strip_i == 2 ? TC_STRIP_UNICODE : TC_STRIP_NONE;
    cfg.norm = norm_i == 1 ? TC_NORM_L1 : norm_i == 2 ? TC_NORM_L2 : TC_NORM_NONE;
    const cJSON *smooth = cJSON_GetObjectItemCaseSensitive(v, "smooth_idf");
    if (smooth != NULL && !cJSON_IsBool(smooth))
        return tc_fail(err, TC_EFORMAT, "%s: \"vectorizer.smooth_idf\" must be true or false",
                       c->manifest_path);
    const cJSON *ng = member(c, v, W, "ngram_range", &st, err);
    if (ng == NULL)
        return st;
    size_t lo = 0, hi = 0;
    if (!cJSON_IsArray(ng) || cJSON_GetArraySize(ng) != 2 ||
        !json_uint(cJSON_GetArrayItem(ng, 0), 1e9, &lo) ||
        !json_uint(cJSON_GetArrayItem(ng, 1), 1e9, &hi) || lo < 1 || lo > hi || hi > 8)
        return tc_fail(err, TC_EFORMAT,
                       "%s: \"vectorizer.ngram_range\" must be [min, max] with 1 <= min <= max <= 8",
                       c->manifest_path);
    cfg.ngram_min = (unsigned)lo;
    cfg.ngram_max = (unsigned)hi;
    const cJSON *nfj = member(c, v, W, "n_features", &st, err);
    if (nfj == NULL)
        return st;
    if (!json_uint(nfj, 4294967294.0, &nf) || nf == 0)
        return tc_fail(err, TC_EFORMAT, "%s: \"vectorizer.n_features\" must be a positive integer",
                       c->manifest_path);

    listed_file *vocab = NULL, *stop = NULL;
    if ((st = want_file(c, v, W, "vocabulary", &vocab, err)) != TC_OK)
        return st;
    const cJSON *sw = member(c, v, W, "stop_words", &st, err);
    if (sw == NULL)
        return st;
    if (!cJSON_IsNull(sw)) {
        if (!cJSON_IsString(sw))
            return tc_fail(err, TC_EFORMAT,
                           "%s: \"vectorizer.stop_words\" must be null or a file name",
                           c->manifest_path);
        if ((st = want_file(c, v, W, "stop_words", &stop, err)) != TC_OK)
            return st;
    }
    c->vec_cfg = cfg;
    c->n_features = nf;
    c->vocab_file = vocab;
    c->stop_file = stop;
    return TC_OK;
}

/* Builds the vectorizer from the files parse_vectorizer picked (hashes verified). */
static tc_status build_vectorizer(load_ctx *c, tc_model *m, char *err)
{
    const listed_file *vocab = c->vocab_file, *stop = c->stop_file;
    tc_status st = tc_vectorizer_load_mem(&c->vec_cfg, vocab->path, vocab->data, vocab->len,
                                          stop ? stop->path : NULL, stop ? stop->data : NULL,
                                          stop ? stop->len : 0, &m->vec, err);
    if (st != TC_OK)
        return st;
    if (tc_vectorizer_n_features(m->vec) != c->n_features)
        return tc_fail(err, TC_EFORMAT,
                       "%s: \"vectorizer.n_features\" is %zu but %s has %zu terms",
                       c->manifest_path, c->n_features, vocab->path,
                       tc_vectorizer_n_features(m->vec));
    return TC_OK;
}

/* Reads the "classifier" section of the manifest into c and m->desc. */
static tc_status parse_classifier(load_ctx *c, tc_model *m, char *err)
{
    static const char W[] = "classifier.";
    tc_status st = TC_OK;
    const cJSON *cl = member(c, c->root, "", "classifier", &st, err);
    if (cl == NULL)
        return st;
    if (!cJSON_IsObject(cl))
        return tc_fail(err, TC_EFORMAT, "%s: \"classifier\" must be an object", c->manifest_path);
    static const char *const types[] = {"linear", "libsvm"};
    static const char *const linear_proba[] = {"logistic_ovr",   "softmax",     "softmax_binary",
                                               "modified_huber", "naive_bayes", "none"};
    static const tc_proba_kind linear_kind[] = {
        TC_PROBA_LOGISTIC_OVR,  TC_PROBA_SOFTMAX,     TC_PROBA_SOFTMAX_BINARY,
        TC_PROBA_MODIFIED_HUBER, TC_PROBA_NAIVE_BAYES, TC_PROBA_NONE};
    static const char *const svm_proba[] = {"pairwise_coupling", "none"};
    static const char *const origins[] = {"sklearn", "libsvm"};
    size_t type = 0, proba = 0, origin = 0;
    if ((st = want_choice(c, cl, W, "type", types, 2, &type, err)) != TC_OK)
        return st;
    tc_classifier_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.n_classes = m->n_classes;
    cfg.n_features = c->n_features;  /* == the vocabulary's size, checked after loading */
    if (type == 0) {
        if ((st = want_choice(c, cl, W, "probability", linear_proba, 6, &proba, err)) != TC_OK)
            return st;
        cfg.type = TC_CLF_LINEAR;
        cfg.proba = linear_kind[proba];
        if (cfg.proba == TC_PROBA_SOFTMAX && m->n_classes < 3)
            return tc_fail(err, TC_EFORMAT,
                           "%s: classifier.probability \"softmax\" needs 3 or more classes "
                           "(binary multinomial models use \"softmax_binary\")",
                           c->manifest_path);
        if (cfg.proba == TC_PROBA_SOFTMAX_BINARY && m->n_classes != 2)
            return tc_fail(err, TC_EFORMAT,
                           "%s: classifier.probability \"softmax_binary\" needs exactly 2 classes",
                           c->manifest_path);
    } else {
        if ((st = want_choice(c, cl, W, "probability", svm_proba, 2, &proba, err)) != TC_OK ||
            (st = want_choice(c, cl, W, "origin", origins, 2, &origin, err)) != TC_OK)
            return st;
        cfg.type = TC_CLF_LIBSVM;
        cfg.proba = proba == 0 ? TC_PROBA_PAIRWISE : TC_PROBA_NONE;
        cfg.origin = origin == 0 ? TC_SVM_SKLEARN : TC_SVM_LIBSVM;
        const cJSON *lab = member(c, cl, W, "libsvm_labels", &st, err);
        if (lab == NULL)
            return st;
        if (!cJSON_IsArray(lab) || (size_t)cJSON_GetArraySize(lab) != m->n_classes)
            return tc_fail(err, TC_EFORMAT,
                           "%s: \"classifier.libsvm_labels\" must be an array of %zu integers",
                           c->manifest_path, m->n_classes);
        if ((m->libsvm_labels = calloc(m->n_classes, sizeof *m->libsvm_labels)) == NULL)
            return tc_fail(err, TC_ENOMEM, "out of memory");
        size_t i = 0;
        for (const cJSON *j = lab->child; j != NULL; j = j->next, i++) {
            double d = cJSON_IsNumber(j) ? j->valuedouble : 0.5;
            if (!(floor(d) == d && fabs(d) <= 2147483647.0))
                return tc_fail(err, TC_EFORMAT,
                               "%s: \"classifier.libsvm_labels\"[%zu] must be an integer",
                               c->manifest_path, i);
            m->libsvm_labels[i] = (int)d;
        }
        cfg.libsvm_labels = m->libsvm_labels;
    }
    listed_file *f = NULL;
    if ((st = want_file(c, cl, W, "file", &f, err)) != TC_OK)
        return st;
    const cJSON *est = cJSON_GetObjectItemCaseSensitive(cl, "estimator");
    snprintf(m->desc, sizeof m->desc, "%s (%s, probability %s%s%s)", types[type],
             cJSON_IsString(est) ? est->valuestring : "unknown estimator",
             type == 0 ? linear_proba[proba] : svm_proba[proba], type == 1 ? ", origin " : "",
             type == 1 ? origins[origin] : "");
    c->clf_cfg = cfg;
    c->clf_file = f;
    return TC_OK;
}

typedef struct classifier_job {
    load_ctx *c;
    tc_model *m;
    tc_status hash_st, st;           /* hashes of the other files; the classifier */
    char hash_err[TC_ERR_LEN], err[TC_ERR_LEN];
} classifier_job;

/* The second loader thread: hashes the files the first thread already read (it parses
 * them meanwhile, read-only on both sides), then reads and hashes the classifier file
 * and parses those same bytes. Writes only its job fields and m->clf. */
static void *build_classifier(void *arg)
{
    classifier_job *job = arg;
    load_ctx *c = job->c;
    for (size_t i = 0; i < c->n_files && job->hash_st == TC_OK; i++)
        if (&c->files[i] != c->clf_file)
            job->hash_st = verify_hash(&c->files[i], job->hash_err);
    listed_file *f = c->clf_file;
    tc_model *m = job->m;
    job->st = read_listed(f, job->err);
    if (job->st == TC_OK)
        job->st = verify_hash(f, job->err);
    if (job->st == TC_OK)  /* the bytes just hashed: no second read to trust */
        job->st = tc_classifier_load_mem(&c->clf_cfg, f->path, f->data, f->len, &m->clf,
                                         job->err);
    tc_file_free(f->data);
    f->data = NULL;
    if (job->st == TC_OK && tc_classifier_n_classes(m->clf) != m->n_classes)
        job->st = tc_fail(job->err, TC_EFORMAT, "%s: %zu classes, but %s lists %zu", f->path,
                          tc_classifier_n_classes(m->clf), MANIFEST, m->n_classes);
    return NULL;
}

/* ---- golden samples ------------------------------------------------------------------- */

static tc_status parse_golden_line(tc_model *m, const char *path, size_t line, const char *s,
                                   size_t n, golden_sample *g, char *err)
{
    tc_status st = TC_OK;
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(s, n, &end, false);
    if (j == NULL)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: invalid JSON at column %zu", path, line,
                       end != NULL && end >= s ? (size_t)(end - s) + 1 : 1);
    while (end != NULL && end < s + n && (*end == ' ' || *end == '\t'))
        end++;
    if (end != s + n) {
        st = tc_fail(err, TC_EFORMAT, "%s:%zu: trailing characters after the JSON object", path,
                     line);
        goto out;
    }
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(j, "text");
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(j, "label");
    const char *key =
        tc_classifier_output(m->clf) == TC_OUTPUT_PROBABILITIES ? "probabilities" : "scores";
    const cJSON *vals = cJSON_GetObjectItemCaseSensitive(j, key);
    if (!cJSON_IsObject(j) || !cJSON_IsString(text) || !cJSON_IsString(label)) {
        st = tc_fail(err, TC_EFORMAT, "%s:%zu: expected {\"text\": string, \"label\": string, ...}",
                     path, line);
        goto out;
    }
    if (!cJSON_IsObject(vals)) {
        st = tc_fail(err, TC_EFORMAT, "%s:%zu: missing \"%s\" object (the model outputs %s)", path,
                     line, key, key);
        goto out;
    }
    g->line = line;
    g->label = m->n_classes;
    for (size_t k = 0; k < m->n_classes; k++)
        if (strcmp(m->classes[k], label->valuestring) == 0)
            g->label = k;
    if (g->label == m->n_classes) {
        st = tc_fail(err, TC_EFORMAT, "%s:%zu: label \"%s\" is not one of the model's classes", path,
                     line, label->valuestring);
        goto out;
    }
    if ((size_t)cJSON_GetArraySize(vals) != m->n_classes) {
        st = tc_fail(err, TC_EFORMAT, "%s:%zu: \"%s\" must have one value per class (%zu)", path,
                     line, key, m->n_classes);
        goto out;
    }
    g->values = calloc(m->n_classes, sizeof *g->values);
    g->len = strlen(text->valuestring);
    g->text = dup_str(text->valuestring, g->len);
    if (g->values == NULL || g->text == NULL) {
        st = tc_fail(err, TC_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < m->n_classes; k++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(vals, m->classes[k]);
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) {
            st = tc_fail(err, TC_EFORMAT, "%s:%zu: \"%s\" has no finite number for class \"%s\"",
                         path, line, key, m->classes[k]);
            goto out;
        }
        g->values[k] = v->valuedouble;
    }
out:
    cJSON_Delete(j);
    return st;
}

static tc_status load_golden(load_ctx *c, tc_model *m, char *err)
{
    listed_file *f = NULL;
    tc_status st = want_file(c, c->root, "", "golden", &f, err);
    if (st != TC_OK)
        return st;
    if ((st = join_path(c->dir, f->name, m->golden_path, err)) != TC_OK)
        return st;
    const char *path = m->golden_path;
    size_t lines = 0;
    for (size_t i = 0; i < f->len; i++)
        lines += f->data[i] == '\n';
    if (f->len > 0 && f->data[f->len - 1] != '\n')
        return tc_fail(err, TC_EFORMAT, "%s:%zu: truncated (last line has no newline)", path,
                       lines + 1);
    if (lines == 0)
        return tc_fail(err, TC_EFORMAT, "%s: no golden samples (a model must carry them)", path);
    if ((m->golden = calloc(lines, sizeof *m->golden)) == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    size_t pos = 0;
    for (size_t line = 1; pos < f->len; line++) {
        const char *s = f->data + pos;
        const char *nl = memchr(s, '\n', f->len - pos);
        size_t n = (size_t)(nl - s);
        if (n == 0)
            return tc_fail(err, TC_EFORMAT, "%s:%zu: empty line", path, line);
        if ((st = parse_golden_line(m, path, line, s, n, &m->golden[m->n_golden], err)) != TC_OK) {
            free(m->golden[m->n_golden].text);
            free(m->golden[m->n_golden].values);
            return st;
        }
        m->n_golden++;
        pos += n + 1;
    }
    return TC_OK;
}

/* ---- load ------------------------------------------------------------------------------- */

tc_status tc_model_load(const char *dir, const tc_model_load_options *opt, tc_model **out,
                        char *err)
{
    load_ctx c;
    memset(&c, 0, sizeof c);
    c.dir = dir;
    char *mdata = NULL;
    size_t mlen = 0;
    tc_workspace *ws = NULL;
    tc_model *m = calloc(1, sizeof *m);
    if (m == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    tc_status st = join_path(dir, MANIFEST, c.manifest_path, err);
    if (st == TC_OK)
        st = tc_read_file(c.manifest_path, MANIFEST_MAX_BYTES, &mdata, &mlen, err);
    if (st != TC_OK)
        goto done;
    const char *end = NULL;
    /* The length includes tc_read_file's NUL, so trailing garbage is refused. */
    c.root = cJSON_ParseWithLengthOpts(mdata, mlen + 1, &end, true);
    if (c.root == NULL) {
        size_t off = end != NULL && end >= mdata ? (size_t)(end - mdata) : 0;
        st = tc_fail(err, TC_EFORMAT, "%s:%zu: invalid JSON", c.manifest_path,
                     tc_line_of_offset(mdata, off > mlen ? mlen : off));
        goto done;
    }
    if (!cJSON_IsObject(c.root)) {
        st = tc_fail(err, TC_EFORMAT, "%s: must be a JSON object", c.manifest_path);
        goto done;
    }
    if ((st = load_header(&c, m, err)) != TC_OK || (st = load_files(&c, err)) != TC_OK ||
        (st = parse_vectorizer(&c, err)) != TC_OK || (st = parse_classifier(&c, m, err)) != TC_OK)
        goto done;
    /* Two threads: this one reads the files other than the classifier's and builds
     * the vectorizer from them; the second hashes those files meanwhile, then reads,
     * hashes and loads the classifier. Errors are reported in a fixed order: reading,
     * checksums, vocabulary, classifier. */
    for (size_t i = 0; i < c.n_files && st == TC_OK; i++)
        if (&c.files[i] != c.clf_file)
            st = read_listed(&c.files[i], err);
    if (st != TC_OK)
        goto done;
    classifier_job job;
    job.c = &c;
    job.m = m;
    job.hash_st = job.st = TC_OK;
    job.hash_err[0] = job.err[0] = '\0';
    pthread_t tid;
    bool threaded = pthread_create(&tid, NULL, build_classifier, &job) == 0;
    if (!threaded)
        build_classifier(&job);
    char vec_err[TC_ERR_LEN] = "";
    tc_status vec_st = build_vectorizer(&c, m, vec_err);
    if (threaded)
        pthread_join(tid, NULL);
    if (job.hash_st != TC_OK)
        st = tc_fail(err, job.hash_st, "%s", job.hash_err);
    else if (vec_st != TC_OK)
        st = tc_fail(err, vec_st, "%s", vec_err);
    else if (job.st != TC_OK)
        st = tc_fail(err, job.st, "%s", job.err);
    if (st != TC_OK || (st = load_golden(&c, m, err)) != TC_OK)
        goto done;
    if (opt == NULL || !opt->skip_golden) {
        ws = tc_workspace_new(m);
        if (ws == NULL) {
            st = tc_fail(err, TC_ENOMEM, "out of memory");
            goto done;
        }
        size_t checked = 0;
        if ((st = tc_model_verify_golden(m, ws, &checked, err)) != TC_OK)
            goto done;
    }
    if ((m->manifest = dup_str(mdata, mlen)) == NULL) {
        st = tc_fail(err, TC_ENOMEM, "out of memory");
        goto done;
    }
    m->manifest_len = mlen;
done:
    tc_workspace_free(&ws);
    for (size_t i = 0; i < c.n_files; i++)
        tc_file_free(c.files[i].data);
    free(c.files);
    cJSON_Delete(c.root);
    tc_file_free(mdata);
    if (st != TC_OK)
        tc_model_free(&m);
    else
        *out = m;
    return st;
}

void tc_model_free(tc_model **mp)
{
    if (mp == NULL || *mp == NULL)
        return;
    tc_model *m = *mp;
    free(m->name);
    for (size_t i = 0; i < m->n_classes; i++)
        free(m->classes[i]);
    free(m->classes);
    tc_vectorizer_free(&m->vec);
    tc_classifier_free(&m->clf);
    free(m->libsvm_labels);
    for (size_t i = 0; i < m->n_golden; i++) {
        free(m->golden[i].text);
        free(m->golden[i].values);
    }
    free(m->golden);
    free(m->manifest);
    free(m);
    *mp = NULL;
}

size_t tc_model_n_classes(const tc_model *m) { return m->n_classes; }
const char *tc_model_class_name(const tc_model *m, size_t i) { return m->classes[i]; }
tc_output_kind tc_model_output(const tc_model *m) { return tc_classifier_output(m->clf); }
const char *tc_model_name(const tc_model *m) { return m->name; }
size_t tc_model_n_features(const tc_model *m) { return tc_vectorizer_n_features(m->vec); }
size_t tc_model_n_golden(const tc_model *m) { return m->n_golden; }
const char *tc_model_classifier_desc(const tc_model *m) { return m->desc; }
const struct tc_vectorizer *tc_model_vectorizer(const tc_model *m) { return m->vec; }
const tc_classifier *tc_model_classifier(const tc_model *m) { return m->clf; }

const char *tc_model_manifest_json(const tc_model *m, size_t *len)
{
    if (len != NULL)
        *len = m->manifest_len;
    return m->manifest;
}

/* ---- prediction ------------------------------------------------------------------------- */

tc_workspace *tc_workspace_new(const tc_model *m)
{
    tc_workspace *ws = calloc(1, sizeof *ws);
    if (ws == NULL)
        return NULL;
    ws->vs = tc_vectorizer_scratch_new();
    ws->cs = tc_classifier_scratch_new(m->clf);
    ws->values = calloc(m->n_classes, sizeof *ws->values);
    if (ws->vs == NULL || ws->cs == NULL || ws->values == NULL)
        tc_workspace_free(&ws);
    return ws;
}

void tc_workspace_free(tc_workspace **ws)
{
    if (ws == NULL || *ws == NULL)
        return;
    tc_vectorizer_scratch_free(&(*ws)->vs);
    tc_classifier_scratch_free(&(*ws)->cs);
    free((*ws)->values);
    free(*ws);
    *ws = NULL;
}

tc_status tc_model_predict(const tc_model *m, tc_workspace *ws, const char *text, size_t len,
                           tc_prediction *out, char *err)
{
    tc_sparse x;
    tc_status st = tc_vectorizer_transform(m->vec, ws->vs, text, len, &x, err);
    if (st != TC_OK)
        return st;
    size_t label = 0;
    if ((st = tc_classifier_predict(m->clf, ws->cs, &x, ws->values, &label)) != TC_OK)
        return tc_fail(err, st, "classifier failed: %s", tc_status_name(st));
    out->label = label;
    out->values = ws->values;
    return TC_OK;
}

tc_status tc_model_verify_golden(const tc_model *m, tc_workspace *ws, size_t *checked,
                                 char *err)
{
    const bool proba = tc_classifier_output(m->clf) == TC_OUTPUT_PROBABILITIES;
    for (size_t i = 0; i < m->n_golden; i++) {
        const golden_sample *g = &m->golden[i];
        tc_prediction p;
        char perr[TC_ERR_LEN] = "";
        tc_status st = tc_model_predict(m, ws, g->text, g->len, &p, perr);
        if (st != TC_OK)
            return tc_fail(err, TC_EMISMATCH, "%s:%zu: cannot classify the sample text: %s",
                           m->golden_path, g->line, perr);
        if (p.label != g->label)
            return tc_fail(err, TC_EMISMATCH,
                           "%s:%zu: model does not reproduce: label \"%s\" expected, textclf "
                           "predicts \"%s\"",
                           m->golden_path, g->line, m->classes[g->label], m->classes[p.label]);
        for (size_t k = 0; k < m->n_classes; k++) {
            double want = g->values[k], got = p.values[k];
            double tol = proba ? GOLDEN_TOL : GOLDEN_TOL * fmax(1.0, fabs(want));
            if (!(fabs(got - want) <= tol))
                return tc_fail(err, TC_EMISMATCH,
                               "%s:%zu: model does not reproduce: %s[\"%s\"] expected %.17g, "
                               "textclf computes %.17g (|diff| %.3g > %.0e)",
                               m->golden_path, g->line, proba ? "probabilities" : "scores",
                               m->classes[k], want, got, fabs(got - want), tol);
        }
    }
    *checked = m->n_golden;
    return TC_OK;
}
