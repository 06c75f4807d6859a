/*
 * tc_status.h - status codes and the error-buffer convention shared by every module.
 *
 * Convention: a function that can fail returns tc_status. On failure it writes one
 * precise, human-readable line into the caller-owned buffer `err` (size TC_ERR_LEN,
 * may be NULL), naming the file and line where a file is involved, e.g.
 *   "models/x/vocab.tsv:17: duplicate term \"foo bar\"".
 * Out-parameters are written only on success.
 */
#ifndef TC_STATUS_H
#define TC_STATUS_H

#include <stddef.h>

#define TC_ERR_LEN 512

typedef enum tc_status {
    TC_OK = 0,
    TC_ENOMEM,        /* allocation failed */
    TC_EIO,           /* file missing or unreadable */
    TC_EFORMAT,       /* a model file is malformed or inconsistent */
    TC_EINPUT,        /* client input is malformed (bad JSON/CSV, invalid UTF-8, empty) */
    TC_ETOOBIG,       /* input exceeds a configured limit */
    TC_EUNSUPPORTED,  /* unsupported media type / charset / model feature */
    TC_ENOTACCEPTABLE,/* no acceptable response type */
    TC_EMISMATCH      /* model does not reproduce its golden outputs */
} tc_status;

/* Static English name of a status ("malformed input", ...). Never NULL. */
const char *tc_status_name(tc_status s);

/* printf into err (if err != NULL), truncating at TC_ERR_LEN. Returns s, so a
 * failure path reads: return tc_fail(err, TC_EFORMAT, "%s:%zu: bad number", path, line); */
tc_status tc_fail(char *err, tc_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
