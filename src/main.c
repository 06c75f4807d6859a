/*
 * main.c - the textclf command line: predict, check, serve, version.
 *
 *   textclf predict --model DIR [--threads N] [--input FILE]
 *   textclf check --model DIR
 *   textclf serve ...            (see tc_server.h; argument parsing is the server's)
 *   textclf lambda ...           (see tc_lambda.h; an AWS Lambda custom runtime)
 *   textclf version | --version | --help | <command> --help
 *
 * predict reads one text per line (stdin by default) and writes one JSON object per
 * line, in input order. A line is the bytes before its "\n", exactly: a "\r" before
 * the "\n" stays part of the text (the model sees it as scikit-learn would), and a
 * last line without "\n" is still a record. Lines that cannot be classified (invalid
 * UTF-8) get {"error":"..."} and make the exit status 1.
 *
 * Throughput design: input is read in large blocks (and everything that is already
 * readable is taken before work starts, so pipes batch well while an interactive
 * terminal still gets an answer per line); each batch of complete lines is split at
 * line boundaries over N threads, each with its own workspace and output buffer; the
 * buffers are written in order. No allocation per line.
 *
 * Exit status: 0 success, 1 failure (bad model, unreadable input, a line that failed),
 * 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tc_buf.h"
#include "tc_encoder.h"
#include "tc_lambda.h"
#include "tc_log.h"
#include "tc_model.h"
#include "tc_server.h"
#include "tc_status.h"

#define TEXTCLF_VERSION "1.0.0"
#define READ_BLOCK ((size_t)4 << 20)        /* initial input buffer; grows for long lines */
/* One thread: a batch small enough to stay in L2 between read() and the tokenizer. */
#define READ_BLOCK_1 ((size_t)256 << 10)
#define PARALLEL_MIN_BYTES ((size_t)64 << 10) /* smaller batches run on one thread */
#define MAX_THREADS 256

static const char USAGE[] =
    "usage: textclf <command> [options]\n"
    "\n"
    "commands:\n"
    "  predict --model DIR [--threads N] [--input FILE]\n"
    "                       classify one text per input line, one JSON object per output line\n"
    "  check --model DIR    load and verify a model (checksums, golden samples); print a summary\n"
    "  serve [options]      HTTP inference daemon (textclf serve --help)\n"
    "  lambda [options]     AWS Lambda custom runtime (textclf lambda --help)\n"
    "  version              print the version\n"
    "\n"
    "textclf <command> --help shows a command's options.\n";

static const char USAGE_PREDICT[] =
    "usage: textclf predict --model DIR [--threads N] [--input FILE]\n"
    "\n"
    "Reads one text per line (UTF-8; the line is the bytes before \"\\n\", a \"\\r\" is kept as\n"
    "part of the text) and writes, per line and in input order, one JSON object:\n"
    "  {\"label\":\"positive\",\"probabilities\":{\"negative\":0.03,\"positive\":0.97}}\n"
    "(\"scores\" instead of \"probabilities\" for models without probabilities).\n"
    "A line that cannot be classified (invalid UTF-8) gets {\"error\":\"...\"}; the exit\n"
    "status is then 1.\n"
    "\n"
    "  --model DIR    model directory (docs/model-format.md)\n"
    "  --threads N    worker threads, 1..256 (default 1)\n"
    "  --input FILE   read FILE instead of standard input (\"-\" = standard input)\n";

static const char USAGE_CHECK[] =
    "usage: textclf check --model DIR\n"
    "\n"
    "Loads the model exactly as serve does (manifest, sizes and sha256 of every file, every\n"
    "file's syntax, golden samples re-predicted to 1e-9, or the model's golden_tolerance) and prints a summary. Exit status 0\n"
    "if the model is good, 1 with the error (naming file and line) if not.\n";

/* ---- argument parsing ------------------------------------------------------------------ */

typedef struct options {
    const char *model;
    const char *input;
    unsigned threads;
} options;

