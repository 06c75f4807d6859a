/*
 * tc_keras_section.h - the manifest's "vectorizer" section of type
 * "keras_text_vectorization" (docs/model-format.md): a Keras TextVectorization layer with
 * split="whitespace" and output_mode "tf_idf", "count" or "multi_hot", as a
 * tc_vectorizer_config with the Keras tokenizer family (tc_keras_tokenizer.h), the OOV
 * column and float32 values. No file is read here.
 */
#ifndef TC_KERAS_SECTION_H
#define TC_KERAS_SECTION_H

struct cJSON;  /* <cjson/cJSON.h> */

#include "tc_mjson.h"
#include "tc_status.h"
#include "tc_vectorizer_section.h"

/* Reads the section object v into out (kind, n_features, config, vocabulary, keras).
 * Members: "vocabulary" (a listed file), "n_features" (> 0), "standardize" (null,
 * "lower_and_strip_punctuation", "lower", "strip_punctuation"), "split" ("whitespace"),
 * "ngram_range" ([min, max], 1 <= min <= max <= 8), "output_mode" ("tf_idf", "count",
 * "multi_hot"), "oov_token" (a non-empty string without spaces: the vocabulary's first
 * term, checked when the vocabulary loads), "dtype" ("float32"). Anything else refused
 * with TC_EFORMAT naming the manifest and the member. out->config.tokenizer_options and
 * oov_term point into *out and the cJSON tree: the caller fixes the first up when it
 * copies *out. */
tc_status tc_keras_vectorizer_parse(const tc_mjson *r, const struct cJSON *v,
                                    tc_vectorizer_section *out, char *err);

#endif
