/*
 * tc_accesslog.h - the daemon's access log: one JSON object per request on a file
 * descriptor (stdout), e.g.
 *   {"time":"2026-11-25T07:44:16.123Z","method":"POST","path":"/invocations",
 *    "status":200,"records":3,"bytes_in":57,"bytes_out":210,"latency_us":41}
 * Request bodies are never logged. Cheap under load: each server thread appends to its
 * own slot buffer (uncontended mutex), written out when it holds 16 KiB or when the
 * owner calls tc_accesslog_flush (the server does so every ~100 ms and at exit), so a
 * line reaches the fd within ~100 ms.
 */
#ifndef TC_ACCESSLOG_H
#define TC_ACCESSLOG_H

#include <stddef.h>
#include <stdint.h>

typedef struct tc_accesslog tc_accesslog;

typedef struct tc_access_entry {
    const char *method;   /* any bytes; sanitised when written */
    const char *path;     /* any bytes; sanitised and truncated to 200 bytes */
    unsigned status;      /* 0 if the connection closed before a response */
    size_t records;
    size_t bytes_in, bytes_out;
    uint64_t latency_us;
} tc_access_entry;

/* Log writing to fd with room for `slots` threads. NULL on allocation failure. */
tc_accesslog *tc_accesslog_new(int fd, size_t slots);
/* Flushes and frees; no thread may use the log any more. */
void tc_accesslog_free(tc_accesslog **l);

/* A slot for the calling thread (call once per thread, keep the result). Thread-safe.
 * Returns SIZE_MAX when all slots are taken; writes with SIZE_MAX go straight to fd. */
size_t tc_accesslog_claim(tc_accesslog *l);

/* Appends one line (thread-safe; slot from tc_accesslog_claim). */
void tc_accesslog_write(tc_accesslog *l, size_t slot, const tc_access_entry *e);

/* Writes out every slot's pending lines. Thread-safe. */
void tc_accesslog_flush(tc_accesslog *l);

#endif
