/* touched.h - what a write transaction has changed, folded per observable
 * and per (observable, source), so that each observable's summary is
 * written once per flush instead of once per evidence row. Not API. */
#ifndef TIX_STORE_TOUCHED_H
#define TIX_STORE_TOUCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t obs, src;    /* src 0: the observable's own entry */
    int64_t one_src;     /* own entry: its only source so far, 0: several */
    int64_t first, last; /* seen window of the rows added */
    uint64_t n;          /* rows added */
    int conf;            /* best effective confidence added */
    uint32_t nsup;       /* own entry: (obs, source) entries it has */
    bool created;        /* own entry: observable created since the flush */
    bool used;
} touch_ent;

typedef struct {
    touch_ent *e;
    size_t cap, len;
} touch_map;

/* The entry for (obs, src), zeroed with used set when new; *fresh tells.
 * NULL when out of memory. */
touch_ent *touch_get(touch_map *m, int64_t obs, int64_t src, bool *fresh);
void touch_clear(touch_map *m);
void touch_free(touch_map *m);

#endif
