/*
 * tc_lambda.h - `textclf lambda`: an AWS Lambda custom runtime (the Lambda Runtime API,
 * 2018-06-01, over libcurl). Parses its own arguments (argv[0] is "lambda"; see
 * tc_lambda_config.h), loads and verifies the model, then loops: GET
 * /runtime/invocation/next (no client timeout: Lambda freezes the process while it
 * waits), copy Lambda-Runtime-Trace-Id into _X_AMZN_TRACE_ID, answer the event
 * (tc_lambda_event.h), POST .../{id}/response or .../{id}/error.
 *
 * A model that does not load (or a bad setting) is posted to /runtime/init/error and the
 * process exits 1 (2 for a bad setting). An answer the Runtime API refuses with 500, or a
 * Runtime API that cannot be reached, ends the process (exit 1) with a message on stderr,
 * as the Runtime API asks. One JSON line per event goes to stdout (CloudWatch Logs) at
 * log level info. Returns the process exit status.
 */
#ifndef TC_LAMBDA_H
#define TC_LAMBDA_H

int tc_lambda_main(int argc, char **argv);

#endif
