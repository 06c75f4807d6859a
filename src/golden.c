/* golden.c - golden samples: parsing and verification (see tc_golden.h). */
#include "tc_golden.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct sample {
    char *text;
    size_t len;
    size_t label;
    double *values;   /* n_classes */
    size_t line;
} sample;

struct tc_golden {
    char *path;
    const tc_output_schema *schema;
    sample *samples;
    size_t n;
};

static const char *values_key(const tc_output_schema *schema)
{
    return schema->kind == TC_OUTPUT_PROBABILITIES ? "probabilities" : "scores";
}

/* Fills g from the JSON object j of line `line`; g owns what it allocated even on error. */
static tc_status parse_sample(const tc_golden *gd, size_t line, const cJSON *j, sample *g,
                              char *err)
{
    const char *path = gd->path;
    const tc_output_schema *sc = gd->schema;
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(j, "text");
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(j, "label");
    const char *key = values_key(sc);
    const cJSON *vals = cJSON_GetObjectItemCaseSensitive(j, key);
    if (!cJSON_IsObject(j) || !cJSON_IsString(text) || !cJSON_IsString(label))
        return tc_fail(err, TC_EFORMAT, "%s:%zu: expected {\"text\": string, \"label\": string, ...}",
                       path, line);
    if (!cJSON_IsObject(vals))
        return tc_fail(err, TC_EFORMAT, "%s:%zu: missing \"%s\" object (the model outputs %s)",
                       path, line, key, key);
    g->line = line;
    g->label = sc->n_classes;
    for (size_t k = 0; k < sc->n_classes; k++)
        if (strcmp(sc->class_names[k], label->valuestring) == 0)
            g->label = k;
    if (g->label == sc->n_classes)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: label \"%s\" is not one of the model's classes",
                       path, line, label->valuestring);
    if ((size_t)cJSON_GetArraySize(vals) != sc->n_classes)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: \"%s\" must have one value per class (%zu)",
                       path, line, key, sc->n_classes);
    g->values = calloc(sc->n_classes, sizeof *g->values);
    g->len = strlen(text->valuestring);
    g->text = malloc(g->len + 1);
    if (g->values == NULL || g->text == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    memcpy(g->text, text->valuestring, g->len + 1);
    for (size_t k = 0; k < sc->n_classes; k++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(vals, sc->class_names[k]);
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
            return tc_fail(err, TC_EFORMAT, "%s:%zu: \"%s\" has no finite number for class \"%s\"",
                           path, line, key, sc->class_names[k]);
        g->values[k] = v->valuedouble;
    }
    return TC_OK;
}

/* One line s[0..n) (no '\n'): a JSON object, then nothing but blanks. */
static tc_status parse_line(const tc_golden *gd, size_t line, const char *s, size_t n, sample *g,
                            char *err)
{
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(s, n, &end, false);
    if (j == NULL)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: invalid JSON at column %zu", gd->path, line,
                       end != NULL && end >= s ? (size_t)(end - s) + 1 : 1);
    while (end != NULL && end < s + n && (*end == ' ' || *end == '\t'))
        end++;
    tc_status st = end != s + n ? tc_fail(err, TC_EFORMAT,
                                          "%s:%zu: trailing characters after the JSON object",
                                          gd->path, line)
                                : parse_sample(gd, line, j, g, err);
    cJSON_Delete(j);
    return st;
}

static tc_status parse_lines(tc_golden *g, const char *data, size_t len, char *err)
{
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += data[i] == '\n';
    if (len > 0 && data[len - 1] != '\n')
        return tc_fail(err, TC_EFORMAT, "%s:%zu: truncated (last line has no newline)", g->path,
                       lines + 1);
    if (lines == 0)
        return tc_fail(err, TC_EFORMAT, "%s: no golden samples (a model must carry them)",
                       g->path);
    if ((g->samples = calloc(lines, sizeof *g->samples)) == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    size_t pos = 0;
    for (size_t line = 1; pos < len; line++) {
        const char *s = data + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t n = (size_t)(nl - s);
        if (n == 0)
            return tc_fail(err, TC_EFORMAT, "%s:%zu: empty line", g->path, line);
        /* counted before parsing, so that tc_golden_free releases a half-filled sample */
        tc_status st = parse_line(g, line, s, n, &g->samples[g->n++], err);
        if (st != TC_OK)
            return st;
        pos += n + 1;
    }
    return TC_OK;
}

tc_status tc_golden_parse(const char *path, const char *data, size_t len,
                          const tc_output_schema *schema, tc_golden **out, char *err)
{
    tc_golden *g = calloc(1, sizeof *g);
    if (g == NULL || (g->path = malloc(strlen(path) + 1)) == NULL) {
        free(g);
        return tc_fail(err, TC_ENOMEM, "out of memory");
    }
    memcpy(g->path, path, strlen(path) + 1);
    g->schema = schema;
    tc_status st = parse_lines(g, data, len, err);
    if (st != TC_OK)
        tc_golden_free(&g);
    else
        *out = g;
    return st;
}

void tc_golden_free(tc_golden **gp)
{
    if (gp == NULL || *gp == NULL)
        return;
    tc_golden *g = *gp;
    for (size_t i = 0; i < g->n; i++) {
        free(g->samples[i].text);
        free(g->samples[i].values);
    }
    free(g->samples);
    free(g->path);
    free(g);
    *gp = NULL;
}

size_t tc_golden_count(const tc_golden *g) { return g->n; }

tc_status tc_golden_verify(const tc_golden *gd, double tol, tc_golden_predict_fn predict,
                           void *ctx, char *err)
{
    const tc_output_schema *sc = gd->schema;
    const char *const *names = sc->class_names;
    const bool proba = sc->kind == TC_OUTPUT_PROBABILITIES;
    for (size_t i = 0; i < gd->n; i++) {
        const sample *g = &gd->samples[i];
        tc_prediction p;
        char perr[TC_ERR_LEN] = "";
        tc_status st = predict(ctx, g->text, g->len, &p, perr);
        if (st != TC_OK)
            return tc_fail(err, TC_EMISMATCH, "%s:%zu: cannot classify the sample text: %s",
                           gd->path, g->line, perr);
        if (p.label != g->label)
            return tc_fail(err, TC_EMISMATCH,
                           "%s:%zu: model does not reproduce: label \"%s\" expected, textclf "
                           "predicts \"%s\"",
                           gd->path, g->line, names[g->label], names[p.label]);
        for (size_t k = 0; k < sc->n_classes; k++) {
            double want = g->values[k], got = p.values[k];
            double t = proba ? tol : tol * fmax(1.0, fabs(want));
            if (!(fabs(got - want) <= t))
                return tc_fail(err, TC_EMISMATCH,
                               "%s:%zu: model does not reproduce: %s[\"%s\"] expected %.17g, "
                               "textclf computes %.17g (|diff| %.3g > %.0e)",
                               gd->path, g->line, values_key(sc), names[k], want, got,
                               fabs(got - want), t);
        }
    }
    return TC_OK;
}
