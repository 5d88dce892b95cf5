/* pass.c - enriching the observables of a store: country and network of
 * every IP (and of URLs on bare IPs), the registered domain of names, and
 * the constituency responsible for each IP. What to read it from is kept
 * in the store's settings, so ingest enriches new observables the same way
 * `tix enrich` did. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "ingest/file.h"
#include "store/snapshot.h"
#include "tix/enrich.h"
#include "tix/store.h"

#define SET_MMDB "enrich.mmdb"
#define SET_CONST "enrich.constituencies"
#define SET_CONST_NAME "enrich.constituencies.file"
#define SET_THROUGH "enrich.through"

static char *setting(tix_store *s, const char *name)
{
    char *v = NULL;
    if (tix_store_setting_get(s, name, &v, NULL) != TIX_EOK)
        return NULL;
    return v;
}

/* The stored newline-separated paths as an array pointing into text. */
static size_t split_lines(char *text, const char **out, size_t max)
{
    size_t n = 0;
    for (char *p = text; p && *p && n < max;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = 0;
        if (*p)
            out[n++] = p;
        p = nl ? nl + 1 : NULL;
    }
    return n;
}

tix_err tix_enrich_configure(tix_store *s, const tix_enrich_config *c, tix_diag *d)
{
    tix_err e = TIX_EOK;
    if (c->mmdb && c->n_mmdb) {
        tix_buf paths = TIX_BUF_INIT(1 << 20);
        char **abs = calloc(c->n_mmdb, sizeof *abs);
        for (size_t i = 0; abs && i < c->n_mmdb; i++) {
            /* kept absolute: later ingests run from anywhere */
            abs[i] = realpath(c->mmdb[i], NULL);
            if (!abs[i]) {
                e = tix_diag_set(d, TIX_EIO, "%s: %m", c->mmdb[i]);
                break;
            }
            tix_buf_adds(&paths, abs[i]);
            tix_buf_addc(&paths, '\n');
        }
        if (!abs)
            e = tix_diag_set(d, TIX_ENOMEM, "out of memory");
        tix_geo *g = NULL;
        if (!e)
            e = tix_geo_open(&g, (const char *const *)abs, c->n_mmdb, NULL, d);
        tix_geo_free(g);
        tix_buf_addc(&paths, 0);
        if (!e)
            e = tix_store_setting_set(s, SET_MMDB, paths.p, d);
        for (size_t i = 0; abs && i < c->n_mmdb; i++)
            free(abs[i]);
        free(abs);
        tix_buf_free(&paths);
    } else if (c->no_mmdb) {
        e = tix_store_setting_set(s, SET_MMDB, "", d);
    }
    if (!e && c->constituencies) {
        in_file f;
        char *text = NULL;
        tix_constituencies *cs = NULL;
        if ((e = in_file_open(&f, c->constituencies, d)))
            return e;
        /* kept as text: the store's settings are strings */
        if (!(e = tix_constituencies_parse(f.data, f.len, c->constituencies, &cs, d)) &&
            !(text = strndup(f.data, f.len)))
            e = tix_diag_set(d, TIX_ENOMEM, "out of memory");
        if (!e && !(e = tix_store_setting_set(s, SET_CONST, text, d)))
            e = tix_store_setting_set(s, SET_CONST_NAME, c->constituencies, d);
        tix_constituencies_free(cs);
        free(text);
        in_file_close(&f);
    }
    return e;
}


typedef struct {
    tix_geo *geo;
    tix_constituencies *cs;
    tix_enrich_stats *st;
} enricher;

static void place_ip(enricher *en, const char *ip, tix_enrichment *out, tix_diag *d)
{
    tix_geo_info gi;
    memset(&gi, 0, sizeof gi);
    en->st->ips++;
    if (en->geo && tix_geo_lookup(en->geo, ip, &gi, d) == TIX_EOK) {
        memcpy(out->country, gi.country, sizeof out->country);
        out->asn = gi.asn;
        out->as_name = gi.as_name[0] ? strdup(gi.as_name) : NULL;
        if (gi.country[0] || gi.asn)
            en->st->placed++;
    }
    const tix_constituency *c =
        en->cs ? tix_constituency_find(en->cs, ip, gi.asn, gi.country) : NULL;
    if (c) {
        out->constituency = c->name;
        out->const_email = c->email;
        out->const_kind = c->kind;
        out->const_country = c->country;
        out->const_match = c->match;
        en->st->constituencies++;
    }
}

