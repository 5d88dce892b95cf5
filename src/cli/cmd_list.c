/* cmd_list.c - tix list: observables with filters, as a table, JSON lines
 * or CSV. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

enum { FMT_TABLE, FMT_JSONL, FMT_CSV };

typedef struct {
    int fmt;
    tix_buf out;
    uint64_t n;
    int failed;
} list_ctx;

static void add_time(tix_buf *b, int64_t t)
{
    char s[TIX_TIME_MAX];
    tix_time_format(t, s);
    tix_buf_adds(b, s);
}

static int on_obs(void *ud, const tix_obs_rec *r)
{
    list_ctx *c = ud;
    tix_buf *b = &c->out;
    c->n++;
    switch (c->fmt) {
    case FMT_JSONL:
        tix_buf_addf(b, "{\"type\":\"%s\",\"value\":\"", tix_obs_name(r->type));
        tix_buf_add_json(b, r->value, strlen(r->value));
        tix_buf_addf(b, "\",\"id\":\"%s\",\"first_seen\":", r->stix_id);
        if (r->first_seen) {
            tix_buf_addc(b, '"');
            add_time(b, r->first_seen);
            tix_buf_adds(b, "\",\"last_seen\":\"");
            add_time(b, r->last_seen);
            tix_buf_addc(b, '"');
        } else {
            tix_buf_adds(b, "null,\"last_seen\":null");
        }
        tix_buf_addf(b, ",\"confidence\":%d,\"evidence\":%llu,\"sources\":%u,"
                        "\"status\":\"%s\"}\n",
                     r->confidence, (unsigned long long)r->n_evidence, r->n_sources,
                     tix_vet_status_name(r->status));
        break;
    case FMT_CSV:
        tix_buf_adds(b, tix_obs_name(r->type));
        tix_buf_addc(b, ',');
        tix_buf_add_csv(b, r->value, strlen(r->value));
        tix_buf_addf(b, ",%s,", r->stix_id);
        add_time(b, r->first_seen);
        tix_buf_addc(b, ',');
        add_time(b, r->last_seen);
        tix_buf_addf(b, ",%d,%llu,%u,%s\n", r->confidence,
                     (unsigned long long)r->n_evidence, r->n_sources,
                     tix_vet_status_name(r->status));
        break;
    default: {
        char f[TIX_TIME_MAX], l[TIX_TIME_MAX];
        tix_time_format(r->first_seen, f);
        tix_time_format(r->last_seen, l);
        /* dates are enough in a table; show has the times */
        tix_buf_addf(b, "%-7s %-46s %4d %10.10s %10.10s %8llu %3u %s\n",
                     tix_obs_name(r->type), r->value, r->confidence, *f ? f : "-",
                     *l ? l : "-", (unsigned long long)r->n_evidence, r->n_sources,
                     tix_vet_status_name(r->status));
    }
    }
    if (b->len >= (1 << 20)) {
        if (b->err || cli_write(stdout, b->p, b->len)) {
            c->failed = 1;
            return 1;
        }
        tix_buf_reset(b);
    }
    return 0;
}

static const char *list_usage =
    "usage: tix list [--type LIST] [--source NAME] [--since DATE]\n"
    "                [--min-confidence N] [--limit N] [--status S]\n"
    "                [--format table|jsonl|csv]\n";

int cmd_list(int argc, char **argv)
{
    static const struct option opts[] = {
        {"type", required_argument, NULL, 't'},
        {"types", required_argument, NULL, 't'},
        {"source", required_argument, NULL, 's'},
        {"since", required_argument, NULL, 'S'},
        {"min-confidence", required_argument, NULL, 'c'},
        {"limit", required_argument, NULL, 'n'},
        {"format", required_argument, NULL, 'f'},
        {"status", required_argument, NULL, 'V'},
        {"db", required_argument, NULL, 'D'},
        {NULL, 0, NULL, 0},
    };
    tix_obs_filter f = {0};
    list_ctx c = {0};
    tix_diag d = TIX_DIAG_INIT;
    int o;
    char *end;
    optind = 1;
    while ((o = getopt_long(argc, argv, "t:s:f:n:", opts, NULL)) != -1) {
        switch (o) {
        case 't':
            if (tix_obs_parse_types(optarg, &f.types, &d) != TIX_EOK) {
                cli_error("list", "%s", d.msg);
                return 2;
            }
            break;
        case 's': f.source = optarg; break;
        case 'S':
            if (tix_time_parse(optarg, strlen(optarg), &f.since, &d) != TIX_EOK) {
                cli_error("list", "--since: %s", d.msg);
                return 2;
            }
            break;
        case 'c': {
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0 || v > 100) {
                cli_error("list", "--min-confidence is a number from 0 to 100");
                return 2;
            }
            f.min_confidence = (int)v;
            break;
        }
        case 'n': {
            long long v = strtoll(optarg, &end, 10);
            if (*end || v <= 0) {
                cli_error("list", "--limit is a positive number");
                return 2;
            }
            f.limit = (uint64_t)v;
            break;
        }
        case 'f':
            if (strcmp(optarg, "table") == 0)
                c.fmt = FMT_TABLE;
            else if (strcmp(optarg, "jsonl") == 0)
                c.fmt = FMT_JSONL;
            else if (strcmp(optarg, "csv") == 0)
                c.fmt = FMT_CSV;
            else {
                cli_error("list", "--format is table, jsonl or csv");
                return 2;
            }
            break;
        case 'V':
            if (strcmp(optarg, "ok") == 0)
                f.status = 1 + TIX_VET_CLEAR;
            else if (strcmp(optarg, "warn") == 0)
                f.status = 1 + TIX_VET_WARN;
            else if (strcmp(optarg, "blocked") == 0)
                f.status = 1 + TIX_VET_BLOCKED;
            else if (strcmp(optarg, "actionable") == 0)
                f.not_blocked = true;
            else {
                cli_error("list", "--status is ok, warn, blocked or actionable");
                return 2;
            }
            break;
        case 'D': cli_set_db(optarg); break;
        default: fputs(list_usage, stderr); return 2;
        }
    }
    if (optind != argc) {
        fputs(list_usage, stderr);
        return 2;
    }
    tix_store *s;
    if (cli_open_store("list", TIX_STORE_READONLY, &s))
        return 1;
    tix_buf_init(&c.out, (size_t)1 << 28);
    if (c.fmt == FMT_CSV)
        tix_buf_adds(&c.out, "type,value,id,first_seen,last_seen,confidence,evidence,sources,"
                             "status\n");
    else if (c.fmt == FMT_TABLE)
        tix_buf_addf(&c.out, "%-7s %-46s %4s %10s %10s %8s %3s %s\n", "TYPE", "VALUE",
                     "CONF", "FIRST", "LAST", "EVIDENCE", "SRC", "STATUS");
    tix_err e = tix_store_observable_each(s, &f, on_obs, &c, &d);
    int status = 0;
    if (e && !(e == TIX_ESTOPPED && c.failed)) {
        cli_error("list", "%s", d.msg);
        status = 1;
    }
    if (c.failed || c.out.err || cli_write(stdout, c.out.p, c.out.len) || fflush(stdout))
        status = 1;
    tix_store_close(s);
    tix_buf_free(&c.out);
    return status;
}
