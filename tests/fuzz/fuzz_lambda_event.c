/* fuzz_lambda_event.c - libFuzzer target for tc_lambda_handle: the input is one Lambda
 * event (any bytes). Client input must never produce a crash, an InternalError or an
 * answer that is not JSON; an HTTP event's answer has a 2xx/4xx statusCode, a string
 * body and isBase64Encoded false; a direct invocation's status is the one tc_invoke
 * gives the same bytes as an application/json body, with a ClientError for a 4xx; no
 * answer exceeds the response cap.
 * Model: $TEXTCLF_FUZZ_MODEL, else models/sentiment-en (run from the repo root). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "tc_invoke.h"
#include "tc_lambda_event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tc_model *g_model;
static tc_lambda_handler *g_h;
static tc_invoker *g_inv;

static void load_once(void)
{
    if (g_model != NULL)
        return;
    const char *dir = getenv("TEXTCLF_FUZZ_MODEL");
    if (dir == NULL || dir[0] == '\0')
        dir = "models/sentiment-en";
    char err[TC_ERR_LEN] = "";
    /* A small payload limit and response cap, so fuzzed inputs reach the 413 paths. */
    tc_lambda_limits lim = {4096, 1, 50, TC_FMT_JSON, 8192};
    if (tc_model_load(dir, NULL, &g_model, err) != TC_OK ||
        (g_h = tc_lambda_handler_new(g_model, &lim)) == NULL ||
        (g_inv = tc_invoker_new(g_model)) == NULL) {
        fprintf(stderr, "fuzz_lambda_event: cannot load %s: %s\n", dir, err);
        abort();
    }
}

static bool http_status_ok(int s)
{
    return s == 200 || s == 400 || s == 404 || s == 405 || s == 406 || s == 413 || s == 415;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load_once();
    char *ev = malloc(size ? size : 1);
    if (ev == NULL)
        return 0;
    memcpy(ev, data, size);
    tc_buf out = TC_BUF_INIT;
    tc_lambda_answer ans;
    tc_lambda_handle(g_h, ev, size, &out, &ans);
    if (out.len > 8192 || out.data == NULL)
        abort();
    cJSON *j = cJSON_ParseWithLength(out.data, out.len);
    if (j == NULL)
        abort();
    if (ans.function_error) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "errorType");
        if (!cJSON_IsString(t) || strcmp(t->valuestring, "ClientError") != 0 ||
            ans.kind != TC_LAMBDA_DIRECT || (ans.status != 400 && ans.status != 413) ||
            !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "errorMessage")))
            abort();
    } else if (ans.kind == TC_LAMBDA_DIRECT) {
        if (ans.status != 200 || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "predictions")))
            abort();
    } else {
        const cJSON *sc = cJSON_GetObjectItemCaseSensitive(j, "statusCode");
        if (!cJSON_IsNumber(sc) || !http_status_ok(sc->valueint) ||
            (unsigned)sc->valueint != ans.status ||
            !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "body")) ||
            !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j, "headers")) ||
            !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "isBase64Encoded")))
            abort();
    }
    if (ans.kind == TC_LAMBDA_DIRECT) {
        tc_buf want = TC_BUF_INIT;
        tc_invoke_request req = {ev, size, "application/json", NULL, TC_FMT_JSON, 50};
        tc_invoke_response r;
        tc_invoke(g_inv, &req, &want, &r);
        /* Over the cap the direct answer turns into a 413 ClientError. */
        if (r.http_status != ans.status && !(r.http_status == 200 && ans.status == 413))
            abort();
        tc_buf_free(&want);
    }
    cJSON_Delete(j);
    tc_buf_free(&out);
    free(ev);
    return 0;
}