static tix_err enrich_one(tix_store *s, enricher *en, const obs_item *o, const char *val,
                          tix_diag *d)
{
    tix_enrichment r;
    memset(&r, 0, sizeof r);
    r.observable_id = o->id;
    char host[300], reg[300];
    const char *h = val;
    size_t hl = o->len;
    tix_obs_type t = o->type;
    if (t == TIX_OBS_URL) {
        if (!tix__url_host(val, o->len, &h, &hl) || hl >= sizeof host)
            return TIX_EOK;
        memcpy(host, h, hl);
        host[hl] = 0;
        h = host;
        t = strchr(host, ':') ? TIX_OBS_IPV6
            : strspn(host, "0123456789.") == hl ? TIX_OBS_IPV4
                                                : TIX_OBS_DOMAIN;
    }
    if (t == TIX_OBS_IPV4 || t == TIX_OBS_IPV6) {
        place_ip(en, h, &r, d);
    } else if (t == TIX_OBS_DOMAIN) {
        size_t n = tix_registered_domain(h, hl, reg, sizeof reg);
        if (n && n < sizeof reg) {
            r.reg_domain = reg;
            en->st->domains++;
        }
    } else {
        return TIX_EOK;
    }
    tix_err e = TIX_EOK;
    if (r.country[0] || r.asn || r.reg_domain || r.constituency)
        e = tix_store_enrichment_put(s, &r, d);
    free((char *)r.as_name);
    return e;
}

tix_err tix_enrich_store(tix_store *s, bool all, tix_enrich_stats *st, tix_diag *d)
{
    tix_enrich_stats dummy;
    if (!st)
        st = &dummy;
    memset(st, 0, sizeof *st);
    tix_err e = tix_store_begin(s, d);
    if (e)
        return e;
    enricher en = {.st = st};
    obs_snapshot snap = {0};
    char *mmdb = setting(s, SET_MMDB);
    char *ctext = setting(s, SET_CONST);
    char *cname = setting(s, SET_CONST_NAME);
    char *through = all ? NULL : setting(s, SET_THROUGH);
    const char *paths[16];
    size_t np = mmdb ? split_lines(mmdb, paths, 16) : 0;
    if ((e = tix_geo_open(&en.geo, paths, np, NULL, d)))
        goto out;
    snprintf(st->geo, sizeof st->geo, "%s", tix_geo_describe(en.geo));
    if (ctext && *ctext &&
        (e = tix_constituencies_parse(ctext, strlen(ctext), cname ? cname : "constituencies",
                                      &en.cs, d)))
        goto out;
    int64_t after = through ? strtoll(through, NULL, 10) : 0;
    tix_obs_filter f = {
        .types = TIX_OBS_BIT(TIX_OBS_IPV4) | TIX_OBS_BIT(TIX_OBS_IPV6) |
                 TIX_OBS_BIT(TIX_OBS_DOMAIN) | TIX_OBS_BIT(TIX_OBS_URL),
        .after_id = after,
        .by_id = true,
    };
    if ((e = obs_snapshot_take(s, &f, &snap, d)) || (e = tix_store_enrich_clear(s, after, d)))
        goto out;
    for (size_t i = 0; !e && i < snap.n; i++)
        e = enrich_one(s, &en, &snap.v[i], obs_snapshot_value(&snap, i), d);
    /* the mark covers every type, so later passes skip hashes too */
    if (!e) {
        char mark[24];
        int64_t top = after;
        for (size_t i = 0; i < snap.n; i++)
            if (snap.v[i].id > top)
                top = snap.v[i].id;
        snprintf(mark, sizeof mark, "%lld", (long long)top);
        e = tix_store_setting_set(s, SET_THROUGH, mark, d);
    }
out:
    obs_snapshot_free(&snap);
    tix_constituencies_free(en.cs);
    tix_geo_free(en.geo);
    free(mmdb);
    free(ctext);
    free(cname);
    free(through);
    if (e) {
        tix_store_rollback(s);
        return e;
    }
    return tix_store_commit(s, d);
}
