/*
 * tc_json_scan.h - what a JSON text holds that cJSON (1.7) does not check or does not
 * tell: one pass over the bytes, no tree, no allocation. tc_json_request pairs it with
 * cJSON, which checks the grammar and builds the tree.
 *
 * cJSON accepts, and RFC 8259 (and this service) refuses: any byte up to 0x20 (NUL and
 * other control characters) as whitespace; a UTF-8 byte order mark before the value;
 * raw control characters inside strings; \u escapes that are not four hex digits (read
 * as U+0000); numbers with leading zeros (01, -00), a bare decimal point (1., 1.e5,
 * -.5). cJSON nests up to 1000 deep; the limit here is the caller's. cJSON's strings are
 * C strings, so a \u0000 escape would cut one short: the scan counts them. cJSON's tree
 * has no byte offsets: tc_json_item_at finds a value's or key's place for a message.
 *
 * Texts are valid UTF-8 (checked before); s need not be NUL-terminated.
 */
#ifndef TC_JSON_SCAN_H
#define TC_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>

typedef struct tc_json_scan_result {
    const char *what;    /* NULL: no error; else the first error (static English) */
    size_t error_at;     /* its offset (a string left open: the end of the text) */
    size_t token_start;  /* where the token holding it starts (its opening quote, its
                          * first digit or sign, or the byte itself) */
    size_t nul_escapes;  /* \u0000 escapes before error_at */
} tc_json_scan_result;

/* Called for each \u0000 and \u0001 escape, at the offset of its backslash. */
typedef void (*tc_json_escape_fn)(void *ctx, size_t at, unsigned code_point);

/* Scans s[0..n) to the first error, in text order:
 *   outside strings: a byte below 0x20 other than space, tab, CR, LF, or a byte of
 *     0x80 and above ("unexpected token"); a number that is not
 *     -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? ("bad number" where it breaks off,
 *     or "unexpected digit after a leading zero"); an opening bracket deeper than
 *     max_depth ("nesting too deep");
 *   inside strings: a byte below 0x20 ("control character in string"); an escape other
 *     than \" \\ \/ \b \f \n \r \t \uXXXX ("bad escape in string", "bad \u escape", at
 *     the backslash); a \u escape of a low surrogate, or of a high one without a low
 *     one after it ("lone low/high surrogate in \u escape"); the end of the text
 *     ("unterminated string").
 * Anything else (grammar, literals, brackets that do not match) is cJSON's to find.
 * fn may be NULL. */
void tc_json_scan(const char *s, size_t n, unsigned max_depth, tc_json_escape_fn fn, void *ctx,
                  tc_json_scan_result *out);

/* Offset in s[0..n) of item k, counting keys and values in text order from 0 (the
 * top-level value is item 0; a member is its key, then its value). For texts without
 * scan errors; n if there are not that many items. */
size_t tc_json_item_at(const char *s, size_t n, size_t k);

/* What the grammar expected at p, in a text without scan errors that is grammatical
 * before p (for messages: cJSON says where its parse failed, not why). */
typedef enum tc_json_due {
    TC_JSON_DUE_VALUE,
    TC_JSON_DUE_VALUE_OR_CLOSE,    /* after '[' */
    TC_JSON_DUE_KEY,               /* after ',' in an object */
    TC_JSON_DUE_KEY_OR_CLOSE,      /* after '{' */
    TC_JSON_DUE_COLON,
    TC_JSON_DUE_COMMA_OR_BRACKET,  /* after a value in an array */
    TC_JSON_DUE_COMMA_OR_BRACE,    /* after a value in an object */
    TC_JSON_DUE_END                /* after the top-level value */
} tc_json_due;

tc_json_due tc_json_due_at(const char *s, size_t n, size_t p);

#endif
