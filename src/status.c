/* status.c - tc_status names and the error-buffer helper (see tc_status.h). */
#include "tc_status.h"

#include <stdarg.h>
#include <stdio.h>

const char *tc_status_name(tc_status s)
{
    switch (s) {
    case TC_OK: return "ok";
    case TC_ENOMEM: return "out of memory";
    case TC_EIO: return "I/O error";
    case TC_EFORMAT: return "malformed model file";
    case TC_EINPUT: return "malformed input";
    case TC_ETOOBIG: return "input too large";
    case TC_EUNSUPPORTED: return "unsupported";
    case TC_ENOTACCEPTABLE: return "not acceptable";
    case TC_EMISMATCH: return "golden sample mismatch";
    }
    return "unknown status";
}

tc_status tc_fail(char *err, tc_status s, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, TC_ERR_LEN, fmt, ap);
        va_end(ap);
    }
    return s;
}
