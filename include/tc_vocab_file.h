/*
 * tc_vocab_file.h - parses the vectorizer's two files from memory
 * (docs/model-format.md): vocab.tsv ("textclf-vocab\t1\t<count>", then one
 * "<idf>\t<term>" line per column) and stopwords.txt ("textclf-stopwords\t1\t<count>",
 * then one word per line).
 *
 * Both parsers check everything the format promises, in file order, and refuse the
 * first violation with TC_EFORMAT and a message "<name>:<line>: ..." (name labels the
 * file; line 1 is the header): header, version and count, UTF-8, line ends, empty
 * fields, TABs and CRs inside a field, idf syntax and sign, and, for stop words,
 * duplicates. Duplicate terms are found when the vocabulary is indexed
 * (tc_vocab_index.h), which reports them in the same form.
 *
 * The results view the caller's bytes, which must outlive them.
 */
#ifndef TC_VOCAB_FILE_H
#define TC_VOCAB_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "tc_status.h"

/* A term of more parts than this (TC_VOCAB_PARTS_CAP - 1 spaces) has its part count
 * capped here: no n-gram range reaches it. */
#define TC_VOCAB_PARTS_CAP 9u

typedef struct tc_vocab_term {
    const char *s;    /* the term's bytes in the file: no TAB, CR or LF, len > 0 */
    uint32_t len;
    uint32_t parts;   /* spaces + 1, capped at TC_VOCAB_PARTS_CAP */
} tc_vocab_term;

typedef struct tc_vocab_file {
    size_t n;               /* terms = columns; term j is on line j + 2 */
    tc_vocab_term *terms;   /* n of them (owned; transient memory) */
    double *idf;            /* n values > 0 (owned, malloc'd; a caller may take it and
                               set the field to NULL) */
} tc_vocab_file;

/* Parses vocab.tsv's bytes data[0..len) (len < 2^31) into *out, which on failure is
 * left empty. TC_EFORMAT as above, TC_ENOMEM. */
tc_status tc_vocab_file_parse(const char *name, const char *data, size_t len,
                              tc_vocab_file *out, char *err);
/* Frees what a parse left in f (fields NULL are skipped) and empties it. */
void tc_vocab_file_release(tc_vocab_file *f);

typedef struct tc_stop_word {
    const char *s;    /* no TAB, CR or LF, len > 0 */
    size_t len;
} tc_stop_word;

typedef struct tc_stopword_file {
    size_t n;
    tc_stop_word *words;    /* n distinct words in file order (owned, malloc'd) */
} tc_stopword_file;

/* Parses stopwords.txt's bytes data[0..len) into *out, which on failure is left empty.
 * A word listed twice is refused ("duplicate stop word ... (first at line N)").
 * TC_EFORMAT, TC_ENOMEM. */
tc_status tc_stopword_file_parse(const char *name, const char *data, size_t len,
                                 tc_stopword_file *out, char *err);
void tc_stopword_file_release(tc_stopword_file *f);

#endif
