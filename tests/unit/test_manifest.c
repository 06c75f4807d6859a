/* test_manifest.c - manifest.json as a whole (tc_manifest.h): the tiny model's manifest
 * read into its parts (name, classes, listed files with their paths, sizes and digests,
 * the sections, the golden file), then every refusal of the top-level members with the
 * exact message (file and, for JSON syntax, line); reading from a directory. The
 * sections' own members: test_vectorizer_section.c, test_classifier_section.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/strreplace.h"
#include "../lib/tiny_model.h"
#include "tc_manifest.h"
#include "tc_test.h"

#define DIR "m"
#define MANIFEST DIR "/manifest.json"
#define SHA_A "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define SHA_B "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"

static const char FILES[] = "{\"vocab.tsv\": {\"sha256\": \"" SHA_A "\", \"bytes\": 75}, "
                            "\"linear.tsv\": {\"bytes\": 9, \"sha256\": \"" SHA_B "\"}, "
                            "\"golden.jsonl\": {\"sha256\": \"" SHA_A "\", \"bytes\": 0}}";

/* Parses the manifest of sp with "files" = files. */
static tc_status parse(const tiny_spec *sp, const char *files, tc_manifest **out, char *err)
{
    tc_buf b = TC_BUF_INIT;
    err[0] = '\0';
    tc_status st = TC_ENOMEM;
    if (tiny_manifest(sp, files, &b) && tc_buf_append_char(&b, '\0'))
        st = tc_manifest_parse(DIR, MANIFEST, b.data, b.len - 1, out, err);
    tc_buf_free(&b);
    return st;
}

static void test_tiny_manifest(void)
{
    tc_buf g = TC_BUF_INIT;
    tiny_spec sp = tiny_linear_spec(&g);
    tc_manifest *m = NULL;
    char err[TC_ERR_LEN];
    TC_CHECK(parse(&sp, FILES, &m, err) == TC_OK, "parse: %s", err);
    if (m == NULL)
        return;
    TC_CHECK(strcmp(tc_manifest_path(m), MANIFEST) == 0, "path");
    TC_CHECK(strcmp(tc_manifest_name(m), "tiny") == 0, "name");
    TC_CHECK(tc_manifest_n_classes(m) == 2 && strcmp(tc_manifest_classes(m)[0], "negative") == 0 &&
                 strcmp(tc_manifest_classes(m)[1], "positive") == 0,
             "classes");
    size_t n = 0;
    const tc_listed_file *f = tc_manifest_files(m, &n);
    TC_CHECK(n == 3, "%zu files", n);
    if (n == 3) {
        TC_CHECK(strcmp(f[0].name, "vocab.tsv") == 0 && strcmp(f[0].path, DIR "/vocab.tsv") == 0 &&
                     f[0].bytes == 75 && strcmp(f[0].sha256_hex, SHA_A) == 0 &&
                     f[0].sha256[0] == 0x00 && f[0].sha256[1] == 0x11 && f[0].sha256[31] == 0xff,
                 "vocab.tsv entry");
        TC_CHECK(strcmp(f[1].name, "linear.tsv") == 0 && f[1].bytes == 9 &&
                     f[1].sha256[0] == 0xff && f[1].sha256[31] == 0x00,
                 "linear.tsv entry");
        TC_CHECK(tc_manifest_vectorizer(m)->vocabulary == &f[0] &&
                     tc_manifest_classifier(m)->file == &f[1] && tc_manifest_golden(m) == &f[2],
                 "sections point into the file list");
    }
    TC_CHECK(tc_manifest_vectorizer(m)->n_features == 5 &&
                 tc_manifest_classifier(m)->config.n_features == 5 &&
                 tc_manifest_classifier(m)->config.n_classes == 2,
             "the classifier gets the model's classes and the vectorizer's columns");
    tc_manifest_free(&m);
    TC_CHECK(m == NULL, "free clears");
    tc_manifest_free(NULL);
}

