/*
 * tokenizer.c - scikit-learn 1.2's word analyzer front half (see tc_tokenizer.h).
 *
 * One pass over validated UTF-8. ASCII bytes take a table-driven fast path: ASCII is
 * closed under str.lower() and NFKD is the identity on it, so a byte maps to one byte
 * and its \w class is a table lookup. Other code points are decoded and go through
 * full lowercase (with Python's Final_Sigma rule, evaluated on the original text),
 * then per-code-point NFKD and the strip filter. Per-code-point NFKD equals NFKD of
 * the whole string up to canonical reordering, which only permutes code points with
 * combining class != 0 - non-ASCII marks that both strip modes drop - so the
 * surviving sequence is the same. Tokens are the maximal runs of >= 2 \w code points
 * of the output, exactly re.findall(r"(?u)\b\w\w+\b").
 *
 * Runs of ASCII go 64 bytes at a time with AVX-512 where the CPU has it, else 32 or 16
 * with SSE2: a lowercased copy and a \w mask per block, and tokens from the mask's
 * edges. The body is compiled once per instruction set and picked per call.
 */
#include "tc_tokenizer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(TC_NO_AVX512)
#include <immintrin.h>
#define TC_TOK_AVX512 1
#endif

#include "tc_unicode.h"
#include "tc_utf8.h"

/* Most output bytes one non-ASCII input code point can produce: up to 3 lowercase
 * code points, each with an NFKD of up to 18 code points of up to 4 bytes. */
#define TC_TOK_SLACK 256u
/* The output keeps >= (len - i) + SLACK bytes free past o at all times (ASCII bytes
 * map to one byte, other code points regrow it), so >= SLACK after the text. */
_Static_assert(TC_TOK_SLACK >= TC_TOKEN_PAD, "the slack provides TC_TOKEN_PAD");
#define TC_TOK_MAX_INPUT ((size_t)1 << 31)

struct tc_tokenizer_scratch {
    char *text;
    size_t text_cap;
    size_t text_len;  /* bytes of the last call's preprocessed text */
    tc_token *tok;
    size_t tok_cap;
};

/* ASCII \w: [0-9A-Za-z_]; bytes >= 0x80 are 0 so that one lookup also stops a
 * run at the first non-ASCII byte. */
static const unsigned char ascii_word[256] = {
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 1,1,1,1,1,1,1,1,1,1,0,0,0,0,0,0,
    0,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,0,0,0,0,1,
    0,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,0,0,0,0,0,
};

tc_tokenizer_scratch *tc_tokenizer_scratch_new(void)
{
    return calloc(1, sizeof(tc_tokenizer_scratch));
}

void tc_tokenizer_scratch_free(tc_tokenizer_scratch **s)
{
    if (s == NULL || *s == NULL)
        return;
    free((*s)->text);
    free((*s)->tok);
    free(*s);
    *s = NULL;
}

/* Output and token state of one tc_tokenize call. */
typedef struct tok_state {
    tc_tokenizer_scratch *s;
    unsigned char *out;
    size_t o;          /* bytes written to out */
    size_t run_start;  /* byte offset of the current \w run */
    size_t run_n;      /* code points in the current \w run, 0 if none */
    size_t nt;         /* tokens stored */
} tok_state;

static bool grow_text(tok_state *st, size_t need)
{
    tc_tokenizer_scratch *s = st->s;
    if (need <= s->text_cap)
        return true;
    size_t cap = s->text_cap ? s->text_cap : 4096;
    while (cap < need)
        cap = cap / 2 * 3;
    char *p = realloc(s->text, cap);
    if (p == NULL)
        return false;
    s->text = p;
    s->text_cap = cap;
    st->out = (unsigned char *)p;
    return true;
}

static bool grow_tokens(tc_tokenizer_scratch *s)
{
    size_t cap = s->tok_cap ? s->tok_cap * 2 : 256;
    tc_token *p = realloc(s->tok, cap * sizeof *p);
    if (p == NULL)
        return false;
    s->tok = p;
    s->tok_cap = cap;
    return true;
}

