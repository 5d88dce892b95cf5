/* cmd_show.c - tix show: everything the store knows about one value, STIX
 * id or sample hash: the record, its evidence, its relationships. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/hex.h"

typedef struct {
    tix_store *s;
    bool json;
    bool by_sample; /* evidence rows name their observable */
    tix_buf out;
    int n;
    char (*rels)[3][TIX_STIX_ID_MAX + 64]; /* relationships, read before printing */
    char (*relsrc)[128];
    size_t nrels, caprels;
} show_ctx;

static void tstamp(tix_buf *b, int64_t t)
{
    char s[TIX_TIME_MAX];
    tix_time_format(t, s);
    tix_buf_adds(b, *s ? s : "-");
}

static void json_str(tix_buf *b, const char *key, const char *v, bool comma)
{
    if (comma)
        tix_buf_addc(b, ',');
    tix_buf_addf(b, "\"%s\":", key);
    if (!v) {
        tix_buf_adds(b, "null");
        return;
    }
    tix_buf_addc(b, '"');
    tix_buf_add_json(b, v, strlen(v));
    tix_buf_addc(b, '"');
}

static void json_time(tix_buf *b, const char *key, int64_t t)
{
    char s[TIX_TIME_MAX];
    tix_time_format(t, s);
    json_str(b, key, *s ? s : NULL, true);
}

static int on_evidence(void *ud, const tix_evidence_rec *r)
{
    show_ctx *c = ud;
    const tix_evidence *e = &r->ev;
    tix_buf *b = &c->out;
    if (c->json) {
        tix_buf_adds(b, c->n++ ? ",{" : "{");
        json_str(b, "source", r->source, false);
        if (c->by_sample) {
            json_str(b, "type", tix_obs_name(r->type), true);
            json_str(b, "value", r->value, true);
        }
        if (r->sample_sha256) {
            json_str(b, "sample", r->sample_sha256, true);
            json_str(b, "sample_name", r->sample_name, true);
        }
        if (e->offset >= 0)
            tix_buf_addf(b, ",\"offset\":%lld,\"count\":%u", (long long)e->offset, e->count);
        if (r->document)
            json_str(b, "document", r->document, true);
        if (e->line)
            tix_buf_addf(b, ",\"line\":%llu", (unsigned long long)e->line);
        if (e->place)
            json_str(b, "place", e->place, true);
        json_time(b, "first_seen", e->first_seen);
        json_time(b, "last_seen", e->last_seen);
        tix_buf_addf(b, ",\"confidence\":%d", e->confidence);
        json_str(b, "tlp", tix_tlp_name(e->tlp), true);
        if (e->port)
            tix_buf_addf(b, ",\"port\":%d", e->port);
        if (e->family)
            json_str(b, "family", e->family, true);
        if (e->tags)
            json_str(b, "tags", e->tags, true);
        if (e->extractor)
            json_str(b, "extractor", e->extractor, true);
        tix_buf_addf(b, ",\"context_only\":%s,\"defanged\":%s,\"utf16le\":%s}",
                     e->flags & TIX_EV_CONTEXT ? "true" : "false",
                     e->flags & TIX_EV_DEFANGED ? "true" : "false",
                     e->flags & TIX_EV_UTF16 ? "true" : "false");
        return 0;
    }
    tix_buf_adds(b, "  ");
    tstamp(b, e->first_seen);
    if (e->last_seen != e->first_seen) {
        tix_buf_adds(b, " .. ");
        tstamp(b, e->last_seen);
    }
    tix_buf_addf(b, "  %s", r->source);
    if (c->by_sample)
        tix_buf_addf(b, "  %s %s", tix_obs_name(r->type), r->value);
    else if (r->sample_sha256)
        tix_buf_addf(b, "  sample %.16s.. (%s)", r->sample_sha256,
                     r->sample_name ? r->sample_name : "?");
    if (e->offset >= 0)
        tix_buf_addf(b, " offset %lld%s%s", (long long)e->offset,
                     e->flags & TIX_EV_UTF16 ? " utf16le" : "",
                     e->flags & TIX_EV_DEFANGED ? " defanged" : "");
    if (e->count > 1)
        tix_buf_addf(b, " (x%u)", e->count);
    if (r->document && !r->sample_sha256) { /* a sample names its archive */
        tix_buf_addf(b, "  %s", r->document);
        if (e->line)
            tix_buf_addf(b, ":%llu", (unsigned long long)e->line);
    }
    if (e->place)
        tix_buf_addf(b, " %s", e->place);
    if (e->port)
        tix_buf_addf(b, "  port %d", e->port);
    if (e->family)
        tix_buf_addf(b, "  family %s", e->family);
    if (e->tags)
        tix_buf_addf(b, "  tags %s", e->tags);
    if (e->extractor)
        tix_buf_addf(b, "  config extractor %s", e->extractor);
    tix_buf_addf(b, "  confidence %d  tlp:%s%s\n", e->confidence, tix_tlp_name(e->tlp),
                 e->flags & TIX_EV_CONTEXT ? "  context only" : "");
    return 0;
}

