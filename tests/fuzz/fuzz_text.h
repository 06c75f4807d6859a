/*
 * fuzz_text.h - the fuzz targets' input as the NUL-terminated text the model's parsers
 * take (header-only: each target is one .c).
 */
#ifndef TC_FUZZ_TEXT_H
#define TC_FUZZ_TEXT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* data[skip..size) copied, with a '\0' after it (malloc'd: free() it); NULL if size <
 * skip or memory runs out. *len receives size - skip. */
static inline char *fuzz_text(const uint8_t *data, size_t size, size_t skip, size_t *len)
{
    if (size < skip)
        return NULL;
    char *text = malloc(size - skip + 1);
    if (text == NULL)
        return NULL;
    memcpy(text, data + skip, size - skip);
    text[size - skip] = '\0';
    *len = size - skip;
    return text;
}

#endif
