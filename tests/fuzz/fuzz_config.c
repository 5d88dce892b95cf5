/* fuzz_config.c - libFuzzer target for the config extractors.
 *
 * Every registered extractor reads the input as a sample of its family.
 * Whatever it returns must hold: on success at least one C&C, every host
 * printable without spaces, ports in range, paths empty or starting with
 * '/', every string terminated; on failure a reason. And the same bytes
 * give the same answer twice (no state kept between calls). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tix/classify.h"

static void check_str(const char *s, size_t cap)
{
    if (!memchr(s, 0, cap))
        abort();
}

static void check(const tix_config *c)
{
    if (c->nc2 == 0 || c->nc2 > TIX_CONFIG_C2_MAX || c->nkeys > TIX_CONFIG_KEYS_MAX)
        abort();
    check_str(c->build, sizeof c->build);
    check_str(c->campaign, sizeof c->campaign);
    for (size_t i = 0; i < c->nc2; i++) {
        const tix_c2 *e = &c->c2[i];
        check_str(e->host, sizeof e->host);
        check_str(e->path, sizeof e->path);
        check_str(e->scheme, sizeof e->scheme);
        if (!*e->host || e->port < 0 || e->port > 65535 || (*e->path && *e->path != '/'))
            abort();
        for (const char *p = e->host; *p; p++)
            if (*p <= ' ' || *p > '~')
                abort();
        char url[TIX_CONFIG_HOST_MAX + TIX_CONFIG_PATH_MAX + 32];
        tix_c2_format(e, url, sizeof url);
        check_str(url, sizeof url);
    }
    for (size_t i = 0; i < c->nkeys; i++) {
        check_str(c->keys[i].name, sizeof c->keys[i].name);
        check_str(c->keys[i].hex, sizeof c->keys[i].hex);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n;
    const tix_config_extractor *x = tix_config_extractors(&n);
    static tix_config a, b;
    for (size_t i = 0; i < n; i++) {
        tix_diag da = TIX_DIAG_INIT, db = TIX_DIAG_INIT;
        memset(&a, 0, sizeof a);
        memset(&b, 0, sizeof b);
        tix_err ea = x[i].extract(data, size, &a, &da);
        tix_err eb = x[i].extract(data, size, &b, &db);
        if (ea != eb)
            abort();
        if (ea == TIX_EOK) {
            check(&a);
            if (memcmp(&a, &b, sizeof a) != 0)
                abort();
        } else if (!da.msg[0] || strcmp(da.msg, db.msg) != 0) {
            abort();
        }
    }
    return 0;
}
