/* json_request.c - application/json and JSON Lines request bodies (see tc_json_request.h).
 *
 * A JSON text is scanned (tc_json_scan: the strictness cJSON lacks, the depth limit),
 * then parsed by cJSON up to the first scan error, and the error reported is the one
 * that comes first in the text. cJSON reports positions with two quirks, both mended
 * here: an error at the end of its input is reported at the last byte (so an error on
 * the last byte is told from running out by parsing once more with a space appended),
 * and a non-string where an object key is due is reported one byte late. Its tree has
 * no positions: messages about a value find its byte by its rank in the text.
 * Its strings end at a NUL, so a text with \u0000 escapes is parsed a second time with
 * U+0000 written as "\u0001a" and U+0001 as "\u0001b" (raw control characters cannot be
 * in a string), and the records are mapped back.
 * Allocation failures inside cJSON look like syntax errors to the caller; malloc's
 * ENOMEM in errno tells them apart. cJSON 1.7 writes its global_error on every parse
 * from every thread (DaveGamble/cJSON#314, #713 open): only positions from
 * return_parse_end are read here, never cJSON_GetErrorPtr.
 * Cost against the hand-written parser it replaced (85e66af), `textclf serve` on the
 * bench's unigram model, user-space instructions per request (callgrind): the 100 IMDB
 * reviews as {"instances": [...]} 8.61M -> 8.89M (+3.2%), one sentence 50.0k -> 52.9k
 * (+5.7%); decoding the 100 reviews alone, best of 101: 123 -> 128 us.
 */
#include "tc_json_request.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tc_buf.h"
#include "tc_json_scan.h"

#define JSON_MAX_DEPTH 256

/* One JSON text being decoded: the whole body, or a line of JSON Lines. */
typedef struct jtext {
    tc_records *r;
    const char *s;
    size_t n;
    size_t base;   /* offset of s in the part */
    cJSON *root;
    bool mapped;   /* strings hold U+0000 as "\x01a" and U+0001 as "\x01b" */
    char *err;
} jtext;

static tc_status out_of_memory(const jtext *t)
{
    return tc_fail(t->err, TC_ENOMEM, "out of memory while decoding JSON");
}

static tc_status malformed(const jtext *t, size_t at, const char *what)
{
    size_t off = t->base + at;
    return tc_fail(t->err, TC_EINPUT, "malformed JSON at byte %zu (line %zu): %s",
                   tc_records_byte_at(t->r, off), tc_records_line_at(t->r, off), what);
}

static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* Where cJSON's parse of s[0..len) failed, told from running out: parsed again with a
 * space appended, an error on the last byte stays there; running out moves to len. */
static tc_status failure_at_end(const jtext *t, size_t len, size_t *at)
{
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return out_of_memory(t);
    memcpy(copy, t->s, len);
    copy[len] = ' ';
    const char *end = copy + len;
    errno = 0;
    cJSON *j = cJSON_ParseWithLengthOpts(copy, len + 1, &end, false);
    bool oom = j == NULL && errno == ENOMEM;
    cJSON_Delete(j);
    *at = (size_t)(end - copy);
    free(copy);
    return oom ? out_of_memory(t) : TC_OK;
}

typedef struct remap {
    tc_buf *out;
    const char *s;
    size_t done;   /* s[0..done) copied */
    bool ok;
} remap;

static void remap_escape(void *ctx, size_t at, unsigned cp)
{
    remap *m = ctx;
    m->ok = m->ok && tc_buf_append(m->out, m->s + m->done, at - m->done) &&
            tc_buf_append_str(m->out, cp == 0 ? "\\u0001a" : "\\u0001b");
    m->done = at + 6;
}

/* Parses t->s again with U+0000 and U+0001 written as "\x01a" and "\x01b". */
static tc_status parse_remapped(jtext *t)
{
    cJSON_Delete(t->root);
    t->root = NULL;
    tc_buf copy = TC_BUF_INIT;
    remap m = {&copy, t->s, 0, true};
    tc_json_scan_result sc;
    tc_json_scan(t->s, t->n, JSON_MAX_DEPTH, remap_escape, &m, &sc);
    if (m.ok && tc_buf_append(&copy, t->s + m.done, t->n - m.done))
        t->root = cJSON_ParseWithLength(copy.data, copy.len);
    tc_buf_free(&copy);
    t->mapped = true;
    return t->root != NULL ? TC_OK : out_of_memory(t);  /* it parsed once already */
}

/* What cJSON's failure at *q in s[0..len) was (*q >= len: it ran out). A non-string
 * where a key is due cJSON reports one byte late: *q is moved back to it. */
