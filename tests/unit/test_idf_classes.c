/* test_idf_classes.c - term nodes from idf values: repeated values share a class and
 * every column's node gives back its idf exactly (also for values equal but for their
 * last bit, which are distinct classes); a single value, an empty
 * vocabulary and more distinct values than bits leave class_bits 0 with idf_tab = idf;
 * classes ranked by ascending idf. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_idf_classes.h"
#include "tc_test.h"

/* Builds classes of idf[0..n) and checks the nodes decode to idf; returns class_bits. */
static unsigned check_nodes(const double *idf, size_t n, tc_idf_classes *c)
{
    uint32_t *cls = malloc((n ? n : 1) * sizeof *cls);
    char err[TC_ERR_LEN] = "";
    if (cls == NULL || tc_idf_classes_build(idf, n, cls, c, "v", err) != TC_OK) {
        TC_CHECK(false, "build: %s", err);
        free(cls);
        memset(c, 0, sizeof *c);
        return 0;
    }
    size_t bad = 0;
    for (size_t j = 0; j < n; j++) {
        uint32_t node = (uint32_t)j << c->class_bits | cls[j];
        bad += node >> c->class_bits != j || memcmp(&c->idf_tab[node & c->class_mask], &idf[j], 8);
        bad += c->key_bits < 32 && node >> c->key_bits != 0;
    }
    TC_CHECK(bad == 0, "%zu nodes do not decode (n %zu)", bad, n);
    free(cls);
    return c->class_bits;
}

static void test_classes(void)
{
    double next = 2.0;
    uint64_t bits;
    memcpy(&bits, &next, 8);
    bits++;
    memcpy(&next, &bits, 8);
    const double idf[] = {2.0, 1.5, 2.0, 3.25, 1.5, next, 2.0, 9.0};
    tc_idf_classes c;
    TC_CHECK(check_nodes(idf, 8, &c) == 3 && c.n_classes == 5 && c.idf_tab == c.classes,
             "5 classes in 3 bits (%zu)", c.n_classes);
    uint32_t *rank = tc_idf_classes_rank(&c);
    /* classes by first occurrence: 2.0 -> 0, 1.5 -> 1, 3.25 -> 2, next -> 3, 9.0 -> 4 */
    static const uint32_t want[] = {1, 0, 3, 2, 4};
    TC_CHECK(rank != NULL && memcmp(rank, want, sizeof want) == 0, "ranks by ascending idf");
    free(rank);
    tc_idf_classes_release(&c);
    TC_CHECK(c.classes == NULL, "release");

    const double one[] = {4.0, 4.0, 4.0};
    TC_CHECK(check_nodes(one, 3, &c) == 0 && c.idf_tab == one && c.n_classes == 1,
             "one value: no classes");
    rank = tc_idf_classes_rank(&c);
    TC_CHECK(rank != NULL && rank[0] == 0, "one rank");
    free(rank);
    tc_idf_classes_release(&c);
    TC_CHECK(check_nodes(one, 0, &c) == 0 && c.key_bits == 0, "empty vocabulary");
    tc_idf_classes_release(&c);

    /* 70,000 columns (17 bits) with 40,000 distinct values (16 bits): 33 > 31 bits */
    enum { N = 70000 };
    double *many = malloc(N * sizeof *many);
    for (size_t j = 0; many != NULL && j < N; j++)
        many[j] = 1.0 + (double)(j % 40000) / 64.0;
    TC_CHECK(many != NULL && check_nodes(many, N, &c) == 0 && c.idf_tab == many &&
                 c.key_bits == 17,
             "too many values: class = column");
    tc_idf_classes_release(&c);
    /* 70,000 columns with 1,000 values: 17 + 10 bits fit */
    for (size_t j = 0; many != NULL && j < N; j++)
        many[j] = 1.0 + (double)(j * 7 % 1000) / 8.0;
    TC_CHECK(many != NULL && check_nodes(many, N, &c) == 10 && c.key_bits == 27 &&
                 c.n_classes == 1000,
             "1,000 values in 10 bits");
    tc_idf_classes_release(&c);
    free(many);
}

TC_TESTS(TC_TEST(test_classes))