static int on_rel(void *ud, const tix_relationship *r, const char *source)
{
    show_ctx *c = ud;
    if (c->nrels == c->caprels) {
        size_t cap = c->caprels ? c->caprels * 2 : 16;
        void *a = realloc(c->rels, cap * sizeof *c->rels);
        void *b = a ? realloc(c->relsrc, cap * sizeof *c->relsrc) : NULL;
        if (a)
            c->rels = a;
        if (!b)
            return 1;
        c->relsrc = b;
        c->caprels = cap;
    }
    snprintf(c->rels[c->nrels][0], sizeof c->rels[0][0], "%s", r->src);
    snprintf(c->rels[c->nrels][1], sizeof c->rels[0][1], "%s", r->type);
    snprintf(c->rels[c->nrels][2], sizeof c->rels[0][2], "%s", r->dst);
    snprintf(c->relsrc[c->nrels], sizeof c->relsrc[0], "%s", source);
    c->nrels++;
    return 0;
}

/* What a STIX id stands for, for people: the observable's value or the
 * object's name. */
static void describe(show_ctx *c, const char *id, tix_buf *b)
{
    tix_obs_rec r;
    tix_object o;
    if (tix_store_observable_by_stix_id(c->s, id, &r, NULL) == TIX_EOK)
        tix_buf_addf(b, "%s %s", tix_obs_name(r.type), r.value);
    else if (tix_store_object_get(c->s, id, &o, NULL) == TIX_EOK)
        tix_buf_addf(b, "%s %s", o.type, o.name ? o.name : id);
    else
        tix_buf_adds(b, id);
}

static void print_rels(show_ctx *c, const char *self)
{
    tix_buf *b = &c->out;
    tix_buf what = TIX_BUF_INIT(1 << 16);
    if (c->json)
        tix_buf_adds(b, ",\"relationships\":[");
    else if (c->nrels)
        tix_buf_adds(b, "relationships\n");
    for (size_t i = 0; i < c->nrels; i++) {
        bool out = strcmp(c->rels[i][0], self) == 0;
        const char *other = out ? c->rels[i][2] : c->rels[i][0];
        tix_buf_reset(&what);
        describe(c, other, &what);
        if (c->json) {
            tix_buf_adds(b, i ? ",{" : "{");
            json_str(b, "direction", out ? "out" : "in", false);
            json_str(b, "type", c->rels[i][1], true);
            json_str(b, "other", other, true);
            json_str(b, "other_is", what.p, true);
            json_str(b, "source", c->relsrc[i], true);
            tix_buf_addc(b, '}');
        } else {
            tix_buf_addf(b, "  %s %-16s %s  (%s)\n", out ? "->" : "<-", c->rels[i][1],
                         what.p, c->relsrc[i]);
        }
    }
    if (c->json)
        tix_buf_addc(b, ']');
    tix_buf_free(&what);
}

/* ---- vetting, flags and place ------------------------------------------ */

typedef struct {
    show_ctx *c;
    tix_buf lines;       /* text: the verdict lines, printed after the status */
    int worst;           /* -1 none, else tix_vet_status */
    size_t n;
} vet_view;

