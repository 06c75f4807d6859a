/*
 * tc_tokenizer.h - scikit-learn's default analyzer front half, exactly:
 *   text (UTF-8 bytes) -> str.lower() (if lowercase) -> strip_accents (ascii|unicode)
 *   -> re.findall(r"(?u)\b\w\w+\b")
 * i.e. the tokens are the maximal runs of two or more \w code points of the
 * preprocessed string. Tokens are produced as UTF-8 byte spans into a buffer owned by
 * the tokenizer scratch, valid until the next call with the same scratch; every token
 * here has len > 0. tc_sklearn_tokenizer is this tokenizer as a family of tc_tokens.h,
 * which is how a vectorizer calls it.
 *
 * Thread safety: options are immutable; a scratch belongs to one thread at a time.
 */
#ifndef TC_TOKENIZER_H
#define TC_TOKENIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tc_status.h"
#include "tc_tokens.h"

typedef enum tc_strip_accents {
    TC_STRIP_NONE = 0,
    TC_STRIP_ASCII,    /* NFKD, then drop every non-ASCII code point */
    TC_STRIP_UNICODE   /* NFKD, then drop code points with combining class != 0 */
} tc_strip_accents;

typedef struct tc_tokenizer_options {
    bool lowercase;
    tc_strip_accents strip_accents;
    /* false: the widest code path this CPU runs (x86-64 with AVX-512 BW and VBMI2:
     * 64-byte ASCII blocks); true: the portable one (SSE2). Same tokens either way;
     * tests compare the two. */
    bool portable;
} tc_tokenizer_options;

typedef struct tc_tokenizer_scratch tc_tokenizer_scratch;

tc_tokenizer_scratch *tc_tokenizer_scratch_new(void);
void tc_tokenizer_scratch_free(tc_tokenizer_scratch **s);

/* Tokenizes text[0..len). Returns TC_EINPUT (with the byte offset in err) if the
 * text is not valid UTF-8, TC_ENOMEM on allocation failure. On success *out points
 * into the scratch. Inputs larger than 2^31 bytes are rejected with TC_ETOOBIG. */
tc_status tc_tokenize(const tc_tokenizer_options *opt, tc_tokenizer_scratch *scratch,
                      const char *text, size_t len, tc_token_list *out, char *err);

/* The whole preprocessed text of the last successful tc_tokenize with s (lowercased and
 * accent-stripped as the options said; every code point, not only the tokens'), as
 * scikit-learn's preprocessor returns it: *len bytes of UTF-8 owned by s, followed by at
 * least TC_TOKEN_PAD readable bytes, valid until s is used again. The char analyzers
 * (tc_char_ngrams.h) start from it. */
const char *tc_tokenizer_preprocessed(const tc_tokenizer_scratch *s, size_t *len);

/* The same as a tokenizer family: options are a tc_tokenizer_options, scratches are
 * tc_tokenizer_scratch, tokenize is tc_tokenize. */
extern const tc_tokenizer_ops tc_sklearn_tokenizer;

#endif
