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

/* The regular files at or below path, in name order: what the user named
 * is followed if a link, links below a directory are not. */
typedef struct {
    char **v;
    size_t n, cap;
} in_paths;
tix_err in_paths_collect(const char *path, in_paths *out, tix_diag *d);
void in_paths_free(in_paths *p);

void sha256_of(const void *data, size_t len, uint8_t out[32]);

#endif
