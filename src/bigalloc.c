/* bigalloc.c - large allocations on huge pages (see tc_bigalloc.h). */
/* madvise(MADV_HUGEPAGE) and MAP_ANONYMOUS are Linux/BSD extensions */
#define _DEFAULT_SOURCE 1
#include "tc_bigalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)
#define LINE ((size_t)64)

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

static void advise_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    (void)madvise(p, bytes, MADV_HUGEPAGE);  /* a hint: failure changes nothing */
#else
    (void)p;
    (void)bytes;
#endif
}

void *tc_alloc_big(size_t bytes)
{
    if (bytes > SIZE_MAX - 2 * HUGE_PAGE)
        return NULL;
    if (bytes < HUGE_PAGE)
        return aligned_alloc(LINE, round_up(bytes, LINE));
    size_t size = round_up(bytes, HUGE_PAGE);
    void *p = aligned_alloc(HUGE_PAGE, size);
    if (p != NULL)
        advise_huge(p, size);
    return p;
}

/* A transient buffer's line before its data: where its memory came from. map NULL:
 * a malloc'd block starting at the header. */
typedef struct transient_header {
    void *map;
    size_t map_len;
} transient_header;

void *tc_alloc_transient(size_t bytes)
{
    if (bytes > SIZE_MAX - 2 * HUGE_PAGE)
        return NULL;
    if (bytes < HUGE_PAGE / 2) {
        unsigned char *b = aligned_alloc(LINE, LINE + round_up(bytes, LINE));
        if (b == NULL)
            return NULL;
        transient_header *h = (transient_header *)(void *)b;
        h->map = NULL;
        h->map_len = 0;
        return b + LINE;
    }
    /* Room for the header below a 2 MiB-aligned start. */
    size_t size = round_up(bytes, HUGE_PAGE), map_len = size + HUGE_PAGE;
    void *m = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    uintptr_t start = ((uintptr_t)m + LINE + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    unsigned char *data = (unsigned char *)m + (start - (uintptr_t)m);
    advise_huge(data, size);
    transient_header *h = (transient_header *)(void *)(data - LINE);
    h->map = m;
    h->map_len = map_len;
    return data;
}

void tc_free_transient(void *p)
{
    if (p == NULL)
        return;
    transient_header *h = (transient_header *)(void *)((unsigned char *)p - LINE);
    if (h->map != NULL)
        munmap(h->map, h->map_len);
    else
        free(h);
}
