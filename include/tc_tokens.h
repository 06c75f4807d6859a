/*
 * tc_tokens.h - the contract between tokenizers and vectorizers: a document's tokens
 * as byte spans of one text, and the interface every tokenizer family implements, so
 * that a vectorizer takes its tokens from whichever family the model names without
 * knowing how they were made.
 *
 * A family (scikit-learn's word analyzer, tc_tokenizer.h; later Spark's, Keras's, a
 * regex tokenizer...) is a module pair that defines its options struct and one
 * `const tc_tokenizer_ops`. The model loader picks the family and fills its options;
 * the vectorizer copies the options at load and calls `tokenize` once per document.
 */
#ifndef TC_TOKENS_H
#define TC_TOKENS_H

#include <stddef.h>
#include <stdint.h>

#include "tc_status.h"

typedef struct tc_token {
    uint32_t off;   /* byte offset into tc_token_list.text */
    uint32_t len;   /* byte length; 0 is a token too (Java's String.split keeps empty
                       strings, and Spark's tokenizers count them) */
} tc_token;

/* tc_token_list.text is followed by at least this many readable bytes (their values
 * unspecified), so a word-sized load at any token's start, or at the text's end for an
 * empty token there, stays inside the buffer. */
#define TC_TOKEN_PAD 8u

typedef struct tc_token_list {
    const char *text;      /* the text the tokens point into (UTF-8), owned by the scratch */
    const tc_token *tokens;
    size_t count;
} tc_token_list;

/* A tokenizer family. Every function is safe to call from many threads at once as long
 * as each thread brings its own scratch; the options are only read. */
typedef struct tc_tokenizer_ops {
    const char *name;       /* for messages, e.g. "scikit-learn" */
    size_t options_size;    /* sizeof the family's options struct; callers copy that many
                               bytes at load (so the options hold no pointers to memory
                               that the caller frees) */
    /* A scratch for one thread; NULL when out of memory. */
    void *(*scratch_new)(void);
    /* Frees a scratch from scratch_new; NULL is ignored. */
    void (*scratch_free)(void *scratch);
    /* Tokenizes text[0..len) with `options` (the family's struct). On success *out views
     * memory owned by the scratch, valid until its next use, and every token lies inside
     * out->text, followed by TC_TOKEN_PAD bytes. On failure *out is untouched and err
     * names the problem: TC_EINPUT (input the family refuses, e.g. invalid UTF-8, with
     * the byte offset), TC_ETOOBIG, TC_ENOMEM. */
    tc_status (*tokenize)(const void *options, void *scratch, const char *text, size_t len,
                          tc_token_list *out, char *err);
} tc_tokenizer_ops;

#endif
