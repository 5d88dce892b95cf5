/* sink.c - importers' findings into the store: canonical values, STIX
 * ids, one evidence row per finding, and a URL's host as its own observable
 * related to the URL. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "ingest/sink.h"
#include "tix/time.h"

void store_sink_init(store_sink *k, tix_store *s, const tix_ingest_opts *o,
                     tix_ingest_stats *st, int64_t now)
{
    memset(k, 0, sizeof *k);
    k->s = s;
    k->o = o;
    k->st = st;
    k->now = now;
    k->tlp = TIX_TLP_AMBER;
    tix_buf_init(&k->canon, TIX_OBS_VALUE_MAX * 2);
    tix_buf_init(&k->host, TIX_OBS_VALUE_MAX * 2);
}

void store_sink_free(store_sink *k)
{
    tix_buf_free(&k->canon);
    tix_buf_free(&k->host);
    for (size_t i = 0; i < k->nnamed; i++)
        free(k->named[i].name);
    free(k->named);
}

/* The source a record names: created like the ingest's own source. */
static tix_err named_source_id(store_sink *k, const char *name, int64_t *id,
                               tix_diag *d)
{
    if (!name || !*name) {
        *id = k->source_id;
        return TIX_EOK;
    }
    for (size_t i = 0; i < k->nnamed; i++)
        if (strcmp(k->named[i].name, name) == 0) {
            *id = k->named[i].id;
            return TIX_EOK;
        }
    tix_source src;
    tix_err e = tix_store_source_put(k->s, name, k->o->kind, -1, &src, d);
    if (e)
        return e;
    if (k->nnamed == k->capnamed) {
        size_t cap = k->capnamed ? k->capnamed * 2 : 8;
        named_source *n = realloc(k->named, cap * sizeof *n);
        if (!n)
            return tix_diag_set(d, TIX_ENOMEM, "out of memory");
        k->named = n;
        k->capnamed = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    k->named[k->nnamed].name = copy;
    k->named[k->nnamed++].id = src.id;
    *id = src.id;
    return TIX_EOK;
}

/* Canonical value of o into k->canon; an IP given under the other family's
 * type (feeds rarely say which) is taken as what it is. */
static tix_err canon(store_sink *k, const tix_obs_in *o, tix_obs_type *type, tix_diag *d)
{
    tix_buf_reset(&k->canon);
    tix_diag why = TIX_DIAG_INIT;
    *type = o->type;
    tix_err e = tix_obs_canon(o->type, o->value, o->value_len, &k->canon, &why);
    if (e == TIX_EPARSE && (o->type == TIX_OBS_IPV4 || o->type == TIX_OBS_IPV6)) {
        tix_obs_type other = o->type == TIX_OBS_IPV4 ? TIX_OBS_IPV6 : TIX_OBS_IPV4;
        tix_buf_reset(&k->canon);
        if (tix_obs_canon(other, o->value, o->value_len, &k->canon, NULL) == TIX_EOK) {
            *type = other;
            e = TIX_EOK;
        }
    }
    if (e == TIX_EOK && k->canon.err)
        e = k->canon.err;
    if (e == TIX_EPARSE) {
        size_t n = o->value_len > 80 ? 80 : o->value_len;
        char shown[81];
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)o->value[i];
            shown[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
        }
        shown[n] = 0;
        return tix_diag_set(d, TIX_EPARSE, "'%s%s' is not a valid %s", shown,
                            o->value_len > 80 ? "..." : "", tix_obs_name(o->type));
    }
    if (e)
        return tix_diag_set(d, e, "%s", why.msg[0] ? why.msg : tix_strerror(e));
    return TIX_EOK;
}


static tix_err relate_host(store_sink *k, const char *url_id, int64_t source_id,
                           int64_t first, int64_t last, tix_tlp tlp, tix_diag *d)
{
    const char *h;
    size_t hl;
    if (!tix__url_host(k->canon.p, k->canon.len, &h, &hl))
        return TIX_EOK;
    tix_buf_reset(&k->host);
    tix_obs_type ht;
    if (tix_obs_identify(h, hl, &ht, &k->host, NULL) != TIX_EOK ||
        (ht != TIX_OBS_DOMAIN && ht != TIX_OBS_IPV4 && ht != TIX_OBS_IPV6))
        return TIX_EOK; /* a host tix does not treat as an indicator */
    int64_t hid;
    bool created;
    char host_id[TIX_STIX_ID_MAX];
    tix_err e = tix_obs_stix_id(ht, k->host.p, k->host.len, host_id, d);
    if (e || (e = tix_store_observable_put_id(k->s, ht, k->host.p, k->host.len, host_id,
                                              &hid, &created, d)))
        return e;
    if (created)
        k->st->observables_new++;
    tix_relationship r = {url_id, "has-host", host_id, source_id, k->document_id,
                          first, last, tlp};
    if ((e = tix_store_relationship_add(k->s, &r, d)))
        return e;
    k->st->relationships++;
    return TIX_EOK;
}