/* Ends the current \w run at byte `end`, storing it as a token if it has >= 2
 * code points. */
static bool end_run(tok_state *st, size_t end)
{
    size_t n = st->run_n;
    st->run_n = 0;
    if (n < 2)
        return true;
    tc_tokenizer_scratch *s = st->s;
    if (st->nt == s->tok_cap && !grow_tokens(s))
        return false;
    /* offsets fit: the output is kept below UINT32_MAX bytes */
    s->tok[st->nt].off = (uint32_t)st->run_start;
    s->tok[st->nt].len = (uint32_t)(end - st->run_start);
    st->nt++;
    return true;
}

/* Appends one output code point (capacity already ensured). */
static bool emit(tok_state *st, uint32_t cp)
{
    bool word;
    size_t at = st->o;
    if (cp < 0x80) {
        st->out[at] = (unsigned char)cp;
        st->o = at + 1;
        word = ascii_word[cp] != 0;
    } else {
        st->o = at + tc_utf8_encode(cp, (char *)st->out + at);
        word = tc_uni_is_word(cp);
    }
    if (word) {
        if (st->run_n++ == 0)
            st->run_start = at;
        return true;
    }
    return st->run_n == 0 || end_run(st, at);
}

/* Python's Final_Sigma test for the U+03A3 at in[i..i+2): preceded by a cased code
 * point (skipping case-ignorables) and not followed by one (likewise). Each scan
 * stops at the first non-ignorable code point, so the scans stay linear overall. */
static bool final_sigma(const unsigned char *in, size_t len, size_t i)
{
    size_t j = i;
    bool found = false;
    uint32_t c = 0;
    while (j > 0) {
        do
            j--;
        while (j > 0 && (in[j] & 0xC0u) == 0x80u);
        size_t p = j;
        c = tc_utf8_next((const char *)in, len, &p);
        if (!tc_uni_is_case_ignorable(c)) {
            found = true;
            break;
        }
    }
    if (!found || !tc_uni_is_cased(c))
        return false;
    j = i + 2;
    while (j < len) {
        c = tc_utf8_next((const char *)in, len, &j);
        if (!tc_uni_is_case_ignorable(c))
            return !tc_uni_is_cased(c);
    }
    return true;
}

/* Lowercases (optionally), decomposes and filters one non-ASCII input code point. */
static bool process_cp(const tc_tokenizer_options *opt, tok_state *st,
                       const unsigned char *in, size_t len, size_t at, uint32_t cp)
{
    uint32_t lc[3];
    size_t nl = 1;
    lc[0] = cp;
    if (opt->lowercase) {
        if (cp == 0x3A3u)
            lc[0] = final_sigma(in, len, at) ? 0x3C2u : 0x3C3u;
        else
            nl = tc_uni_lower(cp, lc);
    }
    for (size_t k = 0; k < nl; k++) {
        if (opt->strip_accents == TC_STRIP_NONE) {
            if (!emit(st, lc[k]))
                return false;
            continue;
        }
        uint32_t self[3];
        size_t nd;
        const uint32_t *d = tc_uni_nfkd(lc[k], self, &nd);
        for (size_t m = 0; m < nd; m++) {
            uint32_t x = d[m];
            if (opt->strip_accents == TC_STRIP_ASCII ? x >= 0x80 : tc_uni_is_combining(x))
                continue;
            if (!emit(st, x))
                return false;
        }
    }
    return true;
}

#ifdef __SSE2__
/* Tokens a block can end: one per run, a run taking >= 2 bytes (itself and the
 * byte after it) except the one open at the block's start. */
#define BLOCK_TOKENS 17u

/* Stores the 16 ASCII bytes x at dst, A-Z or'ed with lc_bit; returns their \w mask
 * (bit k: byte k). */
