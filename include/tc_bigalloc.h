/*
 * tc_bigalloc.h - memory for large buffers and tables: cache-line aligned, and large
 * ones on transparent huge pages where the kernel offers them. Every 4 KiB page costs
 * a page fault when first touched, which virtual machines make dear (reading the
 * 13 MB vocabulary of the bench's bigram model into malloc'd memory took 47-51 ms on
 * the 2-core VM, into huge pages 4-21 ms), and random probes into large tables miss
 * the TLB far less often on huge pages.
 */
#ifndef TC_BIGALLOC_H
#define TC_BIGALLOC_H

#include <stddef.h>

/* A table that lives as long as the model: `bytes` of uninitialised memory, on huge
 * pages from 2 MiB up; NULL on failure. Release with free(). */
void *tc_alloc_big(size_t bytes);

/* A buffer that lives only while a model loads (a file being parsed, per-term
 * arrays): on huge pages from 1 MiB up, in a mapping of its own that
 * tc_free_transient unmaps, so that no heap memory is left with huge-page advice
 * (malloc would reuse it for small blocks, each fault then taking 2 MiB: the daemon
 * kept 1.6-1.7 MiB more after a burst of requests when these buffers went back to the
 * heap). NULL on failure. */
void *tc_alloc_transient(size_t bytes);
/* Releases a tc_alloc_transient buffer; NULL is ignored. */
void tc_free_transient(void *p);

#endif