static void test_refusals(void)
{
    tc_buf g = TC_BUF_INIT;
    const tiny_spec base = tiny_linear_spec(&g);
    char *clf_golden = str_replace(TINY_CLF_LINEAR, "\"linear.tsv\"", "\"golden.jsonl\"");
    char *vocab_clf = str_replace(TINY_VEC, "\"vocab.tsv\"", "\"linear.tsv\"");
    static const char LONG_NAME[] = "{\"vocab.tsv\": {\"sha256\": \"" SHA_A "\", \"bytes\": 1}, "
                                    "\"x%05000d\": {\"sha256\": \"" SHA_A "\", \"bytes\": 1}}";
    char *long_files = malloc(sizeof LONG_NAME + 5000);
    if (long_files != NULL)
        snprintf(long_files, sizeof LONG_NAME + 5000, LONG_NAME, 7);
    struct {
        tiny_spec sp;
        const char *files;  /* NULL: FILES */
        const char *want;   /* the message, after MANIFEST */
    } cases[48];
    size_t n = 0;
#define CASE(ASSIGN_, FILES_, WANT_)                                                           \
    do {                                                                                       \
        cases[n].sp = base;                                                                    \
        tiny_spec *sp = &cases[n].sp;                                                          \
        ASSIGN_;                                                                               \
        cases[n].files = (FILES_);                                                             \
        cases[n++].want = (WANT_);                                                             \
    } while (0)
    /* JSON itself */
    CASE(sp->raw_manifest = "{\"format\": \"textclf-model\",\n\"format_version\": 1,\n  oops}",
         NULL, ":3: invalid JSON");
    CASE(sp->raw_manifest = "", NULL, ":1: invalid JSON");
    CASE(sp->raw_manifest = "{} trailing", NULL, ":1: invalid JSON");
    CASE(sp->raw_manifest = "[1, 2]", NULL, ": must be a JSON object");
    /* header */
    CASE(sp->format = "\"textclf-modell\"", NULL,
         ": unsupported format \"textclf-modell\" (this textclf supports \"textclf-model\")");
    CASE(sp->format = "\"sklearn-pickle\"", NULL, ": unsupported format \"sklearn-pickle\"");
    CASE(sp->format = "7", NULL, ": \"format\" must be a string");
    CASE(sp->version = "2", NULL,
         ": model format version 2 is newer than this textclf supports (1)");
    CASE(sp->version = "0", NULL, ": model format version 0 is not supported (1)");
    CASE(sp->version = "\"1\"", NULL, ": \"format_version\" must be a positive integer");
    CASE(sp->version = "1.5", NULL, ": \"format_version\" must be a positive integer");
    CASE(sp->version = "-1", NULL, ": \"format_version\" must be a positive integer");
    CASE(sp->raw_manifest = "{\"format\": \"textclf-model\", \"format_version\": 1}", NULL,
         ": missing \"name\"");
    CASE(sp->raw_manifest = "{\"format\": \"textclf-model\", \"format_version\": 1, \"name\": 3}",
         NULL, ": \"name\" must be a string");
    CASE(sp->raw_manifest = "{\"format\": \"textclf-model\"}", NULL, ": missing \"format_version\"");
    CASE(sp->raw_manifest = "{}", NULL, ": missing \"format\"");
    /* classes */
    CASE(sp->classes = "[\"only\"]", NULL,
         ": \"classes\" must be an array of 2 or more strings");
    CASE(sp->classes = "\"ab\"", NULL, ": \"classes\" must be an array of 2 or more strings");
    CASE(sp->classes = "[\"a\", \"a\"]", NULL, ": class \"a\" appears twice in \"classes\"");
    CASE(sp->classes = "[\"a\", \"\"]", NULL, ": classes[1] must be a non-empty UTF-8 string");
    CASE(sp->classes = "[\"a\", 1]", NULL, ": classes[1] must be a non-empty UTF-8 string");
    CASE(sp->classes = "[\"\\u00e9\", \"b\xff\"]", NULL,
         ": classes[1] must be a non-empty UTF-8 string");
    /* files */
    CASE((void)sp, "[]", ": \"files\" must be an object");
    CASE(sp->raw_manifest = "{\"format\": \"textclf-model\", \"format_version\": 1, \"name\": "
                            "\"x\", \"classes\": [\"a\", \"b\"]}",
         NULL, ": missing \"files\"");
    CASE((void)sp, "{\"../vocab.tsv\": {\"sha256\": \"" SHA_A "\", \"bytes\": 1}}",
         ": files: \"../vocab.tsv\" is not a plain file name inside the model directory");
    CASE((void)sp, "{\"a\\\\b\": {\"sha256\": \"" SHA_A "\", \"bytes\": 1}}",
         ": files: \"a\\b\" is not a plain file name");
    CASE((void)sp, "{\"..\": {\"sha256\": \"" SHA_A "\", \"bytes\": 1}}",
         ": files: \"..\" is not a plain file name");
    CASE((void)sp, "{\"manifest.json\": {\"sha256\": \"" SHA_A "\", \"bytes\": 1}}",
         ": files: \"manifest.json\" is not a plain file name");
    CASE((void)sp, "{\"v\": {\"sha256\": \"" SHA_A "\", \"bytes\": 1}, \"v\": {\"sha256\": \"" SHA_A
                   "\", \"bytes\": 1}}",
         ": files: \"v\" listed twice");
    CASE((void)sp, "{\"v\": {\"sha256\": \"00112233445566778899AABBCCDDEEFF00112233445566778899"
                   "aabbccddeeff\", \"bytes\": 1}}",
         ": files.\"v\".sha256 must be 64 lowercase hex digits");
    CASE((void)sp, "{\"v\": {\"sha256\": \"0011\", \"bytes\": 1}}",
         ": files.\"v\".sha256 must be 64 lowercase hex digits");
    CASE((void)sp, "{\"v\": {\"bytes\": 1}}", ": files.\"v\".sha256 must be 64 lowercase hex digits");
    CASE((void)sp, "{\"v\": \"" SHA_A "\"}", ": files.\"v\".sha256 must be 64 lowercase hex digits");
    CASE((void)sp, "{\"v\": {\"sha256\": \"" SHA_A "\", \"bytes\": -1}}",
         ": files.\"v\".bytes must be a non-negative integer");
    CASE((void)sp, "{\"v\": {\"sha256\": \"" SHA_A "\", \"bytes\": 1.5}}",
         ": files.\"v\".bytes must be a non-negative integer");
    CASE((void)sp, "{\"v\": {\"sha256\": \"" SHA_A "\"}}",
         ": files.\"v\".bytes must be a non-negative integer");
    /* golden, and the one role of the classifier's file */
    CASE(sp->golden_member = "", NULL, ": missing \"golden\"");
    CASE(sp->golden_member = "\"golden\": \"g.jsonl\",\n", NULL,
         ": \"golden\" names \"g.jsonl\", which is not listed in \"files\"");
    CASE(sp->golden_member = "\"golden\": \"linear.tsv\",\n", NULL,
         ": \"linear.tsv\" is named both by classifier.file and by golden");
    CASE(sp->clf = clf_golden, NULL,
         ": \"golden.jsonl\" is named both by classifier.file and by golden");
    CASE((sp->vec = vocab_clf), NULL,
         ": \"linear.tsv\" is named both by classifier.file and by vectorizer.vocabulary");
    /* sections are read after the files (their file members name listed files) */
    CASE(sp->vec = "\"type\": 1", NULL, ": \"vectorizer.type\" must be one of \"tfidf\", \"spark\"");
    CASE(sp->clf = "\"type\": 1", NULL, ": \"classifier.type\" must be one of");
    for (size_t i = 0; i < n; i++) {
        tc_manifest *m = NULL;
        char err[TC_ERR_LEN], want[TC_ERR_LEN];
        tc_status st = parse(&cases[i].sp, cases[i].files ? cases[i].files : FILES, &m, err);
        snprintf(want, sizeof want, MANIFEST "%s", cases[i].want);
        TC_CHECK(st == TC_EFORMAT && m == NULL && strncmp(err, want, strlen(want)) == 0,
                 "case %zu: %d \"%.200s\", expected \"%.200s\"", i, (int)st, err, want);
        tc_manifest_free(&m);
    }
    /* a listed name too long for a path */
    tc_manifest *m = NULL;
    char err[TC_ERR_LEN];
    tc_status st = long_files ? parse(&base, long_files, &m, err) : TC_ENOMEM;
    /* "m/x000...0007: path too long", cut at TC_ERR_LEN */
    TC_CHECK(st == TC_EIO && strncmp(err, DIR "/x0000", 7) == 0 && m == NULL, "long name: %d %.100s",
             (int)st, err);
    TC_CHECK(clf_golden != NULL && vocab_clf != NULL, "stale patterns");
    free(long_files);
    free(clf_golden);
    free(vocab_clf);
}