tix_err store_sink_observe_at(store_sink *k, const tix_obs_in *o, int64_t offset,
                              uint32_t count, unsigned flags,
                              char id[TIX_STIX_ID_MAX], tix_diag *d)
{
    tix_obs_type type;
    tix_err e = canon(k, o, &type, d);
    if (e)
        return e;
    if ((e = tix_obs_stix_id(type, k->canon.p, k->canon.len, id, d)))
        return e;
    int64_t obs_id, source_id;
    bool created;
    if ((e = named_source_id(k, o->source, &source_id, d)) ||
        (e = tix_store_observable_put_id(k->s, type, k->canon.p, k->canon.len, id,
                                         &obs_id, &created, d)))
        return e;
    if (created)
        k->st->observables_new++;

    int conf = o->confidence >= 0 && o->confidence <= 100 ? o->confidence : 100;
    if (o->context_only) {
        conf /= 2; /* context is worth less than a detection */
        flags |= TIX_EV_CONTEXT;
    }
    int64_t first = o->first_seen ? o->first_seen : k->now;
    int64_t last = o->last_seen > first ? o->last_seen : first;
    tix_tlp tlp = o->tlp != TIX_TLP_UNSET ? o->tlp : k->tlp;
    tix_evidence ev = {
        .observable_id = obs_id,
        .source_id = source_id,
        .sample_id = k->sample_id,
        .document_id = k->document_id,
        .line = o->line,
        .offset = offset,
        .count = count ? count : 1,
        .first_seen = first,
        .last_seen = last,
        .confidence = conf,
        .tlp = tlp,
        .port = o->port > 0 && o->port <= 65535 ? o->port : 0,
        .family = o->family,
        .tags = o->tags,
        .place = o->where,
        .flags = flags,
        .ingested = k->now,
        .extractor = k->extractor,
    };
    if ((e = tix_store_evidence_add(k->s, &ev, d)))
        return e;
    k->st->evidence++;
    if (type == TIX_OBS_URL)
        return relate_host(k, id, source_id, first, last, tlp, d);
    return TIX_EOK;
}

static tix_err sink_observe(void *ud, const tix_obs_in *o, char id[TIX_STIX_ID_MAX],
                            tix_diag *d)
{
    return store_sink_observe_at(ud, o, -1, 1, 0, id, d);
}

static tix_err sink_object(void *ud, const tix_object_in *o, tix_diag *d)
{
    store_sink *k = ud;
    int64_t source_id;
    tix_err e = named_source_id(k, o->source, &source_id, d);
    if (e)
        return e;
    tix_object obj = {o->id, o->type, o->name, o->created, o->modified,
                      o->tlp != TIX_TLP_UNSET ? o->tlp : k->tlp, source_id,
                      k->document_id, o->json};
    if ((e = tix_store_object_put(k->s, &obj, d)))
        return e;
    k->st->objects++;
    return TIX_EOK;
}

static tix_err sink_relate(void *ud, const tix_rel_in *r, tix_diag *d)
{
    store_sink *k = ud;
    int64_t source_id;
    tix_err e = named_source_id(k, r->source, &source_id, d);
    if (e)
        return e;
    int64_t first = r->first_seen ? r->first_seen : k->now;
    tix_relationship rel = {r->src_id, r->type, r->dst_id, source_id, k->document_id,
                            first, r->last_seen > first ? r->last_seen : first,
                            r->tlp != TIX_TLP_UNSET ? r->tlp : k->tlp};
    if ((e = tix_store_relationship_add(k->s, &rel, d)))
        return e;
    k->st->relationships++;
    return TIX_EOK;
}

/* A DNS name as passive DNS records it: lower case, no trailing dot, IDN
 * as A-labels when it is a registrable name; names under no public suffix
 * (internal zones, reverse zones) are kept as written if they are plain. */
static const char *dns_name(tix_buf *b, const char *p)
{
    size_t n = strlen(p);
    while (n && p[n - 1] == '.')
        n--;
    tix_buf_reset(b);
    if (n && tix_obs_canon(TIX_OBS_DOMAIN, p, n, b, NULL) == TIX_EOK && !b->err) {
        tix_buf_addc(b, 0);
        return b->p;
    }
    tix_buf_reset(b);
    if (n == 0 || n > 253)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char c = (char)tolower((unsigned char)p[i]);
        if (!(isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.' || c == '*') ||
            (c == '.' && (i == 0 || p[i - 1] == '.')))
            return NULL;
        tix_buf_addc(b, c);
    }
    tix_buf_addc(b, 0);
    return b->err ? NULL : b->p;
}