static inline unsigned ascii_block(__m128i x, __m128i lc_bit, unsigned char *dst)
{
    __m128i up = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('A' - 1)),
                               _mm_cmplt_epi8(x, _mm_set1_epi8('Z' + 1)));
    __m128i l = _mm_or_si128(x, _mm_set1_epi8(0x20));
    __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(l, _mm_set1_epi8('a' - 1)),
                                  _mm_cmplt_epi8(l, _mm_set1_epi8('z' + 1)));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
                                  _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)));
    __m128i under = _mm_cmpeq_epi8(x, _mm_set1_epi8('_'));
    __m128i word = _mm_or_si128(_mm_or_si128(alpha, digit), under);
    _mm_storeu_si128((__m128i *)(void *)dst, _mm_or_si128(x, _mm_and_si128(up, lc_bit)));
    return (unsigned)_mm_movemask_epi8(word);
}

/* The runs of a block of `width` (<= 32) ASCII bytes, output at o, with \w mask wm;
 * *run_start, *run_n: the run open before the block (run_n code points from byte
 * run_start; run_n 0: none), updated to the run open after it. Appends a token at
 * tok[nt] for each run ending in the block, kept (nt advanced) if it has >= 2 code
 * points; returns the new nt. Runs are found from the mask's edges, with the open run
 * as a start at bit 0 (block bytes are bits 1..width), so that the only branch on
 * the data is the loop over the runs: whether a token is kept, a run is open or a
 * run crosses the block's edges is as unpredictable as the text. */
static inline size_t block_tokens(tc_token *tok, size_t nt, uint64_t wm, unsigned width,
                                  size_t o, size_t *run_start, size_t *run_n)
{
    const size_t rs = *run_start, rn = *run_n;
    const uint64_t w = wm << 1 | (rn != 0);
    const uint64_t starts_all = w & ~(w << 1);
    uint64_t starts = starts_all, ends = ~w & w << 1 & (((uint64_t)2 << width) - 1);
    while (ends != 0) {
        unsigned b = (unsigned)__builtin_ctzll(starts), e = (unsigned)__builtin_ctzll(ends);
        starts &= starts - 1;
        ends &= ends - 1;
        size_t off = b != 0 ? o + b - 1 : rs;
        size_t cps = b != 0 ? (size_t)(e - b) : rn + e - 1;
        tok[nt].off = (uint32_t)off;
        tok[nt].len = (uint32_t)(o + e - 1 - off);
        nt += cps >= 2;
    }
    unsigned b = (unsigned)__builtin_ctzll(starts | (uint64_t)1 << 63);
    size_t open_start = b != 0 ? o + b - 1 : rs;
    size_t open_n = b != 0 ? width - b + 1 : rn + width;
    *run_start = starts != 0 ? open_start : rs;
    *run_n = starts != 0 ? open_n : 0;
    return nt;
}
#endif

#ifdef TC_TOK_AVX512
#define TC_AVX512_TARGET \
    __attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt,lzcnt,bmi")))
/* Tokens a 64-byte block can end: one per run, a run taking >= 2 bytes (itself and
 * the byte after it), and the run open before the block. */
#define BLOCK64_TOKENS 33u

_Static_assert(sizeof(tc_token) == 8 && offsetof(tc_token, len) == 4,
               "a token is one little-endian 64-bit lane: off | len << 32");

/* block_tokens for 64 ASCII bytes with AVX-512 (BW for the byte masks, VBMI2 to
 * compress run edges into positions): if src[0..64) is all ASCII, stores its lowercased
 * copy (lc_bit 0x20, or 0) at dst, appends its tokens at tok[*nt] (room for
 * BLOCK64_TOKENS), updates the open run as block_tokens does, and returns true; else
 * returns false and changes nothing. Tokens are written eight at a time from the
 * starts' and ends' positions, kept (compressed) when 2 bytes or longer. */
