/* misp.c - the export as one MISP event, the JSON `tix ingest misp` and a
 * MISP instance read:
 *
 *   {"Event":{"uuid":...,"info":"tix export: FILTER","Orgc":{"name":"tix"},
 *    ...,"Attribute":[{...},...],"Tag":[{"name":"tlp:amber"}],
 *    "date":"2024-05-22","timestamp":"1716372308"}}
 *
 * One attribute per observable, of its MISP type and category, to_ids
 * unless vetting blocked it or all its evidence is context only, its first
 * and last seen, a comment with its confidence and sources, and tags: its
 * TLP (the most restrictive of the evidence it carries), a malpedia galaxy
 * tag per family, and the evidence's own tags. The event is marked with the
 * most restrictive TLP of its attributes, and its date and timestamp are
 * those of the latest evidence, so the same store and filter give the same
 * event; its uuid depends on the filter alone, so a later export of the
 * same filter updates the same event. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "export/internal.h"
#include "tix/time.h"

static const struct {
    const char *type, *category;
} misp_type[TIX_OBS_COUNT] = {
    [TIX_OBS_IPV4] = {"ip-dst", "Network activity"},
    [TIX_OBS_IPV6] = {"ip-dst", "Network activity"},
    [TIX_OBS_DOMAIN] = {"domain", "Network activity"},
    [TIX_OBS_URL] = {"url", "Network activity"},
    [TIX_OBS_EMAIL] = {"email-src", "Payload delivery"},
    [TIX_OBS_MD5] = {"md5", "Payload delivery"},
    [TIX_OBS_SHA1] = {"sha1", "Payload delivery"},
    [TIX_OBS_SHA256] = {"sha256", "Payload delivery"},
    [TIX_OBS_SHA512] = {"sha512", "Payload delivery"},
    [TIX_OBS_BTC] = {"btc", "Financial fraud"},
    [TIX_OBS_XMR] = {"xmr", "Financial fraud"},
    [TIX_OBS_CVE] = {"vulnerability", "External analysis"},
    [TIX_OBS_ASN] = {"AS", "Network activity"},
};

/* Separates tag names while they are gathered: never in a tag. */
#define TAG_SEP "\x1f"

typedef struct {
    exp_out *o;
    tix_buf tags, text;
    exp_family *fams;
    size_t capfams;
    uint64_t attrs;
    int most;                 /* of the attributes; -1: none */
    int64_t latest;
    bool oom;
} misp_ctx;

/* MISP writes "2024-05-22T10:05:08.000000+00:00". */
static void misp_time(jobj *o, const char *k, int64_t t)
{
    char s[TIX_TIME_MAX];
    tix_time_format(t, s);
    size_t n = strlen(s);
    jo_key(o, k);
    tix_buf_addc(o->b, '"');
    tix_buf_add(o->b, s, n ? n - 1 : 0);
    tix_buf_adds(o->b, ".000000+00:00\"");
}

/* Evidence tags that would say something else in MISP: a TLP (the
 * attribute has its own), tix's note of a MISP category. */
static bool keep_tag(const char *t, size_t n)
{
    return !((n >= 4 && strncasecmp(t, "tlp:", 4) == 0) ||
             (n >= 14 && strncasecmp(t, "misp-category:", 14) == 0));
}

static void tag_list(misp_ctx *c, jobj *o)
{
    jo_key(o, "Tag");
    tix_buf *b = o->b;
    tix_buf_addc(b, '[');
    const char *p = c->tags.p ? c->tags.p : "";
    for (bool first = true; *p; first = false) {
        const char *end = strstr(p, TAG_SEP);
        size_t n = end ? (size_t)(end - p) : strlen(p);
        jobj t;
        if (!first)
            tix_buf_addc(b, ',');
        jo_begin(&t, b);
        jo_strn(&t, "name", p, n);
        jo_end(&t);
        p += n + (end ? strlen(TAG_SEP) : 0);
    }
    tix_buf_addc(b, ']');
}

