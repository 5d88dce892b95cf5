/* cmd_audit.c - tix audit: who has received what from the TAXII server,
 * and when; oldest first. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/hex.h"

static const char *audit_usage =
    "usage: tix audit [--partner P] [--object ID] [--collection C] [--since DATE]\n"
    "                 [--format text|jsonl] [--ids]\n";

typedef struct {
    bool jsonl, ids;
    tix_store *s;
    tix_buf out;
    tix_buf idl;
    uint64_t n;
    tix_err err;
    tix_diag *d;
} audit_ctx;

static int on_obj(void *ud, int64_t key, const char *id, int64_t version)
{
    (void)key;
    audit_ctx *c = ud;
    char v[TIX_TIME_US_MAX];
    tix_time_format_us(version, v);
    if (c->jsonl) {
        if (c->idl.len)
            tix_buf_addc(&c->idl, ',');
        tix_buf_adds(&c->idl, "{\"id\":\"");
        tix_buf_add_json(&c->idl, id, strlen(id));
        tix_buf_adds(&c->idl, "\",\"version\":\"");
        tix_buf_adds(&c->idl, v);
        tix_buf_adds(&c->idl, "\"}");
    } else {
        tix_buf_adds(&c->idl, "\t");
        tix_buf_adds(&c->idl, id);
        tix_buf_adds(&c->idl, " ");
        tix_buf_adds(&c->idl, v);
        tix_buf_adds(&c->idl, "\n");
    }
    return 0;
}

static int on_audit(void *ud, const tix_audit_rec *r)
{
    audit_ctx *c = ud;
    tix_buf *b = &c->out;
    char when[TIX_TIME_US_MAX], sha[65] = "-";
    tix_time_format_us(r->time, when);
    if (r->has_sha256)
        tix__hex_encode(r->sha256, 32, sha);
    const char *coll = r->collection ? r->collection : "-";
    tix_buf_reset(&c->idl);
    if (c->ids && r->n_keys) {
        if ((c->err = tix_audit_objects(c->s, r, on_obj, c, c->d)))
            return 1;
    }
    if (c->jsonl) {
        tix_buf_addf(b, "{\"time\":\"%s\",\"partner\":\"", when);
        tix_buf_add_json(b, r->partner, strlen(r->partner));
        tix_buf_adds(b, "\",\"collection\":");
        if (r->collection) {
            tix_buf_addc(b, '"');
            tix_buf_add_json(b, r->collection, strlen(r->collection));
            tix_buf_adds(b, "\",\"collection_id\":\"");
            tix_buf_adds(b, r->collection_uuid);
            tix_buf_addc(b, '"');
        } else {
            tix_buf_adds(b, "null,\"collection_id\":null");
        }
        tix_buf_adds(b, ",\"method\":\"");
        tix_buf_add_json(b, r->method, strlen(r->method));
        tix_buf_adds(b, "\",\"request\":\"");
        tix_buf_add_json(b, r->request, strlen(r->request));
        tix_buf_addf(b, "\",\"status\":%d,\"objects\":%zu,\"sha256\":", r->status, r->n_keys);
        if (r->has_sha256)
            tix_buf_addf(b, "\"%s\"", sha);
        else
            tix_buf_adds(b, "null");
        if (c->ids) {
            tix_buf_adds(b, ",\"ids\":[");
            tix_buf_add(b, c->idl.p, c->idl.len);
            tix_buf_addc(b, ']');
        }
        tix_buf_adds(b, "}\n");
    } else {
        tix_buf_addf(b, "%s\t%s\t%s\t%s %s\t%d\t%zu object%s\tsha256:%s\n", when, r->partner,
                     coll, r->method, r->request, r->status, r->n_keys,
                     r->n_keys == 1 ? "" : "s", sha);
        if (c->ids)
            tix_buf_add(b, c->idl.p, c->idl.len);
    }
    c->n++;
    return 0;
}

int cmd_audit(int argc, char **argv)
{
    static const struct option opts[] = {
        {"partner", required_argument, NULL, 'p'},
        {"object", required_argument, NULL, 'o'},
        {"collection", required_argument, NULL, 'c'},
        {"since", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'},
        {"ids", no_argument, NULL, 'i'},
        {NULL, 0, NULL, 0},
    };
    tix_audit_filter f = {0};
    tix_diag d = TIX_DIAG_INIT;
    audit_ctx c = {.out = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT), .idl = TIX_BUF_INIT(0), .d = &d};
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "p:o:c:s:f:i", opts, NULL)) != -1) {
        switch (o) {
        case 'p': f.partner = optarg; break;
        case 'o': f.object_id = optarg; break;
        case 'c': f.collection = optarg; break;
        case 's': {
            int64_t t;
            if (tix_time_parse(optarg, strlen(optarg), &t, &d) != TIX_EOK) {
                cli_error("audit", "--since: %s", d.msg);
                return 2;
            }
            f.since = t * 1000000;
            break;
        }
        case 'f':
            if (strcmp(optarg, "jsonl") == 0)
                c.jsonl = true;
            else if (strcmp(optarg, "text") != 0) {
                cli_error("audit", "--format is text or jsonl");
                return 2;
            }
            break;
        case 'i': c.ids = true; break;
        default: fputs(audit_usage, stderr); return 2;
        }
    }
    if (optind != argc) {
        fputs(audit_usage, stderr);
        return 2;
    }
    if (cli_open_store("audit", TIX_STORE_READONLY, &c.s))
        return 1;
    tix_err e = tix_audit_each(c.s, &f, on_audit, &c, &d);
    if (e == TIX_ESTOPPED && c.err)
        e = c.err;
    tix_store_close(c.s);
    int rc = 0;
    if (e) {
        cli_error("audit", "%s", d.msg);
        rc = 1;
    } else if (cli_write(stdout, c.out.p, c.out.len) || fflush(stdout)) {
        rc = 1;
    }
    tix_buf_free(&c.out);
    tix_buf_free(&c.idl);
    return rc;
}
