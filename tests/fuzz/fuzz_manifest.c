/* fuzz_manifest.c - libFuzzer target for manifest.json (tc_manifest_parse): the input is
 * the manifest's bytes. A manifest that parses must hold what tc_manifest.h promises: 2+
 * classes, file pointers into its own listing, paths under the directory. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_manifest.h"
#include "fuzz_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool listed(const tc_listed_file *f, const tc_listed_file *files, size_t n)
{
    return f >= files && f < files + n && strncmp(f->path, "d/", 2) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t size_text = 0;
    char *json = fuzz_text(data, size, 0, &size_text);
    if (json == NULL)
        return 0;
    char err[TC_ERR_LEN];
    tc_manifest *m = NULL;
    if (tc_manifest_parse("d", "d/manifest.json", json, size_text, &m, err) == TC_OK) {
        size_t n = 0;
        const tc_listed_file *files = tc_manifest_files(m, &n);
        const tc_vectorizer_section *v = tc_manifest_vectorizer(m);
        const tc_classifier_section *c = tc_manifest_classifier(m);
        /* a union's vocabularies are its parts' */
        bool vocab_ok = v->kind == TC_VECTORIZER_UNION ? v->n_parts >= 2 && v->vocabulary == NULL
                        : v->kind == TC_VECTORIZER_SPARK ? v->vocabulary == NULL
                        : v->kind == TC_VECTORIZER_HASHING
                            ? v->vocabulary == NULL && v->config.hash_features == v->n_features &&
                                  (v->idf != NULL) == v->config.use_idf &&
                                  (v->idf == NULL || listed(v->idf, files, n))
                            : listed(v->vocabulary, files, n);
        size_t part_sum = 0;
        for (size_t i = 0; i < v->n_parts; i++) {
            part_sum += v->parts[i].n_features;
            const tc_vectorizer_part *p = &v->parts[i];
            bool part_ok = p->config.hash_features > 0
                               ? p->vocabulary == NULL && (p->idf != NULL) == p->config.use_idf &&
                                     (p->idf == NULL || listed(p->idf, files, n)) &&
                                     c->file != p->idf
                               : listed(p->vocabulary, files, n) && c->file != p->vocabulary;
            if (!part_ok ||
                (v->parts[i].stop_words != NULL && !listed(v->parts[i].stop_words, files, n)))
                abort();
        }
        if (v->kind == TC_VECTORIZER_UNION && part_sum != v->n_features)
            abort();
        if (tc_manifest_n_classes(m) < 2 || c->config.n_classes != tc_manifest_n_classes(m) ||
            c->config.n_features != v->n_features || v->n_features == 0 || !vocab_ok ||
            (v->kind == TC_VECTORIZER_SPARK && v->spark_vocabulary != NULL &&
             !listed(v->spark_vocabulary, files, n)) ||
            (v->spark_idf != NULL && !listed(v->spark_idf, files, n)) ||
            !listed(c->file, files, n) ||
            !listed(tc_manifest_golden(m), files, n) ||
            (v->stop_words != NULL && !listed(v->stop_words, files, n)) ||
            c->file == tc_manifest_golden(m) || c->file == v->vocabulary)
            abort();
        for (size_t i = 0; i < tc_manifest_n_classes(m); i++)
            if (tc_manifest_classes(m)[i][0] == '\0')
                abort();
        tc_manifest_free(&m);
    }
    free(json);
    return 0;
}