static int on_verdict(void *ud, const tix_verdict_rec *v)
{
    vet_view *w = ud;
    tix_buf *b = w->c->json ? &w->c->out : &w->lines;
    int st = tix_verdict_blocks(v->policy, v->kind, v->on_host) ? TIX_VET_BLOCKED
                                                                : TIX_VET_WARN;
    if (st > w->worst)
        w->worst = st;
    if (w->c->json) {
        tix_buf_adds(b, w->n ? ",{" : "{");
        json_str(b, "list", v->list, false);
        json_str(b, "policy", tix_policy_name(v->policy), true);
        json_str(b, "match", tix_match_name(v->match), true);
        json_str(b, "entry", v->entry, true);
        if (v->note)
            json_str(b, "note", v->note, true);
        if (v->kind != TIX_LIST_KIND_NONE)
            json_str(b, "kind", tix_list_kind_name(v->kind), true);
        tix_buf_addf(b, ",\"on_host\":%s}", v->on_host ? "true" : "false");
    } else {
        tix_buf_addf(b, "  %-7s %-22s %s %s%s%s%s\n", tix_policy_name(v->policy), v->list,
                     tix_match_name(v->match), v->entry, v->on_host ? " (URL host)" : "",
                     v->note ? " - " : "", v->note ? v->note : "");
    }
    w->n++;
    return 0;
}

static int on_flag(void *ud, const char *flag, const char *evidence)
{
    vet_view *w = ud;
    tix_buf *b = w->c->json ? &w->c->out : &w->lines;
    if (w->worst < TIX_VET_WARN)
        w->worst = TIX_VET_WARN;
    if (w->c->json) {
        tix_buf_adds(b, w->n ? ",{" : "{");
        json_str(b, "flag", flag, false);
        json_str(b, "evidence", evidence, true);
        tix_buf_addc(b, '}');
    } else {
        tix_buf_addf(b, "  %-14s %s\n", flag, evidence);
    }
    w->n++;
    return 0;
}

static const char *status_text(int worst)
{
    switch (worst) {
    case TIX_VET_BLOCKED: return "blocked (kept, never exported as actionable)";
    case TIX_VET_WARN: return "warn (exported with the warnings below)";
    default: return "ok";
    }
}

