/* bigalloc.c - large allocations on huge pages (see tc_bigalloc.h). */
/* madvise(MADV_HUGEPAGE) is a Linux extension */
#define _DEFAULT_SOURCE 1
#include "tc_bigalloc.h"

#include <stdlib.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

static void *alloc_huge_from(size_t bytes, size_t threshold)
{
    if (bytes < threshold)
        return aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (bytes > (size_t)-1 - HUGE_PAGE)
        return NULL;
    size_t size = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *p = aligned_alloc(HUGE_PAGE, size);
#ifdef MADV_HUGEPAGE
    if (p != NULL)
        (void)madvise(p, size, MADV_HUGEPAGE);  /* a hint: failure changes nothing */
#endif
    return p;
}

void *tc_alloc_big(size_t bytes)
{
    return alloc_huge_from(bytes, HUGE_PAGE);
}

void *tc_alloc_big_transient(size_t bytes)
{
    return alloc_huge_from(bytes, HUGE_PAGE / 2);
}
