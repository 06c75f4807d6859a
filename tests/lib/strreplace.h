/*
 * strreplace.h - the mutation helper of the tests that feed loaders malformed variants
 * of a good file (header-only: the unit-test build compiles one .c per test).
 *
 *   char *bad = str_replace(good, "rows\t1", "rows\t2");   -> malloc'd; free() it
 */
#ifndef TC_STRREPLACE_H
#define TC_STRREPLACE_H

#include <stdlib.h>
#include <string.h>

/* A copy of src with its first occurrence of `from` replaced by `to`; NULL if src does not
 * contain `from` (a test's pattern went stale) or memory runs out. */
static inline char *str_replace(const char *src, const char *from, const char *to)
{
    const char *at = strstr(src, from);
    if (at == NULL)
        return NULL;
    size_t pre = (size_t)(at - src), fl = strlen(from), tl = strlen(to);
    size_t rest = strlen(at + fl);
    char *s = malloc(pre + tl + rest + 1);
    if (s == NULL)
        return NULL;
    memcpy(s, src, pre);
    memcpy(s + pre, to, tl);
    memcpy(s + pre + tl, at + fl, rest + 1);
    return s;
}

#endif