static int on_row(void *ud, exp_walk *w, const exp_obs *v)
{
    misp_ctx *c = ud;
    const tix_export_obs *r = v->r;
    exp_flat fl;
    exp_flat_sum(r, w->tlp_max, &fl);
    char uuid[37];
    tix_buf_reset(&c->text);
    tix_buf_adds(&c->text, "misp-attribute|");
    tix_buf_adds(&c->text, r->obs.stix_id);
    if (c->text.err || exp_uuid(uuid, c->text.p, c->text.len)) {
        c->oom = true;
        return 1;
    }
    /* tags: the TLP, the families, then the evidence's own */
    tix_buf_reset(&c->tags);
    tix_buf_addf(&c->tags, "tlp:%s", tix_tlp_name(fl.most));
    size_t nf = exp_families(r, w->tlp_max, &c->fams, &c->capfams);
    if (nf == SIZE_MAX) {
        c->oom = true;
        return 1;
    }
    for (size_t i = 0; i < nf; i++)
        tix_buf_addf(&c->tags, TAG_SEP "misp-galaxy:malpedia=\"%s\"", c->fams[i].name);
    exp_flat_tags(r, w->tlp_max, TAG_SEP, keep_tag, &c->tags);

    tix_buf *b = &c->o->b;
    tix_buf_adds(b, c->attrs ? ",\n" : "\n");
    jobj o;
    jo_begin(&o, b);
    jo_str(&o, "uuid", uuid);
    jo_str(&o, "type", misp_type[r->obs.type].type);
    jo_str(&o, "category", misp_type[r->obs.type].category);
    jo_bool(&o, "to_ids", fl.detect && r->obs.status != TIX_VET_BLOCKED);
    jo_str(&o, "value", r->obs.value);
    if (fl.first) {
        misp_time(&o, "first_seen", fl.first);
        misp_time(&o, "last_seen", fl.last >= fl.first ? fl.last : fl.first);
    }
    jo_key(&o, "timestamp");
    tix_buf_addf(b, "\"%lld\"", (long long)v->version);
    tix_buf_reset(&c->text);
    tix_buf_addf(&c->text, "confidence %d; sources: ", r->obs.confidence);
    exp_flat_sources(r, w->tlp_max, ", ", &c->text);
    if (r->obs.status == TIX_VET_BLOCKED)
        tix_buf_adds(&c->text, "; blocked by vetting");
    jo_strn(&o, "comment", c->text.p ? c->text.p : "", c->text.len);
    jo_str(&o, "distribution", "5");
    tag_list(c, &o);
    jo_end(&o);
    if (c->tags.err || c->text.err)
        c->oom = true;
    if ((int)fl.most > c->most)
        c->most = fl.most;
    if (v->version > c->latest)
        c->latest = v->version;
    c->attrs++;
    exp_out_flush(c->o, false);
    return c->oom || c->o->err != TIX_EOK;
}

tix_err exp_write_misp(tix_store *s, const tix_export_filter *f, exp_out *o,
                       tix_export_stats *st, tix_diag *d)
{
    misp_ctx c = {.o = o, .tags = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT),
                  .text = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT), .most = -1};
    tix_buf *b = &o->b;
    tix_buf_adds(&c.text, "misp-event|");
    tix_export_filter_format(f, &c.text);
    char uuid[37];
    if (c.text.err || exp_uuid(uuid, c.text.p, c.text.len)) {
        tix_buf_free(&c.tags);
        tix_buf_free(&c.text);
        return tix_diag_set(d, TIX_ENOMEM, "writing MISP: out of memory");
    }
    jobj ev, org;
    tix_buf_adds(b, "{\"Event\":");
    jo_begin(&ev, b);
    jo_str(&ev, "uuid", uuid);
    tix_buf_reset(&c.tags);
    tix_export_filter_format(f, &c.tags);
    tix_buf_reset(&c.text);
    tix_buf_addf(&c.text, "tix export%s%s", c.tags.len ? ": " : "",
                 c.tags.p ? c.tags.p : "");
    jo_strn(&ev, "info", c.text.p ? c.text.p : "", c.text.len);
    jo_key(&ev, "Orgc");
    jo_begin(&org, b);
    jo_str(&org, "name", "tix");
    jo_end(&org);
    jo_str(&ev, "distribution", "0");
    jo_str(&ev, "threat_level_id", "4");
    jo_str(&ev, "analysis", "2");
    jo_bool(&ev, "published", false);
    jo_key(&ev, "Attribute");
    tix_buf_addc(b, '[');
    tix_err e = exp_flat_walk(s, f, false, on_row, &c, st, d);
    if (e == TIX_ESTOPPED)
        e = c.oom ? tix_diag_set(d, TIX_ENOMEM, "writing MISP: out of memory")
                  : tix_diag_set(d, o->err, "%s", o->why);
    if (!e) {
        tix_buf_adds(b, c.attrs ? "\n]" : "]");
        jo_key(&ev, "Tag");
        if (c.most >= 0)
            tix_buf_addf(b, "[{\"name\":\"tlp:%s\"}]", tix_tlp_name((tix_tlp)c.most));
        else
            tix_buf_adds(b, "[]");
        int64_t when = c.latest ? c.latest : (f->now ? f->now : tix_time_now());
        char day[TIX_TIME_MAX];
        tix_time_format(when, day);
        day[10] = 0;
        jo_str(&ev, "date", day);
        jo_key(&ev, "timestamp");
        tix_buf_addf(b, "\"%lld\"", (long long)when);
        jo_end(&ev);
        tix_buf_adds(b, "}\n");
        if (c.oom || c.tags.err || c.text.err)
            e = tix_diag_set(d, TIX_ENOMEM, "writing MISP: out of memory");
    }
    st->objects = c.attrs;
    tix_buf_free(&c.tags);
    tix_buf_free(&c.text);
    free(c.fams);
    return e;
}
