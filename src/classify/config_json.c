/* config_json.c - a configuration as one JSON object, as stored and
 * printed. */
#include <stdbool.h>
#include <string.h>

#include "tix/classify.h"

static void field(tix_buf *b, const char *name, const char *v, bool comma)
{
    if (comma)
        tix_buf_addc(b, ',');
    tix_buf_addf(b, "\"%s\":\"", name);
    tix_buf_add_json(b, v, strlen(v));
    tix_buf_addc(b, '"');
}

void tix_config_json(const tix_config_extractor *x, const tix_config *c, tix_buf *out)
{
    tix_buf_addc(out, '{');
    field(out, "family", x->family, false);
    field(out, "extractor", x->name, true);
    field(out, "extractor_version", x->version, true);
    field(out, "build", c->build, true);
    field(out, "campaign", c->campaign, true);
    tix_buf_adds(out, ",\"c2\":[");
    for (size_t i = 0; i < c->nc2; i++) {
        const tix_c2 *e = &c->c2[i];
        char url[TIX_CONFIG_HOST_MAX + TIX_CONFIG_PATH_MAX + 32];
        tix_buf_adds(out, i ? ",{" : "{");
        field(out, "scheme", e->scheme, false);
        field(out, "host", e->host, true);
        tix_buf_addf(out, ",\"port\":%d", e->port);
        field(out, "path", e->path, true);
        field(out, "url", tix_c2_format(e, url, sizeof url), true);
        tix_buf_addc(out, '}');
    }
    tix_buf_adds(out, "],\"keys\":[");
    for (size_t i = 0; i < c->nkeys; i++) {
        tix_buf_adds(out, i ? ",{" : "{");
        field(out, "name", c->keys[i].name, false);
        field(out, "hex", c->keys[i].hex, true);
        tix_buf_addc(out, '}');
    }
    tix_buf_adds(out, "]}");
}
