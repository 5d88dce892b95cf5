/* file.h - whole input files in memory, and their SHA-256. Not API. */
#ifndef TIX_INGEST_FILE_H
#define TIX_INGEST_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "tix/error.h"

typedef struct {
    const char *data;
    size_t len;
    void *map;      /* mmap'd region, or NULL */
    size_t map_len;
    char *heap;     /* read into memory (pipes), or NULL */
} in_file;

/* path "-" reads standard input. Errors say which file and why. */
tix_err in_file_open(in_file *f, const char *path, tix_diag *d);
void in_file_close(in_file *f);

void sha256_of(const void *data, size_t len, uint8_t out[32]);

#endif