static int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "textclf %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see textclf %s --help)\n", cmd);
    va_end(ap);
    return 2;
}

/* Matches "--name VALUE" or "--name=VALUE"; advances *i past what it consumed.
 * Returns 1 on a match, 0 if argv[*i] is another option, -1 if the value is missing. */
static int opt_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *value = argv[++*i];
    return 1;
}

/* Parses the options of predict/check. Returns -1 to continue, else an exit status. */
static int parse_options(int argc, char **argv, bool allow_predict_opts, options *o)
{
    const char *cmd = argv[0];
    const char *help = allow_predict_opts ? USAGE_PREDICT : USAGE_CHECK;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        int r;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(help, stdout);
            return 0;
        }
        if ((r = opt_value(argc, argv, &i, "--model", &val)) != 0) {
            if (r < 0)
                return usage_error(cmd, "%s needs a value", a);
            o->model = val;
        } else if (allow_predict_opts && (r = opt_value(argc, argv, &i, "--input", &val)) != 0) {
            if (r < 0)
                return usage_error(cmd, "%s needs a value", a);
            o->input = val;
        } else if (allow_predict_opts && (r = opt_value(argc, argv, &i, "--threads", &val)) != 0) {
            if (r < 0)
                return usage_error(cmd, "%s needs a value", a);
            char *end = NULL;
            errno = 0;
            long t = strtol(val, &end, 10);
            if (errno != 0 || end == val || *end != '\0' || t < 1 || t > MAX_THREADS)
                return usage_error(cmd, "--threads must be an integer in 1..256, got \"%s\"", val);
            o->threads = (unsigned)t;
        } else {
            return usage_error(cmd, "unknown argument \"%s\"", a);
        }
    }
    if (o->model == NULL)
        return usage_error(cmd, "--model DIR is required");
    return -1;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- check ----------------------------------------------------------------------------- */

static int cmd_check(int argc, char **argv)
{
    options o = {NULL, NULL, 1};
    int rc = parse_options(argc, argv, false, &o);
    if (rc >= 0)
        return rc;
    tc_log_setup("textclf check", TC_LOG_INFO);
    char err[TC_ERR_LEN] = "";
    tc_model *m = NULL;
    double t0 = now_ms();
    tc_status st = tc_model_load(o.model, NULL, &m, err);
    double ms = now_ms() - t0;
    if (st != TC_OK) {
        TC_LOG(TC_LOG_ERROR, "%s: %s", tc_status_name(st), err);
        printf("FAILED %s\n", o.model);
        return 1;
    }
    printf("model:       %s (%s)\n", tc_model_name(m), o.model);
    printf("classes:     %zu:", tc_model_n_classes(m));
    for (size_t i = 0; i < tc_model_n_classes(m); i++)
        printf(" %s", tc_model_class_name(m, i));
    printf("\nfeatures:    %zu\n", tc_model_n_features(m));
    printf("classifier:  %s\n", tc_model_classifier_desc(m));
    printf("output:      %s\n",
           tc_model_output(m) == TC_OUTPUT_PROBABILITIES ? "probabilities" : "scores");
    char tol[32];  /* 1e-9, 1e-5: %g's exponent without its leading zero */
    snprintf(tol, sizeof tol, "%g", tc_model_golden_tolerance(m));
    char *z = strstr(tol, "e-0");
    if (z != NULL)
        memmove(z + 2, z + 3, strlen(z + 3) + 1);
    printf("golden:      %zu samples reproduced (|diff| <= %s)\n", tc_model_n_golden(m), tol);
    printf("load time:   %.1f ms\n", ms);
    printf("OK\n");
    tc_model_free(&m);
    return 0;
}

/* ---- predict --------------------------------------------------------------------------- */

typedef struct worker {
    const tc_model *model;
    tc_workspace *ws;
    tc_buf out;
    const char *begin, *end;  /* lines to classify; the last may lack its "\n" */
    size_t failed_lines;
    bool out_of_memory;
    pthread_t tid;
} worker;

