/*
 * tc_mjson.h - typed reads of manifest.json members (cJSON values), each refusal a
 * TC_EFORMAT with one message naming the manifest and the member, e.g.
 *   "<dir>/manifest.json: \"vectorizer.binary\" must be true or false"
 *   "<dir>/manifest.json: unsupported classifier.type \"tree\" (expected one of ...)"
 * `where` is the dotted prefix of the object being read ("" for the top level,
 * "vectorizer." for a section), `key` the member's name. Out-parameters are written only
 * on success. Used by the manifest and by each section's parsers.
 */
#ifndef TC_MJSON_H
#define TC_MJSON_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;  /* <cjson/cJSON.h> */

#include "tc_model_files.h"
#include "tc_status.h"

typedef struct tc_mjson {
    const char *path;              /* the manifest's path, for messages */
    const tc_listed_file *files;   /* "files", for members naming one */
    size_t n_files;
} tc_mjson;

/* A required member of obj; NULL (with *st and err set: missing "where.key") if absent. */
const struct cJSON *tc_mjson_member(const tc_mjson *r, const struct cJSON *obj, const char *where,
                             const char *key, tc_status *st, char *err);

/* A required string member; *out borrows from the cJSON tree. */
tc_status tc_mjson_string(const tc_mjson *r, const struct cJSON *obj, const char *where,
                          const char *key, const char **out, char *err);

/* A required string member that must equal expected ("unsupported where.key \"x\" (this
 * textclf supports \"expected\")"). */
tc_status tc_mjson_exact(const tc_mjson *r, const struct cJSON *obj, const char *where,
                         const char *key, const char *expected, char *err);

/* A required JSON boolean. */
tc_status tc_mjson_bool(const tc_mjson *r, const struct cJSON *obj, const char *where,
                        const char *key, bool *out, char *err);

/* A required member that must be one of choices[0..n): a string equal to a non-NULL
 * entry, or JSON null where an entry is NULL. *out receives the entry's index. */
tc_status tc_mjson_choice(const tc_mjson *r, const struct cJSON *obj, const char *where,
                          const char *key, const char *const *choices, size_t n, size_t *out,
                          char *err);

/* The "type" of a section with n kinds (n >= 1): as tc_mjson_exact when only one kind
 * exists, as tc_mjson_choice otherwise. */
tc_status tc_mjson_kind(const tc_mjson *r, const struct cJSON *obj, const char *where,
                        const char *const *kinds, size_t n, size_t *out, char *err);

/* A top-level section: root's required member `name`, which must be an object with a
 * "type" among kinds[0..n) (as tc_mjson_kind, where = "<name>."). *section receives the
 * object, *kind the type's index. */
tc_status tc_mjson_section(const tc_mjson *r, const struct cJSON *root, const char *name,
                           const char *const *kinds, size_t n, const struct cJSON **section,
                           size_t *kind, char *err);

/* A string member naming a file: a plain name (tc_mjson_plain_name) listed in
 * r->files; *out points into r->files. */
tc_status tc_mjson_file(const tc_mjson *r, const struct cJSON *obj, const char *where,
                        const char *key, const tc_listed_file **out, char *err);

/* The entry of r->files called name, or NULL. */
const tc_listed_file *tc_mjson_find_file(const tc_mjson *r, const char *name);

/* j is a JSON number that is an integer in [0, max]. */
bool tc_mjson_uint(const struct cJSON *j, double max, size_t *out);

/* s names a file inside the model directory: non-empty, no '/' or '\', not "." or "..". */
bool tc_mjson_plain_name(const char *s);

#endif
