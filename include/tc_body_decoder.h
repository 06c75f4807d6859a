/*
 * tc_body_decoder.h - a request body decoded while it arrives, for the HTTP server:
 * text, CSV and JSON Lines records are decoded as soon as they are complete, so memory
 * holds one unfinished record, not the body; a JSON body is one value and is decoded
 * whole at the end.
 *
 * The verdict is the one tc_codec_decode gives the whole body, however it was cut into
 * pieces: the same status and message (the first invalid UTF-8 byte anywhere outranks a
 * syntax error or the record limit before it, as the whole-body check runs first).
 * Records already passed on before a later error are the caller's to discard.
 */
#ifndef TC_BODY_DECODER_H
#define TC_BODY_DECODER_H

#include <stddef.h>

#include "tc_mediatype.h"
#include "tc_records.h"
#include "tc_status.h"

/* Opaque; reusable (begin starts a new body). new: NULL on allocation failure. */
typedef struct tc_body_decoder tc_body_decoder;

/* Called with each batch of complete records, in body order. first is the index of
 * r's first record in the body; r is valid only during the call. */
typedef void (*tc_records_fn)(void *ctx, const tc_records *r, size_t first);

tc_body_decoder *tc_body_decoder_new(void);
void tc_body_decoder_free(tc_body_decoder **d);
void tc_body_decoder_begin(tc_body_decoder *d, tc_format fmt, size_t max_records);
/* The next n bytes of the body. Decodes into scratch (a tc_records of the caller's,
 * reused) and hands complete records to fn. Failures are kept for _end. */
void tc_body_decoder_feed(tc_body_decoder *d, const char *p, size_t n, tc_records *scratch,
                          tc_records_fn fn, void *ctx);
/* The end of the body: decodes what is left, then returns TC_OK or the error (status
 * and message) tc_codec_decode gives the whole body; allocation failure -> TC_ENOMEM. */
tc_status tc_body_decoder_end(tc_body_decoder *d, tc_records *scratch, tc_records_fn fn,
                              void *ctx, char *err);

#endif
