/*
 * tc_spark_section.h - the "spark" kind of the manifest's "vectorizer" section
 * (docs/model-format.md, "Spark models"): Spark ML's tokenizer, StopWordsRemover, NGram,
 * HashingTF / CountVectorizerModel, IDFModel and Normalizer parameters, and the files
 * they come with. Registered in vectorizer_section.c's table.
 */
#ifndef TC_SPARK_SECTION_H
#define TC_SPARK_SECTION_H

struct cJSON;  /* <cjson/cJSON.h> */

#include "tc_mjson.h"
#include "tc_status.h"
#include "tc_vectorizer_section.h"

/* Reads the members after "type" into out->spark, out->n_features, out->stop_words,
 * out->spark_vocabulary and out->spark_idf. Refuses (TC_EFORMAT, naming the manifest
 * and the member) a missing, mistyped or unsupported member: a tokenizer other than
 * "Tokenizer" or "RegexTokenizer", an empty RegexTokenizer pattern (other patterns are
 * checked when the vectorizer compiles them: tc_spark_regex.h), ngram other than 1 or 2, tf other than "HashingTF" or "CountVectorizer", a
 * hash other than Spark's, norm_p other than null, 1 or 2, and files not listed. */
tc_status tc_spark_section_parse(const tc_mjson *r, const struct cJSON *v,
                                 tc_vectorizer_section *out, char *err);

#endif
