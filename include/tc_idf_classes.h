/*
 * tc_idf_classes.h - the vocabulary index's term nodes: a term's node is its column
 * and the class of its idf value packed into one uint32,
 *     node = column << class_bits | class,
 * so that counting a document's terms by node also brings each term's idf (from the
 * small table of distinct values, idf_tab[class]) without a random read of idf[].
 * idf values repeat (one per document frequency), so there are few classes; when
 * there are too many to fit beside the column bits, class_bits is 0 and idf_tab is
 * idf itself (the node is the column).
 */
#ifndef TC_IDF_CLASSES_H
#define TC_IDF_CLASSES_H

#include <stddef.h>
#include <stdint.h>

#include "tc_status.h"

/* How to read a term node; immutable after tc_idf_classes_build. */
typedef struct tc_idf_classes {
    unsigned class_bits;
    uint32_t class_mask;     /* (1 << class_bits) - 1; all ones when class_bits is 0 */
    unsigned key_bits;       /* every node is < 2^key_bits (key_bits <= 31) */
    const double *idf_tab;   /* idf of a node: idf_tab[node & class_mask] */
    double *classes;         /* the distinct values (owned), NULL when idf_tab is idf */
    size_t n_classes;        /* 1 when class_bits is 0 */
} tc_idf_classes;

/* Classes of idf[0..n) (n < 2^31): cls[j] = the class of idf[j] (by its bits; 0 for
 * every j when class_bits is 0). idf must outlive *out (idf_tab may point to it).
 * TC_ENOMEM when out of memory (err names `name`). */
tc_status tc_idf_classes_build(const double *idf, size_t n, uint32_t *cls, tc_idf_classes *out,
                               const char *name, char *err);
/* Frees what tc_idf_classes_build allocated; the struct may be zeroed or built. */
void tc_idf_classes_release(tc_idf_classes *c);

/* The ranks of the classes by ascending idf value, ties by class: a malloc'd array of
 * c->n_classes entries (caller frees), NULL when out of memory. Lower rank: a more
 * frequent term. */
uint32_t *tc_idf_classes_rank(const tc_idf_classes *c);

#endif
