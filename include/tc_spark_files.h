/*
 * tc_spark_files.h - the two file kinds of Spark models (docs/model-format.md):
 *
 *   terms.txt / stopwords.txt     textclf-spark-terms <TAB> 1 <TAB> <n>
 *                                 then n lines, each one term's UTF-8 bytes (line i + 2
 *                                 is term i; a term may be empty, as Spark's tokens can
 *                                 be; no CR; unique)
 *   idf.txt                       textclf-spark-idf <TAB> 1 <TAB> <n>
 *                                 then n lines, each a finite double >= 0 (repr form)
 *
 * Parsed from memory; errors name the file and line. A parsed term list is also a
 * lookup table: term bytes -> line index.
 */
#ifndef TC_SPARK_FILES_H
#define TC_SPARK_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "tc_status.h"

typedef struct tc_spark_terms tc_spark_terms;

/* Parses a terms file. Refuses (TC_EFORMAT, "name:line: ...") a wrong header, a count
 * that does not match the lines, invalid UTF-8, CR, a duplicate term, more than 2^31
 * terms or bytes, and a missing final LF. */
tc_status tc_spark_terms_parse(const char *name, const char *data, size_t len,
                               tc_spark_terms **out, char *err);
void tc_spark_terms_free(tc_spark_terms **t);
size_t tc_spark_terms_count(const tc_spark_terms *t);
/* The index of term[0..len), or -1 when it is not in the list. Thread-safe. */
int64_t tc_spark_terms_find(const tc_spark_terms *t, const char *term, size_t len);

/* Parses an idf file of exactly expect_n values into a malloc'ed array (*out, the
 * caller frees). Refuses a wrong header or count, and values that are not finite
 * doubles >= 0. */
tc_status tc_spark_idf_parse(const char *name, const char *data, size_t len, size_t expect_n,
                             double **out, char *err);

/* The same file kind under another header word `magic`: scikit-learn hashing models'
 * idf.txt is "textclf-idf" (tc_hash_vectorizer.h). */
tc_status tc_idf_values_parse(const char *name, const char *magic, const char *data, size_t len,
                              size_t expect_n, double **out, char *err);

#endif
