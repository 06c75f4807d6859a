/* encoder.c - predictions encoded as a response body (see tc_encoder.h). */
#include "tc_encoder.h"

#include <string.h>

bool tc_encoder_begin(tc_encoder *e, tc_format fmt, const tc_output_schema *schema, tc_buf *out)
{
    e->fmt = fmt;
    e->schema = schema;
    e->out = out;
    e->count = 0;
    if (fmt == TC_FMT_JSON)
        return tc_buf_append_str(out, "{\"predictions\":[");
    return true;
}

static bool csv_cell(tc_buf *b, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL)
        return tc_buf_append_str(b, s);
    if (!tc_buf_append_char(b, '"'))
        return false;
    for (; *s; s++)
        if ((*s == '"' && !tc_buf_append_char(b, '"')) || !tc_buf_append_char(b, *s))
            return false;
    return tc_buf_append_char(b, '"');
}

static bool json_object(tc_encoder *e, const tc_prediction *p)
{
    tc_buf *b = e->out;
    const tc_output_schema *sc = e->schema;
    const char *label = sc->class_names[p->label];
    bool ok = tc_buf_append_str(b, "{\"label\":") &&
              tc_buf_append_json_string(b, label, strlen(label)) &&
              tc_buf_append_str(b, sc->kind == TC_OUTPUT_PROBABILITIES ? ",\"probabilities\":{"
                                                                       : ",\"scores\":{");
    size_t k = sc->n_classes;
    for (size_t i = 0; ok && i < k; i++) {
        const char *name = sc->class_names[i];
        ok = (i == 0 || tc_buf_append_char(b, ',')) &&
             tc_buf_append_json_string(b, name, strlen(name)) && tc_buf_append_char(b, ':') &&
             tc_buf_append_double(b, p->values[i]);
    }
    return ok && tc_buf_append_str(b, "}}");
}

bool tc_encoder_add(tc_encoder *e, const tc_prediction *p)
{
    tc_buf *b = e->out;
    bool ok = true;
    switch (e->fmt) {
    case TC_FMT_JSON:
        ok = (e->count == 0 || tc_buf_append_char(b, ',')) && json_object(e, p);
        break;
    case TC_FMT_JSONLINES:
        ok = json_object(e, p) && tc_buf_append_char(b, '\n');
        break;
    case TC_FMT_CSV:
    case TC_FMT_TEXT: {
        ok = csv_cell(b, e->schema->class_names[p->label]);
        size_t k = e->schema->n_classes;
        for (size_t i = 0; ok && i < k; i++)
            ok = tc_buf_append_char(b, ',') && tc_buf_append_double(b, p->values[i]);
        ok = ok && tc_buf_append_char(b, '\n');
        break;
    }
    }
    e->count++;
    return ok;
}

bool tc_encoder_end(tc_encoder *e)
{
    if (e->fmt == TC_FMT_JSON)
        return tc_buf_append_str(e->out, "]}");
    return true;
}
