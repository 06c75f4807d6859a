/*
 * spark_tokdump - runs Spark's tokenizer family (tc_spark_tokenizer.h) over documents,
 * one per input line (the '\n' is not part of it), and prints per document
 * "<token count>" then TAB and each token (tokens never hold TAB or LF: both are Java
 * whitespace), or "!ERR <message>". The driver of the tokenizer comparison with Spark
 * in tests/parity/spark_parity.py.
 *
 *   spark_tokdump [-k tokenizer|regex] [-l 0|1] [-m MIN_TOKEN_LENGTH]
 *                 [-p PATTERN -g 0|1] < FILE
 * -p: a RegexTokenizer pattern through PCRE2 (-g: gaps, default 1); a refused pattern
 * prints "!REFUSED <message>" and exits 3.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_spark_regex.h"
#include "tc_spark_tokenizer.h"

int main(int argc, char **argv)
{
    tc_spark_tokenizer_options o = {TC_SPARK_TOKENIZER, true, 1, true, NULL};
    const char *pattern = NULL;
    for (int a = 1; a + 1 < argc; a += 2) {
        if (strcmp(argv[a], "-k") == 0)
            o.kind = strcmp(argv[a + 1], "regex") == 0 ? TC_SPARK_REGEX_GAPS : TC_SPARK_TOKENIZER;
        else if (strcmp(argv[a], "-l") == 0)
            o.lowercase = strcmp(argv[a + 1], "0") != 0;
        else if (strcmp(argv[a], "-p") == 0)
            pattern = argv[a + 1];
        else if (strcmp(argv[a], "-g") == 0)
            o.gaps = strcmp(argv[a + 1], "0") != 0;
        else if (strcmp(argv[a], "-m") == 0)
            o.min_token_length = (uint32_t)strtoul(argv[a + 1], NULL, 10);
        else {
            fprintf(stderr, "usage: spark_tokdump [-k tokenizer|regex] [-l 0|1] [-m N] "
                            "[-p PATTERN -g 0|1]\n");
            return 2;
        }
    }
    tc_spark_regex *re = NULL;
    char err[TC_ERR_LEN];
    if (pattern != NULL) {
        if (tc_spark_regex_compile(pattern, strlen(pattern), &re, err) != TC_OK) {
            printf("!REFUSED %s\n", err);
            return 3;
        }
        o.kind = TC_SPARK_REGEX_PCRE2;
        o.regex = re;
    }
    void *s = tc_spark_tokenizer.scratch_new();
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while (s != NULL && (n = getline(&line, &cap, stdin)) >= 0) {
        size_t len = (size_t)n;
        if (len > 0 && line[len - 1] == '\n')
            len--;
        tc_token_list tl;
        if (tc_spark_tokenizer.tokenize(&o, s, line, len, &tl, err) != TC_OK) {
            printf("!ERR %s\n", err);
            continue;
        }
        printf("%zu", tl.count);
        for (size_t i = 0; i < tl.count; i++)
            printf("\t%.*s", (int)tl.tokens[i].len, tl.text + tl.tokens[i].off);
        putchar('\n');
    }
    free(line);
    tc_spark_tokenizer.scratch_free(s);
    tc_spark_regex_free(&re);
    return s == NULL ? 1 : 0;
}