static const char *grammar_error(const char *s, size_t len, size_t *q)
{
    if (*q > 0 && *q - 1 < len) {
        char c = s[*q - 1];
        tc_json_due due = tc_json_due_at(s, len, *q - 1);
        if ((due == TC_JSON_DUE_KEY || (due == TC_JSON_DUE_KEY_OR_CLOSE && c != '}')) &&
            c != '"' && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            (*q)--;
            return "expected a string key";
        }
    }
    bool at_end = *q >= len;
    if (at_end)
        *q = len;
    switch (tc_json_due_at(s, len, *q)) {
    case TC_JSON_DUE_KEY:
    case TC_JSON_DUE_KEY_OR_CLOSE: return "expected a string key";
    case TC_JSON_DUE_COLON: return "expected ':'";
    case TC_JSON_DUE_COMMA_OR_BRACKET: return "expected ',' or ']'";
    case TC_JSON_DUE_COMMA_OR_BRACE: return "expected ',' or '}'";
    case TC_JSON_DUE_END: return "trailing data after the JSON value";
    case TC_JSON_DUE_VALUE:
    case TC_JSON_DUE_VALUE_OR_CLOSE: break;
    }
    return at_end ? "unexpected end of input" : "unexpected token";
}

/* Whether the scan's error comes before cJSON's failure at q (in s[0..len), which ends
 * at the scan's error): cJSON fails inside a token the scan found bad, or at its start
 * when the token could stand there but is itself bad (a bare "-"); a token that cannot
 * stand there at all is the grammar's error. */
static bool scan_error_first(const char *s, size_t len, const tc_json_scan_result *sc, size_t q)
{
    if (q != sc->token_start)
        return q > sc->token_start;
    switch (tc_json_due_at(s, len, q)) {
    case TC_JSON_DUE_VALUE:
    case TC_JSON_DUE_VALUE_OR_CLOSE: return true;
    case TC_JSON_DUE_KEY:
    case TC_JSON_DUE_KEY_OR_CLOSE: return q < len && s[q] == '"';
    default: return false;
    }
}

/* Parses the value at the start of t->s into t->root; *end is the offset after it. */
static tc_status parse(jtext *t, size_t *end)
{
    tc_json_scan_result sc;
    tc_json_scan(t->s, t->n, JSON_MAX_DEPTH, NULL, NULL, &sc);
    size_t len = sc.what != NULL && sc.error_at < t->n ? sc.error_at : t->n;
    const char *stop = t->s;
    errno = 0;
    t->root = cJSON_ParseWithLengthOpts(t->s, len, &stop, false);
    if (t->root == NULL) {
        if (errno == ENOMEM)
            return out_of_memory(t);
        size_t q = (size_t)(stop - t->s);
        if (len > 0 && q == len - 1) {
            tc_status st = failure_at_end(t, len, &q);
            if (st != TC_OK)
                return st;
        }
        const char *what = grammar_error(t->s, len, &q);
        return sc.what != NULL && scan_error_first(t->s, len, &sc, q)
                   ? malformed(t, sc.error_at, sc.what)
                   : malformed(t, q, what);
    }
    *end = (size_t)(stop - t->s);
    if (sc.what != NULL)  /* inside the value's last token, or trailing data after it */
        return *end > sc.token_start ? malformed(t, sc.error_at, sc.what) : TC_OK;
    return sc.nul_escapes > 0 ? parse_remapped(t) : TC_OK;
}

/* Rank of item (its key counted before it) among the items of the tree at node, in
 * text order; false if it is not there. */
static bool rank_of(const cJSON *node, const cJSON *item, size_t *rank)
{
    if (node->string != NULL)
        (*rank)++;
    if (node == item)
        return true;
    (*rank)++;
    for (const cJSON *c = node->child; c != NULL; c = c->next)
        if (rank_of(c, item, rank))
            return true;
    return false;
}

/* Offset of a value in t->s, for messages. */
static size_t where(const jtext *t, const cJSON *item)
{
    size_t rank = 0;
    rank_of(t->root, item, &rank);
    return tc_json_item_at(t->s, t->n, rank);
}

static tc_status add_string(const jtext *t, const cJSON *item)
{
    const char *v = item->valuestring;
    size_t len = strlen(v), k = 0;
    char *out = tc_records_space(t->r, len);
    if (out == NULL)
        return out_of_memory(t);
    if (!t->mapped) {
        memcpy(out, v, len);
        k = len;
    } else {
        for (size_t i = 0; i < len; i++, k++)
            out[k] = v[i] != '\x01' ? v[i] : v[++i] == 'a' ? '\0' : '\x01';
    }
    return tc_records_add_written(t->r, k, t->err);
}

static bool is_key(const cJSON *member, const char *key)
{
    return strcmp(member->string, key) == 0;
}

