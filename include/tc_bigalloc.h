/*
 * tc_bigalloc.h - memory for large buffers and tables: cache-line aligned, and from
 * 2 MiB up on transparent huge pages where the kernel offers them. Every 4 KiB page
 * costs a page fault when first touched, which virtual machines make dear (reading
 * the 13 MB vocabulary of the bench's bigram model into malloc'd memory took 47-51 ms
 * on the 2-core VM, into huge pages 4-21 ms), and random probes into large tables
 * miss the TLB far less often on huge pages.
 */
#ifndef TC_BIGALLOC_H
#define TC_BIGALLOC_H

#include <stddef.h>

/* `bytes` of uninitialised memory, NULL on failure. Release with free(). */
void *tc_alloc_big(size_t bytes);
/* The same for a buffer that lives only while a model loads (a file being parsed):
 * on huge pages from 1 MiB up, as rounding up to whole huge pages costs no memory
 * that stays. */
void *tc_alloc_big_transient(size_t bytes);

#endif
