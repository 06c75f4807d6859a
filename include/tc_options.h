/*
 * tc_options.h - the option tables of `textclf serve` and `textclf lambda`: a flag, then
 * its environment variable, then the caller's default. One row per option; values are
 * strings until the caller converts them (tc_options_uint for bounded integers), and each
 * remembers where it came from so an error can name it ("--max-payload-mb",
 * "SAGEMAKER_MAX_PAYLOAD_IN_MB").
 */
#ifndef TC_OPTIONS_H
#define TC_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tc_status.h"

typedef struct tc_option {
    const char *flag;     /* "--model-dir"; takes a value as "--flag V" or "--flag=V" */
    const char *metavar;  /* "DIR", for the usage text */
    const char *env;      /* environment variable, or NULL for a flag only */
    const char *help;     /* usage text; continuation lines indented by the caller */
} tc_option;

/* Reads argv[1..argc) against opts[0..n), then the environment for options no flag set
 * (an empty variable counts as unset). val[k] gets the value of option k or NULL, src[k]
 * the flag or variable it came from. "-h"/"--help" sets *help and stops. An unknown
 * option or a flag without its value -> TC_EINPUT naming it ("see textclf <command>
 * --help"). val and src are borrowed from argv and the environment. */
tc_status tc_options_resolve(const char *command, const tc_option *opts, size_t n, int argc,
                             char **argv, const char **val, const char **src, bool *help,
                             char *err);

/* Parses v as a decimal integer in lo..hi into *out; otherwise TC_EINPUT with
 * "<src>: \"<v>\" is not an integer in lo..hi". */
tc_status tc_options_uint(const char *src, const char *v, unsigned long lo, unsigned long hi,
                          unsigned long *out, char *err);

/* One usage line per option ("  --flag V   help" and "     env VAR"). */
void tc_options_usage(FILE *f, const tc_option *opts, size_t n);

#endif
