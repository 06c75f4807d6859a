/* accesslog.c - buffered JSON access log (see tc_accesslog.h). */
#include "tc_accesslog.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tc_buf.h"

#define SLOT_FLUSH_BYTES 16384

typedef struct slot {
    pthread_mutex_t mu;
    tc_buf buf;
    time_t cached_sec;      /* second whose date prefix is in date[] */
    char date[24];          /* "YYYY-MM-DDTHH:MM:SS" */
} slot;

struct tc_accesslog {
    int fd;
    pthread_mutex_t write_mu;  /* whole buffers reach the fd unsplit (pipes split > PIPE_BUF) */
    size_t n_slots;
    atomic_size_t next;
    slot *slots;
};

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;  /* a closed or full log must never stop serving */
        p += w;
        n -= (size_t)w;
    }
}

/* Lock order: a slot's mutex, then write_mu. */
static void write_locked(tc_accesslog *l, const char *p, size_t n)
{
    pthread_mutex_lock(&l->write_mu);
    write_all(l->fd, p, n);
    pthread_mutex_unlock(&l->write_mu);
}

tc_accesslog *tc_accesslog_new(int fd, size_t slots)
{
    tc_accesslog *l = calloc(1, sizeof *l);
    if (l == NULL)
        return NULL;
    l->fd = fd;
    l->slots = calloc(slots ? slots : 1, sizeof *l->slots);
    if (l->slots == NULL) {
        free(l);
        return NULL;
    }
    l->n_slots = slots;
    atomic_init(&l->next, 0);
    pthread_mutex_init(&l->write_mu, NULL);
    for (size_t i = 0; i < slots; i++)
        pthread_mutex_init(&l->slots[i].mu, NULL);
    return l;
}

void tc_accesslog_free(tc_accesslog **lp)
{
    if (lp == NULL || *lp == NULL)
        return;
    tc_accesslog *l = *lp;
    tc_accesslog_flush(l);
    for (size_t i = 0; i < l->n_slots; i++) {
        pthread_mutex_destroy(&l->slots[i].mu);
        tc_buf_free(&l->slots[i].buf);
    }
    pthread_mutex_destroy(&l->write_mu);
    free(l->slots);
    free(l);
    *lp = NULL;
}

size_t tc_accesslog_claim(tc_accesslog *l)
{
    size_t i = atomic_fetch_add(&l->next, 1);
    return i < l->n_slots ? i : SIZE_MAX;
}

/* Printable ASCII except '"' and '\\' pass; anything else becomes '?'. Log lines stay
 * valid JSON whatever a client sends. */
static void append_clean(tc_buf *b, const char *s, size_t max)
{
    size_t i = 0;
    for (; i < max && s[i] != '\0'; i++) {
        unsigned char c = (unsigned char)s[i];
        (void)tc_buf_append_char(b, (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
                                        ? (char)c
                                        : '?');
    }
    if (s[i] != '\0')
        (void)tc_buf_append(b, "...", 3);
}

static void format_line(tc_buf *b, slot *s, const tc_access_entry *e)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char local_date[24];
    char *date = s ? s->date : local_date;
    if (s == NULL || s->cached_sec != ts.tv_sec) {
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        strftime(date, sizeof local_date, "%Y-%m-%dT%H:%M:%S", &tm);
        if (s != NULL)
            s->cached_sec = ts.tv_sec;
    }
    (void)tc_buf_printf(b, "{\"time\":\"%s.%03ldZ\",\"method\":\"", date,
                        ts.tv_nsec / 1000000L);
    append_clean(b, e->method ? e->method : "", 16);
    (void)tc_buf_append_str(b, "\",\"path\":\"");
    append_clean(b, e->path ? e->path : "", 200);
    (void)tc_buf_printf(b,
                        "\",\"status\":%u,\"records\":%zu,\"bytes_in\":%zu,\"bytes_out\":%zu,"
                        "\"latency_us\":%llu}\n",
                        e->status, e->records, e->bytes_in, e->bytes_out,
                        (unsigned long long)e->latency_us);
}

void tc_accesslog_write(tc_accesslog *l, size_t slot_idx, const tc_access_entry *e)
{
    if (slot_idx >= l->n_slots) {
        tc_buf b = TC_BUF_INIT;
        format_line(&b, NULL, e);
        write_locked(l, b.data, b.len);
        tc_buf_free(&b);
        return;
    }
    slot *s = &l->slots[slot_idx];
    pthread_mutex_lock(&s->mu);
    format_line(&s->buf, s, e);
    if (s->buf.len >= SLOT_FLUSH_BYTES) {
        write_locked(l, s->buf.data, s->buf.len);
        tc_buf_clear(&s->buf);
    }
    pthread_mutex_unlock(&s->mu);
}

void tc_accesslog_flush(tc_accesslog *l)
{
    for (size_t i = 0; i < l->n_slots; i++) {
        slot *s = &l->slots[i];
        pthread_mutex_lock(&s->mu);
        if (s->buf.len > 0) {
            write_locked(l, s->buf.data, s->buf.len);
            tc_buf_clear(&s->buf);
        }
        pthread_mutex_unlock(&s->mu);
    }
}
