/*
 * unicode.c - lookups into the generated tables of src/unicode_tables.c (see
 * tc_unicode.h). Every table is two-level: stage1[cp >> SHIFT] names a block of
 * stage2, which holds the value for cp & ((1 << SHIFT) - 1).
 */
#include "tc_unicode.h"

#include "unicode_tables.h"

#define TC_MAX_CP 0x110000u

#define LOOKUP(name, NAME, cp)                                                      \
    tc_uni_##name##_stage2[((uint32_t)tc_uni_##name##_stage1[(cp) >> TC_UNI_##NAME##_SHIFT] \
                            << TC_UNI_##NAME##_SHIFT) |                             \
                           ((cp) & ((1u << TC_UNI_##NAME##_SHIFT) - 1u))]

static unsigned flags_of(uint32_t cp)
{
    return cp < TC_MAX_CP ? LOOKUP(flags, FLAGS, cp) : 0u;
}

bool tc_uni_is_word(uint32_t cp) { return (flags_of(cp) & TC_UNI_F_WORD) != 0; }
bool tc_uni_is_cased(uint32_t cp) { return (flags_of(cp) & TC_UNI_F_CASED) != 0; }
bool tc_uni_is_case_ignorable(uint32_t cp) { return (flags_of(cp) & TC_UNI_F_IGNORABLE) != 0; }
bool tc_uni_is_combining(uint32_t cp) { return (flags_of(cp) & TC_UNI_F_COMBINING) != 0; }

size_t tc_uni_lower(uint32_t cp, uint32_t out[3])
{
    if (cp >= TC_MAX_CP) {
        out[0] = cp;
        return 1;
    }
    unsigned idx = LOOKUP(lower, LOWER, cp);
    if (idx == TC_UNI_LOWER_SPECIAL) {
        for (size_t r = 0; r < TC_UNI_LOWER_MULTI_COUNT; r++) {
            const uint32_t *row = tc_uni_lower_multi + 5 * r;
            if (row[0] == cp) {
                size_t n = row[1];
                for (size_t i = 0; i < n; i++)
                    out[i] = row[2 + i];
                return n;
            }
        }
        /* unreachable with consistent tables; fall back to identity */
        out[0] = cp;
        return 1;
    }
    out[0] = (uint32_t)((int32_t)cp + tc_uni_lower_delta[idx]);
    return 1;
}

const uint32_t *tc_uni_nfkd(uint32_t cp, uint32_t *self, size_t *count)
{
    if (cp - TC_UNI_HANGUL_S < (uint32_t)TC_UNI_HANGUL_N) {
        /* Hangul syllables: the Unicode algorithm (the generator verified it
         * against Python for every syllable). */
        uint32_t s = cp - TC_UNI_HANGUL_S;
        uint32_t t = s % 28u;
        self[0] = 0x1100u + s / 588u;
        self[1] = 0x1161u + (s % 588u) / 28u;
        self[2] = 0x11A7u + t;
        *count = t ? 3u : 2u;
        return self;
    }
    unsigned off = cp < TC_MAX_CP ? LOOKUP(nfkd, NFKD, cp) : 0u;
    if (off == 0) {
        self[0] = cp;
        *count = 1;
        return self;
    }
    *count = tc_uni_nfkd_pool[off];
    return tc_uni_nfkd_pool + off + 1;
}
