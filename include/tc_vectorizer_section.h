/*
 * tc_vectorizer_section.h - the "vectorizer" section of manifest.json
 * (docs/model-format.md) as a plain configuration for the model loader: which kind, its
 * parameters, and the listed files it is built from. No file is read here.
 *
 * "type" picks the kind from one table in vectorizer_section.c (TYPES, PARSERS), each
 * kind parsed by a function of its own. A new kind (a hashing vectorizer, Spark's or
 * Keras's tokenizer options, char analyzers, a union of vectorizers) is a new
 * tc_vectorizer_kind, an entry in that table with its parser, and its own fields below;
 * the model loader builds it with a case of its own (model.c, build_vectorizer).
 */
#ifndef TC_VECTORIZER_SECTION_H
#define TC_VECTORIZER_SECTION_H

#include <stddef.h>

struct cJSON;  /* <cjson/cJSON.h> */

#include "tc_keras_tokenizer.h"
#include "tc_char_ngrams.h"
#include "tc_mjson.h"
#include "tc_model_files.h"
#include "tc_spark_vectorizer.h"
#include "tc_status.h"
#include "tc_vec_union.h"
#include "tc_vectorizer.h"

/* In the order of vectorizer_section.c's TYPES. */
typedef enum tc_vectorizer_kind {
    TC_VECTORIZER_TFIDF, /* "tfidf": scikit-learn TfidfVectorizer, vocabulary file */
    TC_VECTORIZER_KERAS, /* "keras_text_vectorization": Keras TextVectorization,
                            vocabulary file (tc_keras_section.h) */
    TC_VECTORIZER_SPARK, /* "spark": Spark ML feature stages (tc_spark_section.h) */
    TC_VECTORIZER_UNION, /* "union": FeatureUnion of "tfidf" and "hashing" parts
                            (tc_vec_union.h) */
    TC_VECTORIZER_HASHING /* "hashing": scikit-learn HashingVectorizer (+ TfidfTransformer),
                             stop words and idf files (tc_hash_vectorizer.h) */
} tc_vectorizer_kind;

/* One "tfidf" or "hashing" part of a "union" (the same members as such a section). */
typedef struct tc_vectorizer_part {
    tc_vectorizer_config config;  /* tokenizer_options points into char_options below;
                                     config.hash_features > 0 for "hashing" */
    const tc_listed_file *vocabulary;  /* "tfidf" */
    const tc_listed_file *idf;         /* "hashing" with use_idf, else NULL */
    const tc_listed_file *stop_words;
    tc_char_ngram_options char_options;
    size_t n_features;
} tc_vectorizer_part;

typedef struct tc_vectorizer_section {
    tc_vectorizer_kind kind;
    size_t n_features;               /* "n_features" (> 0): columns the model must have */
    /* TC_VECTORIZER_TFIDF */
    tc_vectorizer_config config;
    const tc_listed_file *vocabulary;
    const tc_listed_file *stop_words;  /* NULL: none (TFIDF, HASHING and SPARK) */
    /* TC_VECTORIZER_HASHING: config (hash_features > 0), stop_words above, and the idf
     * file (NULL without use_idf); vocabulary is NULL */
    const tc_listed_file *idf;
    /* TC_VECTORIZER_KERAS: also config and vocabulary above; config.tokenizer_options
     * points here */
    tc_keras_tokenizer_options keras;
    /* TC_VECTORIZER_SPARK */
    tc_spark_vectorizer_config spark;
    const tc_listed_file *spark_vocabulary;  /* CountVectorizer only */
    const tc_listed_file *spark_idf;         /* NULL: no IDFModel */
    /* analyzer "char"/"char_wb": config.tokenizer_ops is tc_char_ngram_tokenizer and
     * config.tokenizer_options points here (so the section must stay where parse wrote
     * it while config is used); config's ngram range is [1, 1] */
    tc_char_ngram_options char_options;
    /* TC_VECTORIZER_UNION: "parts", 2..TC_UNION_MAX_PARTS "tfidf" sections whose
     * n_features add up to n_features; columns in part order */
    tc_vectorizer_part parts[TC_UNION_MAX_PARTS];
    size_t n_parts;
} tc_vectorizer_section;

/* Reads root's required "vectorizer" object into *out. Refuses (TC_EFORMAT, naming the
 * manifest and the member) a missing or non-object section, an unknown "type", any
 * member its kind requires that is missing, mistyped or out of range, and file members
 * that are not plain names listed in r->files. File pointers point into r->files. */
tc_status tc_vectorizer_section_parse(const tc_mjson *r, const struct cJSON *root,
                                      tc_vectorizer_section *out, char *err);

#endif