/* tc_manifest_load: from a directory; refusals name <dir>/manifest.json. */
static void test_load(void)
{
    tc_buf g = TC_BUF_INIT;
    tiny_golden_linear(&g);
    tiny_spec sp = tiny_linear_spec(&g);
    char dir[256];
    TC_CHECK(fx_mkdtemp(dir, sizeof dir) && tiny_build(dir, &sp), "build");
    tc_manifest *m = NULL;
    char err[TC_ERR_LEN], want[600];
    TC_CHECK(tc_manifest_load(dir, &m, err) == TC_OK, "load: %s", err);
    if (m != NULL) {
        snprintf(want, sizeof want, "%s/manifest.json", dir);
        TC_CHECK(strcmp(tc_manifest_path(m), want) == 0, "path %s", tc_manifest_path(m));
        snprintf(want, sizeof want, "%s/vocab.tsv", dir);
        TC_CHECK(strcmp(tc_manifest_vectorizer(m)->vocabulary->path, want) == 0,
                 "files resolved in dir");
        tc_manifest_free(&m);
    }
    fx_rmdir(dir);
    tc_status st = tc_manifest_load(dir, &m, err);
    snprintf(want, sizeof want, "%s/manifest.json: cannot open", dir);
    TC_CHECK(st == TC_EIO && m == NULL && strncmp(err, want, strlen(want)) == 0, "gone: %s", err);
    tc_buf_free(&g);
}

TC_TESTS(TC_TEST(test_tiny_manifest), TC_TEST(test_refusals), TC_TEST(test_load))
