#!/usr/bin/python3
"""Generates src/unicode_tables.c: the Unicode data textclf needs to reproduce
Python 3.11 (Unicode 14.0.0) str.lower(), unicodedata.normalize("NFKD"),
unicodedata.combining() and re's (?u)\\w, derived by probing this very Python for
every code point 0..0x10FFFF (so the C tables agree with the Python that runs
scikit-learn by construction, not by re-reading the UCD).

    /usr/bin/python3 tools/gen_unicode_tables.py [--out src/unicode_tables.c] [--check]

--check regenerates into memory and exits 1 if the committed file differs.
Output is deterministic (no timestamps, fixed iteration order).

Tables (all two-level: stage1[cp >> shift] selects a block of stage2; identical
blocks are shared; the shift is chosen per table to minimise size):
  flags  uint8  bit0 \\w, bit1 cased, bit2 case-ignorable, bit3 combining!=0
  lower  uint8  index into tc_uni_lower_delta[] (0 = identity); the one special
                value LOWER_SPECIAL marks code points whose full lowercase is
                more than one code point, looked up in tc_uni_lower_multi[]
  nfkd   uint16 offset into tc_uni_nfkd_pool[] (0 = no decomposition); pool
                entries are a length followed by that many code points.
                Hangul syllables are decomposed algorithmically in unicode.c and
                have no entry here (the generator checks that algorithm too).
"""
import argparse
import os
import re
import sys
import unicodedata

MAX_CP = 0x110000
HANGUL_S, HANGUL_N = 0xAC00, 11172

F_WORD, F_CASED, F_IGNORABLE, F_COMBINING = 1, 2, 4, 8


def die(msg):
    sys.exit("gen_unicode_tables: " + msg)


def check_python():
    if sys.version_info[:2] != (3, 11):
        die("need Python 3.11 (the one scikit-learn runs under), got %s" % sys.version.split()[0])
    if unicodedata.unidata_version != "14.0.0":
        die("need unicodedata 14.0.0, got %s" % unicodedata.unidata_version)


def probe():
    """Returns per-code-point lists: flags, lower (tuple of cps), nfkd (tuple)."""
    word_re = re.compile(r"(?u)\w")
    flags = [0] * MAX_CP
    lower = [None] * MAX_CP
    nfkd = [None] * MAX_CP
    sigma, final = "\u03a3", "\u03c2"
    for cp in range(MAX_CP):
        c = chr(cp)
        f = 0
        if word_re.match(c):
            f |= F_WORD
        # Cased, by its Unicode definition (Lowercase | Uppercase | Lt), which is
        # what Python's CASED_MASK holds; for one character islower/isupper/istitle
        # test exactly the LOWER/UPPER/TITLE masks.
        cased = c.islower() or c.isupper() or c.istitle()
        # Probes of the Final_Sigma rule (see unicodeobject.c handle_capital_sigma):
        #   q1: "A" c "Σ" -> ς  iff  ignorable(c) or cased(c)
        #   q2:     c "Σ" -> ς  iff  not ignorable(c) and cased(c)
        q1 = ("A" + c + sigma).lower()[-1] == final
        q2 = (c + sigma).lower()[-1] == final
        ignorable = q1 and not q2
        if q2 != (cased and not ignorable):
            die("U+%04X: cased property %s disagrees with the Final_Sigma probe" % (cp, cased))
        if cased:
            f |= F_CASED
        if ignorable:
            f |= F_IGNORABLE
        if unicodedata.combining(c) != 0:
            f |= F_COMBINING
        flags[cp] = f
        lo = c.lower()
        if not 1 <= len(lo) <= 3:
            die("U+%04X: lowercase has %d code points" % (cp, len(lo)))
        lower[cp] = tuple(ord(x) for x in lo)
        nfkd[cp] = tuple(ord(x) for x in unicodedata.normalize("NFKD", c))
    return flags, lower, nfkd


def hangul_nfkd(cp):
    s = cp - HANGUL_S
    lead, vowel, trail = 0x1100 + s // 588, 0x1161 + (s % 588) // 28, 0x11A7 + s % 28
    return (lead, vowel) if trail == 0x11A7 else (lead, vowel, trail)


def two_level(values, shift):
    """Returns (stage1, stage2) with identical blocks of 1<<shift values shared."""
    bs = 1 << shift
    blocks, index, stage1, stage2 = {}, 0, [], []
    for start in range(0, MAX_CP, bs):
        blk = tuple(values[start:start + bs])
        if blk not in blocks:
            blocks[blk] = index
            index += 1
            stage2.extend(blk)
        stage1.append(blocks[blk])
    return stage1, stage2


def best_two_level(values, elem_size):
    best = None
    for shift in range(4, 11):
        s1, s2 = two_level(values, shift)
        nblocks = len(s2) >> shift
        s1_size = 1 if nblocks <= 256 else 2
        size = len(s1) * s1_size + len(s2) * elem_size
        if best is None or size < best[0]:
            best = (size, shift, s1, s2, s1_size)
    return best[1:]


def c_array(ctype, name, values, per_line=16, fmt="%d"):
    out = ["const %s %s[%d] = {" % (ctype, name, len(values))]
    for i in range(0, len(values), per_line):
        out.append("    " + ",".join(fmt % v for v in values[i:i + per_line]) + ",")
    out.append("};")
    return "\n".join(out)