TC_AVX512_TARGET static bool block64(const unsigned char *src, unsigned char *dst,
                                     unsigned lc_bit, tc_token *tok, size_t *nt, size_t o,
                                     size_t *run_start, size_t *run_n)
{
    const __m512i x = _mm512_loadu_si512((const void *)src);
    if (_mm512_movepi8_mask(x) != 0)
        return false;
    const __mmask64 up = _mm512_cmple_epu8_mask(_mm512_sub_epi8(x, _mm512_set1_epi8('A')),
                                                _mm512_set1_epi8(25));
    _mm512_storeu_si512((void *)dst,
                        _mm512_or_si512(x, _mm512_maskz_mov_epi8(up, _mm512_set1_epi8(
                                                                         (char)lc_bit))));
    const __m512i l = _mm512_or_si512(x, _mm512_set1_epi8(0x20));
    const uint64_t wm =
        _mm512_cmple_epu8_mask(_mm512_sub_epi8(l, _mm512_set1_epi8('a')), _mm512_set1_epi8(25)) |
        _mm512_cmple_epu8_mask(_mm512_sub_epi8(x, _mm512_set1_epi8('0')), _mm512_set1_epi8(9)) |
        _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('_'));

    const size_t rs = *run_start, rn = *run_n;
    const uint64_t shifted = wm << 1 | (rn != 0);
    const uint64_t starts = wm & ~shifted;  /* bit k: a run starts at byte k */
    uint64_t ends = ~wm & shifted;          /* bit k: a run ends before byte k */
    size_t n = *nt;
    if (rn != 0) {
        if (ends == 0) {  /* the open run goes on through the block */
            *run_n = rn + 64;
            return true;
        }
        const unsigned e = (unsigned)__builtin_ctzll(ends);
        ends &= ends - 1;
        tok[n].off = (uint32_t)rs;
        tok[n].len = (uint32_t)(o + e - rs);
        n += rn + e >= 2;
    }
    /* every start is paired with the next end, but a run still open at the end */
    const uint64_t open_end = wm >> 63;
    const unsigned last = 63u - (unsigned)__builtin_clzll(starts | 1);
    const uint64_t done = starts & ~(open_end << last);
    const unsigned nr = (unsigned)__builtin_popcountll(ends);
    if (nr != 0) {
        const __m512i pos = _mm512_set_epi8(
            63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43,
            42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22,
            21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
        unsigned char sp[64], ep[64];
        _mm512_storeu_si512((void *)sp, _mm512_maskz_compress_epi8(done, pos));
        _mm512_storeu_si512((void *)ep, _mm512_maskz_compress_epi8(ends, pos));
        const __m512i base = _mm512_set1_epi64((long long)o), two = _mm512_set1_epi64(2);
        for (unsigned k = 0; k < nr; k += 8) {
            const __m512i s64 = _mm512_cvtepu8_epi64(_mm_loadl_epi64((const __m128i *)(sp + k)));
            const __m512i e64 = _mm512_cvtepu8_epi64(_mm_loadl_epi64((const __m128i *)(ep + k)));
            const __m512i len = _mm512_sub_epi64(e64, s64);
            const __m512i t = _mm512_or_si512(_mm512_add_epi64(base, s64),
                                              _mm512_slli_epi64(len, 32));
            const __mmask8 valid = (__mmask8)(nr - k >= 8 ? 0xFFu : (1u << (nr - k)) - 1u);
            const __mmask8 keep = _mm512_mask_cmpge_epu64_mask(valid, len, two);
            _mm512_mask_compressstoreu_epi64((void *)(tok + n), keep, t);
            n += (size_t)__builtin_popcount(keep);
        }
    }
    *nt = n;
    *run_start = open_end ? o + last : rs;
    *run_n = open_end ? 64u - last : 0;
    return true;
}
#endif

/* tc_tokenize; `wide`: 64-byte ASCII blocks with AVX-512 (the caller has checked the
 * CPU). Inlined into one function per instruction set. */