/* A member "text" must be a string: returns it (the last one), NULL if none. */
static tc_status text_member(const jtext *t, const cJSON *member, const cJSON **text)
{
    if (!is_key(member, "text"))
        return TC_OK;
    if (!cJSON_IsString(member))
        return malformed(t, where(t, member), "\"text\" must be a string");
    *text = member;
    return TC_OK;
}

/* One item: a string or {"text": "..."}. */
static tc_status instance(const jtext *t, const cJSON *it)
{
    size_t k = tc_records_part_first(t->r) + tc_records_count(t->r) + 1;
    if (cJSON_IsString(it))
        return add_string(t, it);
    if (!cJSON_IsObject(it))
        return tc_fail(t->err, TC_EINPUT,
                       "wrong JSON shape: instance %zu is not a string or {\"text\": ...} "
                       "(byte %zu)",
                       k, tc_records_byte_at(t->r, t->base + where(t, it)));
    const cJSON *text = NULL;
    for (const cJSON *c = it->child; c != NULL; c = c->next) {
        tc_status st = text_member(t, c, &text);
        if (st != TC_OK)
            return st;
    }
    if (text == NULL)
        return tc_fail(t->err, TC_EINPUT, "wrong JSON shape: instance %zu has no \"text\" member",
                       k);
    return add_string(t, text);
}

static tc_status instances(const jtext *t, const cJSON *list)
{
    if (!cJSON_IsArray(list))
        return tc_fail(t->err, TC_EINPUT,
                       "wrong JSON shape: \"instances\"/\"inputs\" must be an array (byte %zu)",
                       tc_records_byte_at(t->r, t->base + where(t, list)));
    for (const cJSON *c = list->child; c != NULL; c = c->next) {
        tc_status st = instance(t, c);
        if (st != TC_OK)
            return st;
    }
    return TC_OK;
}

static tc_status top_object(const jtext *t)
{
    const cJSON *text = NULL;
    int lists = 0;
    for (const cJSON *c = t->root->child; c != NULL; c = c->next) {
        tc_status st;
        if (is_key(c, "instances") || is_key(c, "inputs"))
            st = ++lists > 1 ? tc_fail(t->err, TC_EINPUT,
                                       "wrong JSON shape: give either \"instances\" or "
                                       "\"inputs\", once")
                             : instances(t, c);
        else
            st = text_member(t, c, &text);
        if (st != TC_OK)
            return st;
    }
    if (lists > 0)
        return TC_OK;
    if (text == NULL)
        return tc_fail(t->err, TC_EINPUT,
                       "wrong JSON shape: expected {\"instances\": [...]}, {\"inputs\": [...]} "
                       "or {\"text\": \"...\"}");
    return add_string(t, text);
}

/* Parses t->s: one value, then nothing but whitespace (JSON Lines: in a line). */
static tc_status parse_text(jtext *t, bool line)
{
    size_t end = 0;
    tc_status st = parse(t, &end);
    size_t i = st == TC_OK ? skip_ws(t->s, t->n, end) : t->n;
    if (i == t->n)
        return st;
    if (!line)
        return malformed(t, i, "trailing data after the JSON value");
    return tc_fail(t->err, TC_EINPUT,
                   "malformed JSON Lines: line %zu: trailing data after the value (byte %zu)",
                   tc_records_line_at(t->r, t->base), tc_records_byte_at(t->r, t->base + i));
}

static tc_status decode_whole(jtext *t)
{
    tc_status st = parse_text(t, false);
    if (st != TC_OK)
        return st;
    if (cJSON_IsObject(t->root))
        return top_object(t);
    if (cJSON_IsArray(t->root))
        return instances(t, t->root);
    if (cJSON_IsString(t->root))
        return instance(t, t->root);
    return tc_fail(t->err, TC_EINPUT, "wrong JSON shape: expected an object, an array or a string");
}

tc_status tc_json_request_decode(tc_records *r, const char *s, size_t n, char *err)
{
    if (skip_ws(s, n, 0) == n)
        return tc_fail(err, TC_EINPUT, "empty JSON body");
    jtext t = {r, s, n, 0, NULL, false, err};
    tc_status st = decode_whole(&t);
    cJSON_Delete(t.root);
    return st;
}

tc_status tc_json_request_decode_lines(tc_records *r, const char *s, size_t n, char *err)
{
    for (size_t pos = 0; pos < n;) {
        const char *nl = memchr(s + pos, '\n', n - pos);
        size_t end = nl ? (size_t)(nl - s) : n;
        if (skip_ws(s, end, pos) < end) {
            jtext t = {r, s + pos, end - pos, pos, NULL, false, err};
            tc_status st = parse_text(&t, true);
            if (st == TC_OK)
                st = instance(&t, t.root);
            cJSON_Delete(t.root);
            if (st != TC_OK)
                return st;
        }
        pos = nl ? end + 1 : n;
    }
    return TC_OK;
}
