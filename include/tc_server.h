/*
 * tc_server.h - `textclf serve`: the HTTP daemon (SageMaker inference contract on
 * libmicrohttpd). Parses its own arguments (argv[0] is "serve"), loads and verifies
 * the model before opening the socket, serves until SIGTERM/SIGINT, drains in-flight
 * requests, and returns the process exit status (0 on a clean shutdown, non-zero
 * with a message on stderr if the configuration or model is bad).
 */
#ifndef TC_SERVER_H
#define TC_SERVER_H

int tc_serve_main(int argc, char **argv);

#endif