def generate():
    flags, lower, nfkd = probe()

    # Lowercase: single code point mappings as deltas, multi-code-point separately.
    deltas = [0]
    delta_index = {0: 0}
    multi = []
    lower_idx = [0] * MAX_CP
    for cp in range(MAX_CP):
        lo = lower[cp]
        if len(lo) == 1:
            d = lo[0] - cp
            if d not in delta_index:
                delta_index[d] = len(deltas)
                deltas.append(d)
            lower_idx[cp] = delta_index[d]
        else:
            multi.append((cp, lo))
    if len(deltas) >= 255:
        die("too many distinct lowercase deltas: %d" % len(deltas))
    special = 255
    for cp, _ in multi:
        lower_idx[cp] = special

    # NFKD: pool of (length, cps...), offset 0 reserved for "none".
    pool = [0]
    nfkd_off = [0] * MAX_CP
    seen = {}
    for cp in range(MAX_CP):
        d = nfkd[cp]
        if HANGUL_S <= cp < HANGUL_S + HANGUL_N:
            if d != hangul_nfkd(cp):
                die("U+%04X: Hangul NFKD %r differs from the algorithm" % (cp, d))
            continue
        if d == (cp,):
            continue
        if d not in seen:
            seen[d] = len(pool)
            pool.append(len(d))
            pool.extend(d)
        nfkd_off[cp] = seen[d]
    if len(pool) > 0xFFFF:
        die("NFKD pool too large for uint16 offsets: %d" % len(pool))
    max_nfkd = max(len(d) for d in nfkd)

    parts = []
    parts.append("""/*
 * unicode_tables.c - GENERATED by tools/gen_unicode_tables.py from Python %s
 * (unicodedata %s). Do not edit; regenerate with
 *   /usr/bin/python3 tools/gen_unicode_tables.py
 * Layout and meaning: see the generator's docstring and src/unicode.c.
 */
#include <stdint.h>

#include "unicode_tables.h"
""" % (sys.version.split()[0], unicodedata.unidata_version))

    decls = []
    for name, vals, esize, ctype in (("flags", flags, 1, "uint8_t"),
                                     ("lower", lower_idx, 1, "uint8_t"),
                                     ("nfkd", nfkd_off, 2, "uint16_t")):
        shift, s1, s2, s1size = best_two_level(vals, esize)
        s1type = "uint8_t" if s1size == 1 else "uint16_t"
        decls.append("#define TC_UNI_%s_SHIFT %d" % (name.upper(), shift))
        decls.append("extern const %s tc_uni_%s_stage1[%d];" % (s1type, name, len(s1)))
        decls.append("extern const %s tc_uni_%s_stage2[%d];" % (ctype, name, len(s2)))
        parts.append(c_array(s1type, "tc_uni_%s_stage1" % name, s1, 32))
        parts.append(c_array(ctype, "tc_uni_%s_stage2" % name, s2, 32))
    parts.append(c_array("int32_t", "tc_uni_lower_delta", deltas, 8))
    multi_flat = []
    for cp, lo in multi:
        multi_flat.extend([cp, len(lo)] + list(lo) + [0] * (3 - len(lo)))
    parts.append(c_array("uint32_t", "tc_uni_lower_multi", multi_flat, 5, "0x%04X"))
    parts.append(c_array("uint32_t", "tc_uni_nfkd_pool", pool, 12, "0x%X"))

    header = """/*
 * unicode_tables.h - GENERATED by tools/gen_unicode_tables.py; private to
 * src/unicode.c. Do not edit.
 */
#ifndef TC_UNICODE_TABLES_H
#define TC_UNICODE_TABLES_H

#include <stdint.h>

#define TC_UNI_F_WORD %d
#define TC_UNI_F_CASED %d
#define TC_UNI_F_IGNORABLE %d
#define TC_UNI_F_COMBINING %d
#define TC_UNI_LOWER_SPECIAL %d
#define TC_UNI_LOWER_MULTI_COUNT %d /* rows of 5: cp, n, cp1, cp2, cp3 */
#define TC_UNI_NFKD_MAX %d
#define TC_UNI_HANGUL_S 0x%X
#define TC_UNI_HANGUL_N %d
%s
extern const int32_t tc_uni_lower_delta[%d];
extern const uint32_t tc_uni_lower_multi[%d];
extern const uint32_t tc_uni_nfkd_pool[%d];

#endif
""" % (F_WORD, F_CASED, F_IGNORABLE, F_COMBINING, special, len(multi), max_nfkd,
       HANGUL_S, HANGUL_N, "\n".join(decls), len(deltas), len(multi_flat), len(pool))
    return "\n\n".join(parts) + "\n", header


def main():
    ap = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--out", default=os.path.join(root, "src", "unicode_tables.c"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    check_python()
    src, hdr = generate()
    hdr_path = os.path.join(os.path.dirname(args.out), "unicode_tables.h")
    if args.check:
        bad = []
        for path, text in ((args.out, src), (hdr_path, hdr)):
            try:
                with open(path, encoding="utf-8") as f:
                    if f.read() != text:
                        bad.append(path)
            except OSError:
                bad.append(path)
        if bad:
            print("FAIL gen_unicode_tables: out of date: " + ", ".join(bad))
            sys.exit(1)
        print("PASS gen_unicode_tables: %s up to date" % args.out)
        return
    for path, text in ((args.out, src), (hdr_path, hdr)):
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print("wrote %s (%d bytes)" % (path, len(text)))


if __name__ == "__main__":
    main()
