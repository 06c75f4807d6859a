/* mjson.c - typed reads of manifest.json members (see tc_mjson.h). */
#include "tc_mjson.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

bool tc_mjson_plain_name(const char *s)
{
    return s[0] != '\0' && strchr(s, '/') == NULL && strchr(s, '\\') == NULL &&
           strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

bool tc_mjson_uint(const cJSON *j, double max, size_t *out)
{
    if (!cJSON_IsNumber(j))
        return false;
    double d = j->valuedouble;
    if (!(d >= 0.0 && d <= max && floor(d) == d))
        return false;
    *out = (size_t)d;
    return true;
}

const cJSON *tc_mjson_member(const tc_mjson *r, const cJSON *obj, const char *where,
                             const char *key, tc_status *st, char *err)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (j == NULL)
        *st = tc_fail(err, TC_EFORMAT, "%s: missing \"%s%s\"", r->path, where, key);
    return j;
}

tc_status tc_mjson_string(const tc_mjson *r, const cJSON *obj, const char *where,
                          const char *key, const char **out, char *err)
{
    tc_status st = TC_OK;
    const cJSON *j = tc_mjson_member(r, obj, where, key, &st, err);
    if (j == NULL)
        return st;
    if (!cJSON_IsString(j) || j->valuestring == NULL)
        return tc_fail(err, TC_EFORMAT, "%s: \"%s%s\" must be a string", r->path, where, key);
    *out = j->valuestring;
    return TC_OK;
}

tc_status tc_mjson_exact(const tc_mjson *r, const cJSON *obj, const char *where,
                         const char *key, const char *expected, char *err)
{
    const char *s = NULL;
    tc_status st = tc_mjson_string(r, obj, where, key, &s, err);
    if (st != TC_OK)
        return st;
    if (strcmp(s, expected) != 0)
        return tc_fail(err, TC_EFORMAT, "%s: unsupported %s%s \"%s\" (this textclf supports \"%s\")",
                       r->path, where, key, s, expected);
    return TC_OK;
}

tc_status tc_mjson_bool(const tc_mjson *r, const cJSON *obj, const char *where,
                        const char *key, bool *out, char *err)
{
    tc_status st = TC_OK;
    const cJSON *j = tc_mjson_member(r, obj, where, key, &st, err);
    if (j == NULL)
        return st;
    if (!cJSON_IsBool(j))
        return tc_fail(err, TC_EFORMAT, "%s: \"%s%s\" must be true or false", r->path, where,
                       key);
    *out = cJSON_IsTrue(j);
    return TC_OK;
}

tc_status tc_mjson_choice(const tc_mjson *r, const cJSON *obj, const char *where,
                          const char *key, const char *const *choices, size_t n, size_t *out,
                          char *err)
{
    tc_status st = TC_OK;
    const cJSON *j = tc_mjson_member(r, obj, where, key, &st, err);
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
                       r->path, where, key, j->valuestring, list);
    return tc_fail(err, TC_EFORMAT, "%s: \"%s%s\" must be one of %s", r->path, where, key, list);
}

tc_status tc_mjson_kind(const tc_mjson *r, const cJSON *obj, const char *where,
                        const char *const *kinds, size_t n, size_t *out, char *err)
{
    if (n > 1)
        return tc_mjson_choice(r, obj, where, "type", kinds, n, out, err);
    tc_status st = tc_mjson_exact(r, obj, where, "type", kinds[0], err);
    if (st == TC_OK)
        *out = 0;
    return st;
}

tc_status tc_mjson_section(const tc_mjson *r, const cJSON *root, const char *name,
                           const char *const *kinds, size_t n, const cJSON **section,
                           size_t *kind, char *err)
{
    tc_status st = TC_OK;
    const cJSON *obj = tc_mjson_member(r, root, "", name, &st, err);
    if (obj == NULL)
        return st;
    if (!cJSON_IsObject(obj))
        return tc_fail(err, TC_EFORMAT, "%s: \"%s\" must be an object", r->path, name);
    char where[64];
    snprintf(where, sizeof where, "%s.", name);
    if ((st = tc_mjson_kind(r, obj, where, kinds, n, kind, err)) != TC_OK)
        return st;
    *section = obj;
    return TC_OK;
}

const tc_listed_file *tc_mjson_find_file(const tc_mjson *r, const char *name)
{
    for (size_t i = 0; i < r->n_files; i++)
        if (strcmp(r->files[i].name, name) == 0)
            return &r->files[i];
    return NULL;
}

tc_status tc_mjson_file(const tc_mjson *r, const cJSON *obj, const char *where,
                        const char *key, const tc_listed_file **out, char *err)
{
    const char *name = NULL;
    tc_status st = tc_mjson_string(r, obj, where, key, &name, err);
    if (st != TC_OK)
        return st;
    if (!tc_mjson_plain_name(name))
        return tc_fail(err, TC_EFORMAT,
                       "%s: \"%s%s\": \"%s\" is not a plain file name inside the model directory",
                       r->path, where, key, name);
    const tc_listed_file *f = tc_mjson_find_file(r, name);
    if (f == NULL)
        return tc_fail(err, TC_EFORMAT, "%s: \"%s%s\" names \"%s\", which is not listed in \"files\"",
                       r->path, where, key, name);
    *out = f;
    return TC_OK;
}
