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
        tix_buf_addf(b, ",\"confidence\":%d,\"evidence_count\":%llu,\"sources\":%u,"
                        "\"evidence\":[",
                     r.confidence, (unsigned long long)r.n_evidence, r.n_sources);
    } else {
        tix_buf_addf(b, "%s %s\n  id          %s\n  first seen  ", tix_obs_name(r.type),
                     r.value, r.stix_id);
        tstamp(b, r.first_seen);
        tix_buf_adds(b, "\n  last seen   ");
        tstamp(b, r.last_seen);
        tix_buf_addf(b, "\n  confidence  %d (%llu evidence rows from %u source%s)\n",
                     r.confidence, (unsigned long long)r.n_evidence, r.n_sources,
                     r.n_sources == 1 ? "" : "s");
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
        tix_buf_adds(b, "},\"found\":[");
    } else {
        tix_buf_addf(b, "sample %s\n  sha1        %s\n  md5         %s\n  size        %llu\n"
                        "  name        %s\n  type        %s\n  mime        %s\n  first seen  ",
                     sha256, sha1, md5, (unsigned long long)smp.size, name, type, mime);
        tstamp(b, smp.first_seen);
        tix_buf_adds(b, "\nindicators found\n");
    }
    tix_diag d = TIX_DIAG_INIT;
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
