/*
 * tc_log.h - the one diagnostic logger (stderr), for the server, the CLI and the loader.
 * Lines read "<program>: <level>: <message>\n" and are written with one write(2), so
 * lines from different threads never interleave. The JSON access log is separate
 * (tc_accesslog.h).
 *
 * TC_LOG tests the level before its arguments are evaluated or formatted, so a debug
 * line costs one comparison when debug is off. The program name and threshold are set
 * once at start-up (tc_log_setup, before any thread starts) and only read afterwards.
 */
#ifndef TC_LOG_H
#define TC_LOG_H

typedef enum tc_log_level { TC_LOG_ERROR, TC_LOG_WARN, TC_LOG_INFO, TC_LOG_DEBUG } tc_log_level;

/* program is borrowed (a string literal in practice); the default is "textclf", info. */
void tc_log_setup(const char *program, tc_log_level threshold);

/* "error", "warn", "info", "debug". */
const char *tc_log_level_name(tc_log_level level);

/* Parses a level name as tc_log_level_name spells it; 0 on success, -1 otherwise. */
int tc_log_level_parse(const char *name, tc_log_level *out);

/* Read through TC_LOG; written only by tc_log_setup. */
extern tc_log_level tc_log_threshold;

void tc_log_emit(tc_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define TC_LOG(level, ...)                                                                     \
    do {                                                                                       \
        if ((level) <= tc_log_threshold)                                                       \
            tc_log_emit((level), __VA_ARGS__);                                                 \
    } while (0)

#endif
