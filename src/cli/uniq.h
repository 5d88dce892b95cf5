/* uniq.h - counting distinct (type, value) pairs for --unique. */
#ifndef TIX_CLI_UNIQ_H
#define TIX_CLI_UNIQ_H

#include <stdint.h>
#include <stdio.h>

#include "tix/tix.h"

struct uniq_ent {
    uint64_t count;
    uint32_t voff, vlen; /* value in arena */
    uint32_t hash;
    uint8_t type;
    uint8_t used;
};

struct uniq {
    struct uniq_ent *t;
    size_t n, cap; /* cap is a power of two */
    tix_buf arena;
};

enum uniq_fmt { UNIQ_JSONL, UNIQ_CSV, UNIQ_TEXT };

void uniq_init(struct uniq *u);
/* Count one more (type, value); -1 on OOM. */
int uniq_add(struct uniq *u, tix_obs_type type, const char *v, size_t n);
int uniq_add_count(struct uniq *u, tix_obs_type type, const char *v, size_t n,
                   uint64_t count);
/* Add every count of src to dst. */
int uniq_merge(struct uniq *dst, const struct uniq *src);
/* By type, then most frequent first, then value. */
int uniq_print(const struct uniq *u, FILE *f, enum uniq_fmt fmt);
void uniq_free(struct uniq *u); /* zeroed or initialised */

#endif