static bool emit_error(tc_buf *out, const char *msg)
{
    return tc_buf_append_str(out, "{\"error\":") &&
           tc_buf_append_json_string(out, msg, strlen(msg)) && tc_buf_append_str(out, "}\n");
}

static void classify_range(worker *w)
{
    tc_buf *out = &w->out;
    const char *p = w->begin, *end = w->end;
    char err[TC_ERR_LEN];
    /* The same encoder as the HTTP service's application/jsonlines responses. */
    tc_encoder enc;
    if (!tc_encoder_begin(&enc, TC_FMT_JSONLINES, tc_model_output_schema(w->model), out)) {
        w->out_of_memory = true;
        return;
    }
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl != NULL ? nl : end;
        tc_prediction pred;
        err[0] = '\0';
        tc_status st = tc_model_predict(w->model, w->ws, p, (size_t)(line_end - p), &pred, err);
        bool ok;
        if (st == TC_OK) {
            ok = tc_encoder_add(&enc, &pred);
        } else {
            w->failed_lines++;
            ok = emit_error(out, err[0] ? err : tc_status_name(st));
        }
        if (!ok) {
            w->out_of_memory = true;
            return;
        }
        p = line_end + 1;
    }
    if (!tc_encoder_end(&enc))
        w->out_of_memory = true;
}

static void *worker_main(void *arg)
{
    classify_range(arg);
    return NULL;
}

static bool write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t r = write(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        p += r;
        n -= (size_t)r;
    }
    return true;
}

/* Classifies data[0..len) (whole lines; the last may lack "\n" only at end of input)
 * over up to nw workers and writes the outputs in order. False on a write or memory
 * failure (message printed). */
static bool run_batch(worker *ws, unsigned nw, const char *data, size_t len)
{
    unsigned used = len < PARALLEL_MIN_BYTES ? 1 : nw;
    const char *p = data, *end = data + len;
    for (unsigned i = 0; i < used; i++) {
        worker *w = &ws[i];
        tc_buf_clear(&w->out);
        w->begin = p;
        if (i + 1 == used) {
            w->end = end;
        } else {
            const char *target = p + (size_t)(end - p) / (used - i);
            const char *nl = target < end ? memchr(target, '\n', (size_t)(end - target)) : NULL;
            w->end = nl != NULL ? nl + 1 : end;
        }
        p = w->end;
    }
    unsigned started = 1;
    bool spawn_failed = false;
    for (unsigned i = 1; i < used; i++, started++) {
        if (pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]) != 0) {
            spawn_failed = true;
            break;
        }
    }
    classify_range(&ws[0]);
    for (unsigned i = 1; i < started; i++)
        pthread_join(ws[i].tid, NULL);
    /* Ranges whose thread could not start run here, still in order. */
    if (spawn_failed)
        for (unsigned i = started; i < used; i++)
            classify_range(&ws[i]);
    for (unsigned i = 0; i < used; i++) {
        if (ws[i].out_of_memory) {
            TC_LOG(TC_LOG_ERROR, "out of memory");
            return false;
        }
        if (!write_all(STDOUT_FILENO, ws[i].out.data, ws[i].out.len)) {
            TC_LOG(TC_LOG_ERROR, "cannot write output: %s", strerror(errno));
            return false;
        }
    }
    return true;
}

/* True if fd has data (or EOF) ready right now. */
static bool readable_now(int fd)
{
    struct pollfd pfd = {fd, POLLIN, 0};
    return poll(&pfd, 1, 0) > 0;
}