static int show_vetting(show_ctx *c, int64_t id, tix_diag *d)
{
    tix_buf *b = &c->out;
    vet_view w = {.c = c, .worst = -1};
    tix_buf_init(&w.lines, (size_t)1 << 24);
    if (c->json)
        tix_buf_adds(b, ",\"verdicts\":[");
    tix_err e = tix_store_verdict_each(c->s, id, on_verdict, &w, d);
    if (c->json)
        tix_buf_adds(b, "]");
    tix_buf verdicts = w.lines;
    tix_buf_init(&w.lines, (size_t)1 << 24);
    int worst = w.worst;
    w.n = 0;
    if (c->json)
        tix_buf_adds(b, ",\"flags\":[");
    if (!e)
        e = tix_store_flag_each(c->s, id, on_flag, &w, d);
    if (c->json) {
        tix_buf_adds(b, "]");
        json_str(b, "status", tix_vet_status_name(w.worst < 0 ? TIX_VET_CLEAR
                                                               : (tix_vet_status)w.worst),
                 true);
    } else {
        tix_buf_addf(b, "  status      %s\n", status_text(w.worst));
        if (worst >= 0) {
            tix_buf_adds(b, "verdicts\n");
            tix_buf_add(b, verdicts.p, verdicts.len);
        }
        if (w.n) {
            tix_buf_adds(b, "collateral\n");
            tix_buf_add(b, w.lines.p, w.lines.len);
        }
    }
    tix_buf_free(&verdicts);
    tix_buf_free(&w.lines);
    if (e)
        return -1;

    tix_enrichment en;
    tix_diag none = TIX_DIAG_INIT;
    e = tix_store_enrichment_get(c->s, id, &en, &none);
    if (e == TIX_ENOTFOUND)
        return 0;
    if (e) {
        tix_diag_set(d, e, "%s", none.msg);
        return -1;
    }
    if (c->json) {
        tix_buf_adds(b, ",\"place\":{");
        bool comma = false;
        if (en.country[0]) {
            json_str(b, "country", en.country, comma);
            comma = true;
        }
        if (en.asn) {
            tix_buf_addf(b, "%s\"asn\":%u", comma ? "," : "", en.asn);
            comma = true;
        }
        if (en.as_name) {
            json_str(b, "as_name", en.as_name, comma);
            comma = true;
        }
        if (en.reg_domain) {
            json_str(b, "registered_domain", en.reg_domain, comma);
            comma = true;
        }
        if (en.constituency) {
            tix_buf_adds(b, comma ? ",\"constituency\":{" : "\"constituency\":{");
            json_str(b, "name", en.constituency, false);
            json_str(b, "email", en.const_email, true);
            json_str(b, "kind", en.const_kind, true);
            json_str(b, "country", en.const_country, true);
            json_str(b, "by", en.const_match, true);
            tix_buf_addc(b, '}');
        }
        tix_buf_addc(b, '}');
        return 0;
    }
    tix_buf_adds(b, "place\n");
    if (en.country[0])
        tix_buf_addf(b, "  country     %s\n", en.country);
    if (en.asn)
        tix_buf_addf(b, "  network     AS%u%s%s\n", en.asn, en.as_name ? " " : "",
                     en.as_name ? en.as_name : "");
    if (en.reg_domain)
        tix_buf_addf(b, "  registered  %s\n", en.reg_domain);
    if (en.constituency)
        tix_buf_addf(b, "  responsible %s <%s> (%s, %s; by %s)\n", en.constituency,
                     en.const_email ? en.const_email : "", en.const_kind ? en.const_kind : "",
                     en.const_country ? en.const_country : "",
                     en.const_match ? en.const_match : "");
    return 0;
}

static int show_observable(show_ctx *c, const tix_obs_rec *r0)
{
    tix_obs_rec r = *r0;
    char value[TIX_OBS_VALUE_MAX + 1];
    snprintf(value, sizeof value, "%s", r.value);
    r.value = value;
    tix_buf *b = &c->out;
    tix_diag d = TIX_DIAG_INIT;
    if (c->json) {
        tix_buf_adds(b, "{");
        json_str(b, "type", tix_obs_name(r.type), false);
        json_str(b, "value", r.value, true);
        json_str(b, "id", r.stix_id, true);
        json_time(b, "first_seen", r.first_seen);
        json_time(b, "last_seen", r.last_seen);
        tix_buf_addf(b, ",\"confidence\":%d,\"evidence_count\":%llu,\"sources\":%u",
                     r.confidence, (unsigned long long)r.n_evidence, r.n_sources);
        if (show_vetting(c, r.id, &d)) {
            cli_error("show", "%s", d.msg);
            return 1;
        }
        tix_buf_adds(b, ",\"evidence\":[");
    } else {
        tix_buf_addf(b, "%s %s\n  id          %s\n  first seen  ", tix_obs_name(r.type),
                     r.value, r.stix_id);
        tstamp(b, r.first_seen);
        tix_buf_adds(b, "\n  last seen   ");
        tstamp(b, r.last_seen);
        tix_buf_addf(b, "\n  confidence  %d (%llu evidence rows from %u source%s)\n",
                     r.confidence, (unsigned long long)r.n_evidence, r.n_sources,
                     r.n_sources == 1 ? "" : "s");
        if (show_vetting(c, r.id, &d)) {
            cli_error("show", "%s", d.msg);
            return 1;
        }
        if (r.n_evidence)
            tix_buf_adds(b, "evidence\n");
    }
    if (tix_store_evidence_each(c->s, r.id, on_evidence, c, &d) != TIX_EOK ||
        tix_store_relationship_each(c->s, r.stix_id, on_rel, c, &d) != TIX_EOK) {
        cli_error("show", "%s", d.msg[0] ? d.msg : "out of memory");
        return 1;
    }
    if (c->json)
        tix_buf_addc(b, ']');
    print_rels(c, r.stix_id);
    if (c->json)
        tix_buf_adds(b, "}\n");
    return 0;
}