static tix_err sink_resolve(void *ud, const tix_dns_in *r, tix_diag *d)
{
    store_sink *k = ud;
    char type[8];
    size_t tn = strlen(r->rrtype);
    if (tn >= sizeof type)
        return tix_diag_set(d, TIX_EPARSE, "rrtype '%.20s' is unknown", r->rrtype);
    for (size_t i = 0; i <= tn; i++)
        type[i] = (char)toupper((unsigned char)r->rrtype[i]);
    const char *name = dns_name(&k->canon, r->rrname);
    if (!name)
        return tix_diag_set(d, TIX_EPARSE, "rrname '%.80s' is not a DNS name", r->rrname);
    const char *data = r->rdata;
    tix_buf_reset(&k->host);
    if (strcmp(type, "A") == 0 || strcmp(type, "AAAA") == 0) {
        tix_obs_type t = type[1] ? TIX_OBS_IPV6 : TIX_OBS_IPV4;
        if (tix_obs_canon(t, data, strlen(data), &k->host, NULL) || k->host.err ||
            memchr(k->host.p, '/', k->host.len))
            return tix_diag_set(d, TIX_EPARSE, "rdata '%.80s' is not an %s address", data,
                                t == TIX_OBS_IPV4 ? "IPv4" : "IPv6");
        tix_buf_addc(&k->host, 0);
        data = k->host.p;
    } else {
        if (strcmp(type, "MX") == 0) /* "10 mx.example." */
            while (isdigit((unsigned char)*data) || *data == ' ')
                data++;
        tix_buf tmp = TIX_BUF_INIT(512);
        const char *h = dns_name(&tmp, data);
        if (h)
            tix_buf_adds(&k->host, h);
        tix_buf_free(&tmp);
        if (!h)
            return tix_diag_set(d, TIX_EPARSE, "rdata '%.80s' is not a DNS name", r->rdata);
        tix_buf_addc(&k->host, 0);
        data = k->host.p;
    }
    int64_t first = r->first_seen ? r->first_seen : (r->last_seen ? r->last_seen : k->now);
    int64_t last = r->last_seen > first ? r->last_seen : first;
    tix_resolution res = {name, type, data, first, last, r->count, k->source_id};
    bool created;
    tix_err e = tix_store_resolution_add(k->s, &res, &created, d);
    if (e)
        return e;
    if (!k->st->resolutions++)
        /* tells vetting that passive DNS is there to consult */
        e = tix_store_setting_set(k->s, "pdns.records", "1", d);
    return e;
}

void store_sink_already(const tix_ingest_opts *o, const char *name, int64_t when)
{
    if (!o->report)
        return;
    char t[TIX_TIME_MAX], msg[600];
    tix_time_format(when, t);
    snprintf(msg, sizeof msg, "%s: already ingested on %s; nothing added", name, t);
    o->report(o->report_ud, msg);
}

/* An identity an earlier document stored (as a STIX object with its name). */
static tix_err sink_identity_name(void *ud, const char *id, char **name, tix_diag *d)
{
    store_sink *k = ud;
    *name = NULL;
    if (strncmp(id, "identity--", 10) != 0)
        return tix_diag_set(d, TIX_ENOTFOUND, "%s is not an identity", id);
    tix_object obj;
    tix_err e = tix_store_object_get(k->s, id, &obj, d);
    if (e)
        return e;
    if (!obj.name || !*obj.name)
        return tix_diag_set(d, TIX_ENOTFOUND, "%s has no name", id);
    if (!(*name = strdup(obj.name)))
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    return TIX_EOK;
}

tix_sink store_sink_iface(store_sink *k)
{
    tix_sink s = {k, sink_observe, sink_object, sink_relate, sink_resolve,
                  sink_identity_name};
    return s;
}

void store_sink_add_stats(tix_ingest_stats *st, const tix_feed_stats *fs)
{
    st->records += fs->records;
    st->observations += fs->observations;
    st->skipped += fs->skipped;
    for (size_t i = 0; i < fs->nreasons; i++) {
        size_t j;
        for (j = 0; j < st->nreasons; j++)
            if (strcmp(st->reasons[j].reason, fs->reasons[i].reason) == 0)
                break;
        if (j == st->nreasons) {
            if (st->nreasons == TIX_FEED_REASONS)
                j = TIX_FEED_REASONS - 1;
            else
                st->reasons[st->nreasons++] = (tix_feed_reason){{0}, 0};
            if (!st->reasons[j].reason[0])
                memcpy(st->reasons[j].reason, fs->reasons[i].reason,
                       sizeof st->reasons[j].reason);
        }
        st->reasons[j].n += fs->reasons[i].n;
    }
    st->unmapped += fs->unmapped;
}