static int cmd_predict(int argc, char **argv)
{
    options o = {NULL, NULL, 1};
    int rc = parse_options(argc, argv, true, &o);
    if (rc >= 0)
        return rc;
    tc_log_setup("textclf predict", TC_LOG_INFO);
    rc = 1;
    char err[TC_ERR_LEN] = "";
    tc_model *m = NULL;
    worker *ws = NULL;
    char *buf = NULL;
    int fd = STDIN_FILENO;
    bool input_error = false;
    size_t failed = 0;

    if (o.input != NULL && strcmp(o.input, "-") != 0) {
        fd = open(o.input, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            TC_LOG(TC_LOG_ERROR, "%s: cannot open: %s", o.input, strerror(errno));
            return 1;
        }
    }
    const char *input_name = fd == STDIN_FILENO ? "standard input" : o.input;
    tc_status st = tc_model_load(o.model, NULL, &m, err);
    if (st != TC_OK) {
        TC_LOG(TC_LOG_ERROR, "%s: %s", tc_status_name(st), err);
        goto done;
    }
    ws = calloc(o.threads, sizeof *ws);
    size_t cap = o.threads > 1 ? READ_BLOCK : READ_BLOCK_1;
    buf = malloc(cap);
    if (ws == NULL || buf == NULL) {
        TC_LOG(TC_LOG_ERROR, "out of memory");
        goto done;
    }
    for (unsigned i = 0; i < o.threads; i++) {
        ws[i].model = m;
        if ((ws[i].ws = tc_workspace_new(m)) == NULL) {
            TC_LOG(TC_LOG_ERROR, "out of memory");
            goto done;
        }
    }

    size_t have = 0;
    bool eof = false;
    while (!eof) {
        /* Fill: at least one read, then keep reading while more is ready at once. */
        do {
            if (have == cap) {
                if (cap > SIZE_MAX / 2) {
                    TC_LOG(TC_LOG_ERROR, "input line too long");
                    input_error = true;
                    goto done;
                }
                char *nb = realloc(buf, cap * 2);
                if (nb == NULL) {
                    TC_LOG(TC_LOG_ERROR, "out of memory (line of %zu bytes)", have);
                    input_error = true;
                    goto done;
                }
                buf = nb;
                cap *= 2;
            }
            ssize_t r = read(fd, buf + have, cap - have);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0) {
                TC_LOG(TC_LOG_ERROR, "%s: read error: %s", input_name,
                        strerror(errno));
                input_error = true;
                goto done;
            }
            if (r == 0)
                eof = true;
            have += (size_t)r;
        } while (!eof && have < cap && readable_now(fd));

        size_t cut = have;
        if (!eof) {
            while (cut > 0 && buf[cut - 1] != '\n')
                cut--;
        }
        if (cut > 0) {
            if (!run_batch(ws, o.threads, buf, cut)) {
                input_error = true;
                goto done;
            }
            memmove(buf, buf + cut, have - cut);
            have -= cut;
        }
    }
    for (unsigned i = 0; i < o.threads; i++)
        failed += ws[i].failed_lines;
    if (failed > 0)
        TC_LOG(TC_LOG_WARN, "%zu line%s could not be classified", failed,
                failed == 1 ? "" : "s");
    rc = failed > 0 ? 1 : 0;
done:
    if (input_error)
        rc = 1;
    for (unsigned i = 0; ws != NULL && i < o.threads; i++) {
        tc_workspace_free(&ws[i].ws);
        tc_buf_free(&ws[i].out);
    }
    free(ws);
    free(buf);
    tc_model_free(&m);
    if (fd != STDIN_FILENO)
        close(fd);
    return rc;
}

/* ---- entry ----------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(USAGE, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "predict") == 0)
        return cmd_predict(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "serve") == 0)
        return tc_serve_main(argc - 1, argv + 1);
    if (strcmp(cmd, "lambda") == 0)
        return tc_lambda_main(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0 ||
        strcmp(cmd, "-V") == 0) {
        printf("textclf %s (model format %d)\n", TEXTCLF_VERSION, TC_MODEL_FORMAT_VERSION);
        return 0;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(USAGE, stdout);
        return 0;
    }
    fprintf(stderr, "textclf: unknown command \"%s\"\n\n%s", cmd, USAGE);
    return 2;
}