static int on_family(void *ud, const char *family, const char *rule)
{
    show_ctx *c = ud;
    if (c->json) {
        tix_buf_adds(&c->out, c->n++ ? ",{" : "{");
        json_str(&c->out, "family", family, false);
        json_str(&c->out, "rule", rule, true);
        tix_buf_addc(&c->out, '}');
    } else {
        tix_buf_addf(&c->out, "%s%s (rule %s)", c->n++ ? ", " : "", family, rule);
    }
    return 0;
}

static int on_config(void *ud, const tix_config_rec *k)
{
    show_ctx *c = ud;
    if (c->json) {
        tix_buf_adds(&c->out, c->n++ ? "," : "");
        tix_buf_adds(&c->out, k->json);
    } else {
        tix_buf_addf(&c->out, "  %s %s: build %s, campaign %s\n    %s\n", k->extractor,
                     k->extractor_version, *k->build ? k->build : "?",
                     *k->campaign ? k->campaign : "?", k->json);
    }
    return 0;
}

/* A sample's families and the configurations read from it. */
static tix_err sample_classes(show_ctx *c, int64_t id, tix_diag *d)
{
    tix_buf *b = &c->out;
    c->n = 0;
    tix_buf_adds(b, c->json ? ",\"families\":[" : "  families    ");
    tix_err e = tix_store_sample_family_each(c->s, id, on_family, c, d);
    if (!c->json && c->n == 0)
        tix_buf_adds(b, "-");
    tix_buf_adds(b, c->json ? "],\"configs\":[" : "\n");
    c->n = 0;
    if (!e && !c->json)
        tix_buf_adds(b, "configurations\n");
    if (!e)
        e = tix_store_config_each(c->s, id, on_config, c, d);
    if (!c->json && c->n == 0)
        tix_buf_adds(b, "  -\n");
    tix_buf_adds(b, c->json ? "]" : "");
    return e;
}

static int show_sample(show_ctx *c, const tix_sample *smp0)
{
    char sha256[65], sha1[41], md5[33], name[1024], type[512], mime[128];
    tix_sample smp = *smp0;
    tix__hex_encode(smp.sha256, 32, sha256);
    tix__hex_encode(smp.sha1, 20, sha1);
    tix__hex_encode(smp.md5, 16, md5);
    snprintf(name, sizeof name, "%s", smp.name ? smp.name : "");
    snprintf(type, sizeof type, "%s", smp.file_type ? smp.file_type : "");
    snprintf(mime, sizeof mime, "%s", smp.mime ? smp.mime : "");
    tix_buf *b = &c->out;
    if (c->json) {
        tix_buf_adds(b, "{\"sample\":{");
        json_str(b, "sha256", sha256, false);
        json_str(b, "sha1", sha1, true);
        json_str(b, "md5", md5, true);
        tix_buf_addf(b, ",\"size\":%llu", (unsigned long long)smp.size);
        json_str(b, "name", name, true);
        json_str(b, "file_type", type, true);
        json_str(b, "mime", mime, true);
        json_time(b, "first_seen", smp.first_seen);
        tix_buf_adds(b, "}");
    } else {
        tix_buf_addf(b, "sample %s\n  sha1        %s\n  md5         %s\n  size        %llu\n"
                        "  name        %s\n  type        %s\n  mime        %s\n  first seen  ",
                     sha256, sha1, md5, (unsigned long long)smp.size, name, type, mime);
        tstamp(b, smp.first_seen);
        tix_buf_addc(b, '\n');
    }
    tix_diag d = TIX_DIAG_INIT;
    if (sample_classes(c, smp.id, &d) != TIX_EOK) {
        cli_error("show", "%s", d.msg);
        return 1;
    }
    tix_buf_adds(b, c->json ? ",\"found\":[" : "indicators found\n");
    c->n = 0;
    c->by_sample = true;
    if (tix_store_sample_evidence_each(c->s, smp.id, on_evidence, c, &d) != TIX_EOK) {
        cli_error("show", "%s", d.msg);
        return 1;
    }
    if (c->json)
        tix_buf_adds(b, "]}\n");
    return 0;
}

