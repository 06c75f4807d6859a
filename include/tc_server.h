/*
 * tc_server.h - `textclf serve`: the HTTP daemon's lifecycle (SageMaker inference
 * contract on libmicrohttpd; the routes are tc_http.h's, the models tc_live.h's).
 * Parses its own arguments (argv[0] is "serve"; tc_serve_config.h), loads and verifies
 * the model before opening the socket, serves until SIGTERM/SIGINT (SIGHUP reloads the
 * model directory), drains in-flight requests for up to 25 s, and returns the process
 * exit status: 0 after a clean shutdown, 2 for a bad flag or environment value, 1 when
 * the model does not load or the socket cannot be opened; each failure is logged on
 * stderr (tc_log.h), naming the value's source or the model's file and line.
 */
#ifndef TC_SERVER_H
#define TC_SERVER_H

int tc_serve_main(int argc, char **argv);

#endif
