/* fuzz_extract.c - libFuzzer target for the extractor.
 *
 * Every input is scanned twice: in one piece and fed in small uneven
 * chunks. Both scans must report the same hits (the streaming promise),
 * each hit must lie inside the input and its value must canonicalise to
 * itself (canonical forms are fixed points).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tix/tix.h"

#define MAX_HITS 4096

struct rec {
    int type;
    uint64_t offset, raw_len;
    char value[128];
};

struct col {
    struct rec v[MAX_HITS];
    size_t n;
    size_t size;
};

static int collect(void *ud, const tix_hit *h)
{
    struct col *c = ud;
    if (h->offset + h->raw_len > c->size || h->raw_len == 0)
        abort(); /* a hit outside the input */
    if (strlen(h->value) != h->value_len)
        abort();
    if (c->n < MAX_HITS) {
        struct rec *r = &c->v[c->n++];
        r->type = (int)h->type;
        r->offset = h->offset;
        r->raw_len = h->raw_len;
        snprintf(r->value, sizeof r->value, "%s", h->value);
    }
    /* a canonical value is its own canonical form */
    tix_buf b = TIX_BUF_INIT(0);
    if (tix_obs_canon(h->type, h->value, h->value_len, &b, NULL) != TIX_EOK ||
        b.len != h->value_len || memcmp(b.p, h->value, b.len) != 0)
        abort();
    tix_buf_free(&b);
    return 0;
}

static tix_extractor *ex;
static struct col whole, parts;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (ex == NULL && tix_extractor_new(&ex, 0, NULL) != TIX_EOK)
        abort();
    whole.n = parts.n = 0;
    whole.size = parts.size = size;
    if (tix_extract_mem(ex, data, size, collect, &whole, NULL) != TIX_EOK)
        abort();

    tix_scan *s;
    if (tix_scan_new(&s, ex, collect, &parts, NULL) != TIX_EOK)
        abort();
    size_t i = 0, step = 1;
    while (i < size) {
        size_t n = size - i < step ? size - i : step;
        if (tix_scan_feed(s, data + i, n, NULL) != TIX_EOK)
            abort();
        i += n;
        step = step * 3 % 1031 + 1;
    }
    if (tix_scan_finish(s, NULL) != TIX_EOK)
        abort();
    tix_scan_free(s);

    if (whole.n != parts.n)
        abort();
    for (size_t k = 0; k < whole.n; k++)
        if (whole.v[k].type != parts.v[k].type ||
            whole.v[k].offset != parts.v[k].offset ||
            strcmp(whole.v[k].value, parts.v[k].value) != 0)
            abort();
    return 0;
}
