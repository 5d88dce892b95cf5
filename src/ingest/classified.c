/* classified.c - a sample's families and configuration into the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/classified.h"
#include "tix/observable.h"

int classified_take(classified *out, const tix_classification *c)
{
    memset(out, 0, sizeof *out);
    if (c->nmatches) {
        out->matches = malloc(c->nmatches * sizeof *out->matches);
        if (!out->matches)
            return -1;
        memcpy(out->matches, c->matches, c->nmatches * sizeof *out->matches);
        out->nmatches = c->nmatches;
    }
    out->extractor = c->extractor;
    out->state = c->state;
    if (c->state == TIX_CFG_OK) {
        if (!(out->config = malloc(sizeof *out->config)))
            return -1;
        *out->config = c->config;
    } else if (c->state == TIX_CFG_FAILED && !(out->why = strdup(c->why))) {
        return -1;
    }
    return 0;
}

void classified_free(classified *c)
{
    free(c->matches);
    free(c->config);
    free(c->why);
    memset(c, 0, sizeof *c);
}

static void note(store_sink *k, const char *msg)
{
    if (k->o->report)
        k->o->report(k->o->report_ud, msg);
}

static tix_err relate(store_sink *k, const char *file_id, const char *dst, tix_diag *d)
{
    tix_relationship r = {file_id, "communicates-with", dst, k->source_id, k->document_id,
                          k->now, k->now, k->tlp};
    tix_err e = tix_store_relationship_add(k->s, &r, d);
    if (!e)
        k->st->relationships++;
    return e;
}

/* One C&C endpoint: its host, and its URL when it is reached over the web. */
static tix_err store_c2(store_sink *k, const char *name, const tix_config_extractor *x,
                        const tix_c2 *c2, const char *file_id, tix_diag *d)
{
    tix_buf canon = TIX_BUF_INIT(TIX_OBS_VALUE_MAX);
    tix_obs_type t;
    tix_err e = TIX_EOK;
    if (tix_obs_identify(c2->host, strlen(c2->host), &t, &canon, NULL) != TIX_EOK ||
        (t != TIX_OBS_IPV4 && t != TIX_OBS_IPV6 && t != TIX_OBS_DOMAIN)) {
        tix_buf_free(&canon);
        /* not a host anyone can act on ("localhost", a bare word, an
         * unknown top-level domain): said, not silently dropped */
        char msg[600];
        snprintf(msg, sizeof msg, "%s: %s C&C %.256s not stored: not an IP address or a "
                 "domain under a public suffix", name, x->family, c2->host);
        note(k, msg);
        return TIX_EOK;
    }
    char id[TIX_STIX_ID_MAX];
    tix_obs_in o = {.type = t, .value = canon.p, .value_len = canon.len,
                    .confidence = -1, .port = c2->port, .tlp = TIX_TLP_UNSET,
                    .family = x->family, .tags = "c2"};
    if ((e = store_sink_observe_at(k, &o, -1, 1, 0, id, d)) || (e = relate(k, file_id, id, d)))
        goto out;
    k->st->c2++;
    if (strcmp(c2->scheme, "http") == 0 || strcmp(c2->scheme, "https") == 0) {
        char url[TIX_CONFIG_HOST_MAX + TIX_CONFIG_PATH_MAX + 32];
        tix_c2_format(c2, url, sizeof url);
        o.type = TIX_OBS_URL;
        o.value = url;
        o.value_len = strlen(url);
        tix_diag why = TIX_DIAG_INIT;
        e = store_sink_observe_at(k, &o, -1, 1, 0, id, &why);
        if (e == TIX_EPARSE) {
            e = TIX_EOK; /* the host is stored; a URL tix cannot canonicalise is not */
        } else if (e) {
            tix_diag_set(d, e, "%s", why.msg);
        } else {
            e = relate(k, file_id, id, d);
        }
    }
out:
    tix_buf_free(&canon);
    return e;
}

tix_err classified_store(store_sink *k, const char *name, const classified *c,
                         int64_t sample_id, const char *file_id, tix_diag *d)
{
    tix_err e = TIX_EOK;
    for (size_t i = 0; !e && i < c->nmatches; i++)
        e = tix_store_sample_family_add(k->s, sample_id, c->matches[i].family,
                                        c->matches[i].rule, d);
    if (e)
        return e;
    if (c->nmatches)
        k->st->classified++;
    char msg[600];
    if (c->why && !c->extractor) {
        snprintf(msg, sizeof msg, "%s: not classified: %s", name, c->why);
        note(k, msg);
        return TIX_EOK;
    }
    const tix_config_extractor *x = c->extractor;
    if (c->state == TIX_CFG_FAILED) {
        k->st->config_failures++;
        snprintf(msg, sizeof msg, "%s: %s config not read by %s %s: %s", name, x->family,
                 x->name, x->version, c->why);
        note(k, msg);
        return TIX_EOK;
    }
    if (c->state != TIX_CFG_OK)
        return TIX_EOK;

    tix_buf json = TIX_BUF_INIT(1u << 20);
    tix_config_json(x, c->config, &json);
    tix_buf_addc(&json, 0);
    if (json.err) {
        tix_buf_free(&json);
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    }
    tix_config_rec rec = {.sample_id = sample_id, .family = x->family, .extractor = x->name,
                          .extractor_version = x->version, .build = c->config->build,
                          .campaign = c->config->campaign, .json = json.p,
                          .extracted = k->now};
    bool created;
    e = tix_store_config_put(k->s, &rec, &created, d);
    tix_buf_free(&json);
    if (e || !created)
        return e;
    k->st->configs++;
    char by[96];
    snprintf(by, sizeof by, "%s %s", x->name, x->version);
    k->extractor = by;
    for (size_t i = 0; !e && i < c->config->nc2; i++)
        e = store_c2(k, name, x, &c->config->c2[i], file_id, d);
    k->extractor = NULL;
    return e;
}
