/* log.c - the diagnostic logger (see tc_log.h). */
#include "tc_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

tc_log_level tc_log_threshold = TC_LOG_INFO;
static const char *log_program = "textclf";

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void tc_log_setup(const char *program, tc_log_level threshold)
{
    log_program = program;
    tc_log_threshold = threshold;
}

const char *tc_log_level_name(tc_log_level level)
{
    return (unsigned)level < 4u ? level_names[level] : "?";
}

int tc_log_level_parse(const char *name, tc_log_level *out)
{
    for (unsigned k = 0; k < 4u; k++)
        if (strcmp(name, level_names[k]) == 0) {
            *out = (tc_log_level)k;
            return 0;
        }
    return -1;
}

void tc_log_emit(tc_log_level level, const char *fmt, ...)
{
    char line[2048];
    int head = snprintf(line, sizeof line, "%s: %s: ", log_program, tc_log_level_name(level));
    if (head < 0 || (size_t)head >= sizeof line - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line + head, sizeof line - (size_t)head - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = (size_t)head + (size_t)n;
    if (len > sizeof line - 2)
        len = sizeof line - 2;  /* truncated: keep the line end */
    line[len++] = '\n';
    /* A failed diagnostic write has nowhere else to be reported. */
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}