static bool all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (tix__hex_value((unsigned char)s[i]) < 0)
            return false;
    return true;
}

static int show_one(show_ctx *c, const char *arg)
{
    tix_diag d = TIX_DIAG_INIT;
    size_t n = strlen(arg);
    tix_obs_rec r;
    c->n = 0;
    c->nrels = 0;
    c->by_sample = false;
    if ((n == 64 || n == 40 || n == 32) && all_hex(arg, n)) {
        tix_sample smp;
        if (tix_store_sample_get(c->s, arg, &smp, &d) == TIX_EOK)
            return show_sample(c, &smp);
    }
    if (strstr(arg, "--")) {
        if (tix_store_observable_by_stix_id(c->s, arg, &r, &d) == TIX_EOK)
            return show_observable(c, &r);
        tix_object o;
        tix_diag_clear(&d);
        if (tix_store_object_get(c->s, arg, &o, &d) == TIX_EOK) {
            char id[TIX_STIX_ID_MAX + 64];
            snprintf(id, sizeof id, "%s", o.stix_id);
            if (c->json) {
                tix_buf_adds(&c->out, "{\"object\":");
                tix_buf_adds(&c->out, o.json);
            } else {
                tix_buf_addf(&c->out, "%s %s\n  %s\n", o.type, o.name ? o.name : "", o.json);
            }
            if (tix_store_relationship_each(c->s, id, on_rel, c, &d) != TIX_EOK) {
                cli_error("show", "%s", d.msg);
                return 1;
            }
            print_rels(c, id);
            if (c->json)
                tix_buf_adds(&c->out, "}\n");
            return 0;
        }
        cli_error("show", "%s: not in the store", arg);
        return 1;
    }
    tix_buf canon = TIX_BUF_INIT(TIX_OBS_VALUE_MAX * 2);
    tix_obs_type t;
    if (tix_obs_identify(arg, n, &t, &canon, &d) != TIX_EOK) {
        tix_buf_free(&canon);
        cli_error("show", "%s", d.msg);
        return 1;
    }
    tix_err e = tix_store_observable_get(c->s, t, canon.p, canon.len, &r, &d);
    if (e == TIX_ENOTFOUND)
        cli_error("show", "%s %s: not in the store", tix_obs_name(t), canon.p);
    else if (e)
        cli_error("show", "%s", d.msg);
    tix_buf_free(&canon);
    return e ? 1 : show_observable(c, &r);
}

int cmd_show(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"json", no_argument, NULL, 'j'},
        {"db", required_argument, NULL, 'D'},
        {NULL, 0, NULL, 0},
    };
    show_ctx c = {0};
    tix_buf_init(&c.out, (size_t)1 << 30);
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "f:", opts, NULL)) != -1) {
        if (o == 'j' || (o == 'f' && strcmp(optarg, "json") == 0))
            c.json = true;
        else if (o == 'f' && strcmp(optarg, "text") == 0)
            c.json = false;
        else if (o == 'D')
            cli_set_db(optarg);
        else {
            cli_error("show", "usage: tix show [--format text|json] VALUE|ID|HASH...");
            return 2;
        }
    }
    if (optind >= argc) {
        cli_error("show", "usage: tix show [--format text|json] VALUE|ID|HASH...");
        return 2;
    }
    if (cli_open_store("show", TIX_STORE_READONLY, &c.s))
        return 1;
    int status = 0;
    for (int i = optind; i < argc; i++) {
        tix_buf_reset(&c.out);
        if (show_one(&c, argv[i]))
            status = 1;
        else if (c.out.err || cli_write(stdout, c.out.p, c.out.len))
            status = 1;
    }
    tix_store_close(c.s);
    tix_buf_free(&c.out);
    free(c.rels);
    free(c.relsrc);
    if (fflush(stdout) != 0)
        status = 1;
    return status;
}