static inline __attribute__((always_inline)) tc_status
tokenize(const tc_tokenizer_options *opt, tc_tokenizer_scratch *scratch, const char *text,
         size_t len, tc_token_list *out, char *err, bool wide)
{
    static const char oom[] = "out of memory while tokenizing";
    if (len > TC_TOK_MAX_INPUT)
        return tc_fail(err, TC_ETOOBIG, "text of %zu bytes exceeds the tokenizer limit of %zu",
                       len, TC_TOK_MAX_INPUT);
    size_t bad = 0;
    if (!tc_utf8_valid(text, len, &bad))
        return tc_fail(err, TC_EINPUT, "invalid UTF-8 at byte offset %zu", bad);

    tok_state st = {scratch, (unsigned char *)scratch->text, 0, 0, 0, 0};
    if (!grow_text(&st, len + TC_TOK_SLACK))
        return tc_fail(err, TC_ENOMEM, oom);

    const unsigned char *in = (const unsigned char *)text;
    const unsigned upper_bit = opt->lowercase ? 0x20u : 0u;
    /* The ASCII paths work on locals (kept in registers); they are synced with st
     * around the non-ASCII path. */
    unsigned char *dst = st.out;
    tc_token *tok = scratch->tok;
    size_t tok_cap = scratch->tok_cap;
    size_t i = 0, o = 0, run_start = 0, run_n = 0, nt = 0;
#ifdef __SSE2__
    const __m128i lc_bit = _mm_set1_epi8(opt->lowercase ? 0x20 : 0);
#endif
    (void)wide;
    while (i < len) {
#ifdef TC_TOK_AVX512
        if (wide && len - i >= 64) {
            if (tok_cap - nt < BLOCK64_TOKENS) {
                if (!grow_tokens(scratch))
                    return tc_fail(err, TC_ENOMEM, oom);
                tok = scratch->tok;
                tok_cap = scratch->tok_cap;
            }
            if (block64(in + i, dst + o, upper_bit, tok, &nt, o, &run_start, &run_n)) {
                i += 64;
                o += 64;
                continue;
            }
        }
#endif
#ifdef __SSE2__
        /* 32, else 16, ASCII bytes at a time: lowercased copy, \w mask, tokens from
         * the mask's edges. Room: the output keeps >= (len - i) + SLACK bytes free
         * past o, and tok gets BLOCK_TOKENS free entries. */
        if (len - i >= 16) {
            __m128i x0 = _mm_loadu_si128((const __m128i *)(const void *)(in + i));
            __m128i x1 = x0;
            unsigned width = 16;
            if (len - i >= 32) {
                x1 = _mm_loadu_si128((const __m128i *)(const void *)(in + i + 16));
                width = 32;
            }
            if (width == 32 && _mm_movemask_epi8(_mm_or_si128(x0, x1)) != 0)
                width = 16;
            if (_mm_movemask_epi8(x0) == 0) {
                if (tok_cap - nt < BLOCK_TOKENS) {
                    if (!grow_tokens(scratch))
                        return tc_fail(err, TC_ENOMEM, oom);
                    tok = scratch->tok;
                    tok_cap = scratch->tok_cap;
                }
                uint64_t wm = ascii_block(x0, lc_bit, dst + o);
                if (width == 32)
                    wm |= (uint64_t)ascii_block(x1, lc_bit, dst + o + 16) << 16;
                nt = block_tokens(tok, nt, wm, width, o, &run_start, &run_n);
                i += width;
                o += width;
                continue;
            }
        }
#endif
        unsigned b = in[i];
        if (ascii_word[b]) {
            /* a run of ASCII \w bytes: lowercase is +0x20 on A-Z only, NFKD is
             * the identity on ASCII */
            size_t j = i;
            if (run_n == 0)
                run_start = o;
            do {
                dst[o++] = (unsigned char)(b | (b - 'A' < 26u ? upper_bit : 0u));
                if (++j == len)
                    break;
                b = in[j];
            } while (ascii_word[b]);
            run_n += j - i;
            i = j;
            continue;
        }
        if (b < 0x80) {
            dst[o] = (unsigned char)b;
            if (run_n != 0) {
                if (run_n >= 2) {
                    if (nt == tok_cap) {
                        if (!grow_tokens(scratch))
                            return tc_fail(err, TC_ENOMEM, oom);
                        tok = scratch->tok;
                        tok_cap = scratch->tok_cap;
                    }
                    tok[nt].off = (uint32_t)run_start;
                    tok[nt].len = (uint32_t)(o - run_start);
                    nt++;
                }
                run_n = 0;
            }
            o++;
            i++;
            continue;
        }
        st.o = o;
        st.run_start = run_start;
        st.run_n = run_n;
        st.nt = nt;
        size_t next = i;
        uint32_t cp = tc_utf8_next(text, len, &next);
        if (!process_cp(opt, &st, in, len, i, cp))
            return tc_fail(err, TC_ENOMEM, oom);
        i = next;
        /* keep room for the rest: <= 1 byte per ASCII byte, <= SLACK per code point */
        size_t need = st.o + (len - i) + TC_TOK_SLACK;
        if (need > scratch->text_cap) {
            if (need > UINT32_MAX)
                return tc_fail(err, TC_ETOOBIG, "preprocessed text exceeds 4 GiB");
            size_t want = scratch->text_cap * 2 > need ? scratch->text_cap * 2 : need;
            if (!grow_text(&st, want))
                return tc_fail(err, TC_ENOMEM, oom);
        }
        dst = st.out;
        o = st.o;
        run_start = st.run_start;
        run_n = st.run_n;
        nt = st.nt;
        tok = scratch->tok;
        tok_cap = scratch->tok_cap;
    }
    st.o = o;
    st.run_start = run_start;
    st.run_n = run_n;
    st.nt = nt;
    if (st.run_n != 0 && !end_run(&st, st.o))
        return tc_fail(err, TC_ENOMEM, oom);
    out->text = scratch->text;
    out->tokens = scratch->tok;
    out->count = st.nt;
    scratch->text_len = st.o;
    return TC_OK;
}

