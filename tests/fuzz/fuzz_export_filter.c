/* fuzz_export_filter.c - libFuzzer target for saved export queries
 * (tix_export_filter_parse), which TAXII collections keep and partners'
 * administrators write.
 *
 * A query that fails says why and hands nothing back. A query that parses
 * has a canonical form that parses again to the same canonical form. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tix/export.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every type and none select alike. */
static uint32_t types_of(const tix_export_filter *f)
{
    return (f->types & TIX_OBS_ALL) == TIX_OBS_ALL ? 0 : f->types;
}

static char *canonical(const tix_export_filter *f)
{
    tix_buf b = TIX_BUF_INIT(1 << 20);
    tix_export_filter_format(f, &b);
    if (b.err)
        abort();
    return b.p ? tix_buf_detach(&b, NULL) : strdup("");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *q = strndup((const char *)data, size);
    if (!q)
        return 0;
    tix_export_filter f;
    char *owned = NULL;
    tix_diag d = TIX_DIAG_INIT;
    if (tix_export_filter_parse(q, &f, &owned, &d) != TIX_EOK) {
        if (owned || !d.msg[0])
            abort();
        free(q);
        return 0;
    }
    char *c1 = canonical(&f);
    tix_export_filter f2;
    char *owned2 = NULL;
    tix_diag d2 = TIX_DIAG_INIT;
    if (tix_export_filter_parse(c1, &f2, &owned2, &d2) != TIX_EOK)
        abort();
    char *c2 = canonical(&f2);
    if (strcmp(c1, c2) != 0 || types_of(&f2) != types_of(&f) || f2.tlp_max != f.tlp_max ||
        f2.since != f.since || f2.min_confidence != f.min_confidence ||
        f2.active != f.active)
        abort();
    free(c1);
    free(c2);
    free(owned);
    free(owned2);
    free(q);
    return 0;
}
