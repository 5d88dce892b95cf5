/* cmd_takedown.c - tix takedown: the vetted list of one family's C&C
 * servers, grouped per responsible agency or country, to act on. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "tix/takedown.h"

static const char *takedown_usage =
    "usage: tix takedown --family F [--since DATE] [--by agency|country]\n"
    "                    [--format text|csv|jsonl|stix] [--out FILE]\n";

/* Write out to path through a temporary file renamed over it: agencies
 * must never be handed half a list because the disk filled up. */
static int write_file(const char *path, const tix_buf *out)
{
    tix_buf tmp = TIX_BUF_INIT(4096 + 64);
    tix_buf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
    if (tmp.err) {
        cli_error("takedown", "--out: path too long");
        return -1;
    }
    FILE *f = fopen(tmp.p, "wb");
    if (!f) {
        cli_error("takedown", "%s: %s", path, strerror(errno));
        tix_buf_free(&tmp);
        return -1;
    }
    int rc = cli_write(f, out->p, out->len);
    if (fflush(f) || fsync(fileno(f))) {
        if (!rc)
            cli_error("takedown", "%s: %s", path, strerror(errno));
        rc = -1;
    }
    if (fclose(f) && !rc) {
        cli_error("takedown", "%s: %s", path, strerror(errno));
        rc = -1;
    }
    if (!rc && rename(tmp.p, path)) {
        cli_error("takedown", "%s: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc)
        unlink(tmp.p);
    tix_buf_free(&tmp);
    return rc;
}

int cmd_takedown(int argc, char **argv)
{
    static const struct option opts[] = {
        {"family", required_argument, NULL, 'F'},
        {"since", required_argument, NULL, 'S'},
        {"by", required_argument, NULL, 'b'},
        {"format", required_argument, NULL, 'f'},
        {"out", required_argument, NULL, 'o'},
        {"db", required_argument, NULL, 'D'},
        {NULL, 0, NULL, 0},
    };
    tix_takedown_opts o = {.by = TIX_TAKEDOWN_BY_AGENCY};
    tix_takedown_format fmt = TIX_TAKEDOWN_TEXT;
    const char *out_path = NULL, *since_arg = NULL;
    tix_diag d = TIX_DIAG_INIT;
    int c, v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "F:S:b:f:o:", opts, NULL)) != -1) {
        switch (c) {
        case 'F': o.family = optarg; break;
        case 'S':
            if (tix_time_parse(optarg, strlen(optarg), &o.since, &d) != TIX_EOK) {
                cli_error("takedown", "--since: %s", d.msg);
                return 2;
            }
            since_arg = optarg;
            break;
        case 'b':
            if ((v = tix_takedown_by_from_name(optarg)) < 0) {
                cli_error("takedown", "--by is agency or country");
                return 2;
            }
            o.by = (tix_takedown_by)v;
            break;
        case 'f':
            if ((v = tix_takedown_format_from_name(optarg)) < 0) {
                cli_error("takedown", "--format is text, csv, jsonl or stix");
                return 2;
            }
            fmt = (tix_takedown_format)v;
            break;
        case 'o': out_path = optarg; break;
        case 'D': cli_set_db(optarg); break;
        default: fputs(takedown_usage, stderr); return 2;
        }
    }
    if (optind != argc || !o.family) {
        if (!o.family)
            cli_error("takedown", "--family is required");
        fputs(takedown_usage, stderr);
        return 2;
    }
    if (!*o.family) {
        cli_error("takedown", "--family must not be empty");
        return 2;
    }
    if (out_path && !*out_path) {
        cli_error("takedown", "--out must name a file");
        return 2;
    }
    o.now = cli_now();

    tix_store *s;
    if (cli_open_store("takedown", TIX_STORE_READONLY, &s))
        return 1;
    tix_takedown *t = NULL;
    tix_err e = tix_takedown_build(s, &o, &t, &d);
    tix_store_close(s);
    if (e) {
        cli_error("takedown", "%s", d.msg);
        return 1;
    }
    if (t->n_entries == 0 && t->n_blocked == 0) {
        cli_error("takedown", "no C&C servers of family %s in the store%s%s", o.family,
                  since_arg ? " seen since " : "", since_arg ? since_arg : "");
        tix_takedown_free(t);
        return 1;
    }
    tix_buf out = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT);
    int status = 0;
    if (tix_takedown_write(t, fmt, &out, &d) != TIX_EOK) {
        cli_error("takedown", "%s", d.msg);
        status = 1;
    } else if (out_path) {
        status = write_file(out_path, &out) ? 1 : 0;
    } else if (cli_write(stdout, out.p, out.len) || fflush(stdout)) {
        status = 1;
    }
    tix_buf_free(&out);
    tix_takedown_free(t);
    return status;
}