static tc_status tokenize_portable(const tc_tokenizer_options *opt,
                                   tc_tokenizer_scratch *scratch, const char *text, size_t len,
                                   tc_token_list *out, char *err)
{
    return tokenize(opt, scratch, text, len, out, err, false);
}

#ifdef TC_TOK_AVX512
TC_AVX512_TARGET static tc_status tokenize_avx512(const tc_tokenizer_options *opt,
                                                  tc_tokenizer_scratch *scratch,
                                                  const char *text, size_t len,
                                                  tc_token_list *out, char *err)
{
    return tokenize(opt, scratch, text, len, out, err, true);
}
#endif

tc_status tc_tokenize(const tc_tokenizer_options *opt, tc_tokenizer_scratch *scratch,
                      const char *text, size_t len, tc_token_list *out, char *err)
{
#ifdef TC_TOK_AVX512
    if (!opt->portable && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vbmi2"))
        return tokenize_avx512(opt, scratch, text, len, out, err);
#endif
    return tokenize_portable(opt, scratch, text, len, out, err);
}

const char *tc_tokenizer_preprocessed(const tc_tokenizer_scratch *s, size_t *len)
{
    *len = s->text_len;
    return s->text;
}

/* tc_sklearn_tokenizer: the functions above behind tc_tokens.h's untyped interface */
static void *ops_scratch_new(void) { return tc_tokenizer_scratch_new(); }
static void ops_scratch_free(void *p)
{
    tc_tokenizer_scratch *s = p;
    tc_tokenizer_scratch_free(&s);
}
static tc_status ops_tokenize(const void *opt, void *s, const char *text, size_t len,
                              tc_token_list *out, char *err)
{
    return tc_tokenize(opt, s, text, len, out, err);
}
const tc_tokenizer_ops tc_sklearn_tokenizer = {"scikit-learn", sizeof(tc_tokenizer_options),
                                               ops_scratch_new, ops_scratch_free, ops_tokenize};
