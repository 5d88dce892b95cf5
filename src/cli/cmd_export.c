/* cmd_export.c - tix export: what the store knows, filtered, as a STIX 2.1
 * bundle, a MISP event, CSV or a block list, for the partners who act on
 * it. The filter is the options, or a saved query (--query) that the
 * options then override. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "tix/export.h"

static const char *export_usage =
    "usage: tix export --format stix|misp|csv|blocklist [--type LIST] [--family F]\n"
    "                  [--source S] [--since DATE] [--active [--active-days N]]\n"
    "                  [--min-confidence N] [--country CC] [--constituency NAME]\n"
    "                  [--tlp MAX] [--query 'TERMS'] [--out FILE]\n";

/* What the options say, before the query they override is read. */
typedef struct {
    const char *type, *family, *source, *since, *active_days, *conf, *country,
        *constituency, *tlp, *query;
    bool active;
} opt_vals;

static int usage_error(const char *opt, const char *msg)
{
    cli_error("export", "%s: %s", opt, msg);
    return 2;
}

/* Apply the options over f (the query's, or empty). */
static int apply(const opt_vals *v, tix_export_filter *f)
{
    tix_diag d = TIX_DIAG_INIT;
    char *end;
    if (v->type && tix_export_types_parse(v->type, &f->types, &d))
        return usage_error("--type", d.msg);
    if (v->family) {
        if (!*v->family)
            return usage_error("--family", "must not be empty");
        f->family = v->family;
    }
    if (v->source) {
        if (!*v->source)
            return usage_error("--source", "must not be empty");
        f->source = v->source;
    }
    if (v->since && (tix_time_parse(v->since, strlen(v->since), &f->since, &d) ||
                     f->since <= 0))
        return usage_error("--since", d.msg[0] ? d.msg : "before 1970");
    if (v->active || v->active_days)
        f->active = true;
    if (v->active_days) {
        long n = strtol(v->active_days, &end, 10);
        if (!*v->active_days || *end || n < 1 || n > 36500)
            return usage_error("--active-days", "a number of days from 1 to 36500");
        f->active_days = (int)n;
    }
    if (v->conf) {
        long n = strtol(v->conf, &end, 10);
        if (!*v->conf || *end || n < 0 || n > 100)
            return usage_error("--min-confidence", "a number from 0 to 100");
        f->min_confidence = (int)n;
    }
    if (v->country) {
        if (strlen(v->country) != 2 || !isalpha((unsigned char)v->country[0]) ||
            !isalpha((unsigned char)v->country[1]))
            return usage_error("--country", "a two-letter country code");
        f->country = v->country;
    }
    if (v->constituency) {
        if (!*v->constituency)
            return usage_error("--constituency", "must not be empty");
        f->constituency = v->constituency;
    }
    if (v->tlp && (f->tlp_max = tix_tlp_parse(v->tlp, strlen(v->tlp))) == TIX_TLP_UNSET)
        return usage_error("--tlp", "clear, green, amber, amber+strict or red");
    return 0;
}

/* Write to a temporary file next to path and rename it over path once the
 * export is complete: a failed export leaves no half file behind. */
static int export_file(tix_store *s, const tix_export_filter *f, tix_export_format fmt,
                       const char *path, tix_export_stats *st)
{
    tix_buf tmp = TIX_BUF_INIT(4096 + 64);
    tix_buf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
    if (tmp.err) {
        cli_error("export", "--out: path too long");
        return 1;
    }
    FILE *out = fopen(tmp.p, "wb");
    if (!out) {
        cli_error("export", "%s: %s", tmp.p, strerror(errno));
        tix_buf_free(&tmp);
        return 1;
    }
    tix_diag d = TIX_DIAG_INIT;
    int rc = 0;
    if (tix_export_stream(s, f, fmt, out, st, &d) != TIX_EOK) {
        cli_error("export", "%s", d.msg);
        rc = 1;
    }
    if (!rc && (fflush(out) || fsync(fileno(out)))) {
        cli_error("export", "%s: %s", path, strerror(errno));
        rc = 1;
    }
    if (fclose(out) && !rc) {
        cli_error("export", "%s: %s", path, strerror(errno));
        rc = 1;
    }
    if (!rc && rename(tmp.p, path)) {
        cli_error("export", "%s: %s", path, strerror(errno));
        rc = 1;
    }
    if (rc)
        unlink(tmp.p);
    tix_buf_free(&tmp);
    return rc;
}

static const char *what_objects(tix_export_format fmt)
{
    switch (fmt) {
    case TIX_EXPORT_STIX: return "STIX objects";
    case TIX_EXPORT_MISP: return "MISP attributes";
    case TIX_EXPORT_CSV: return "rows";
    default: return "lines";
    }
}

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"type", required_argument, NULL, 't'},
        {"types", required_argument, NULL, 't'},
        {"family", required_argument, NULL, 'F'},
        {"source", required_argument, NULL, 's'},
        {"since", required_argument, NULL, 'S'},
        {"active", no_argument, NULL, 'a'},
        {"active-days", required_argument, NULL, 'A'},
        {"min-confidence", required_argument, NULL, 'c'},
        {"country", required_argument, NULL, 'C'},
        {"constituency", required_argument, NULL, 'K'},
        {"tlp", required_argument, NULL, 'T'},
        {"query", required_argument, NULL, 'q'},
        {"out", required_argument, NULL, 'o'},
        {"db", required_argument, NULL, 'D'},
        {NULL, 0, NULL, 0},
    };
    opt_vals v = {0};
    const char *out_path = NULL;
    int fmt = -1, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:t:o:", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if ((fmt = tix_export_format_from_name(optarg)) < 0) {
                cli_error("export", "--format is stix, misp, csv or blocklist");
                return 2;
            }
            break;
        case 't': v.type = optarg; break;
        case 'F': v.family = optarg; break;
        case 's': v.source = optarg; break;
        case 'S': v.since = optarg; break;
        case 'a': v.active = true; break;
        case 'A': v.active_days = optarg; break;
        case 'c': v.conf = optarg; break;
        case 'C': v.country = optarg; break;
        case 'K': v.constituency = optarg; break;
        case 'T': v.tlp = optarg; break;
        case 'q': v.query = optarg; break;
        case 'o': out_path = optarg; break;
        case 'D': cli_set_db(optarg); break;
        default: fputs(export_usage, stderr); return 2;
        }
    }
    if (optind != argc || fmt < 0) {
        if (fmt < 0 && optind == argc)
            cli_error("export", "--format is required");
        fputs(export_usage, stderr);
        return 2;
    }
    if (out_path && !*out_path) {
        cli_error("export", "--out must name a file");
        return 2;
    }
    tix_export_filter f;
    char *owned = NULL;
    tix_diag d = TIX_DIAG_INIT;
    if (tix_export_filter_parse(v.query ? v.query : "", &f, &owned, &d)) {
        cli_error("export", "--query: %s", d.msg);
        return 2;
    }
    int status = apply(&v, &f);
    if (status) {
        free(owned);
        return status;
    }
    f.now = cli_now();

    tix_store *s;
    if (cli_open_store("export", TIX_STORE_READONLY, &s)) {
        free(owned);
        return 1;
    }
    tix_export_stats st = {0};
    if (out_path) {
        status = export_file(s, &f, (tix_export_format)fmt, out_path, &st);
    } else if (tix_export_write(s, &f, (tix_export_format)fmt, stdout, &st, &d)) {
        cli_error("export", "%s", d.msg);
        status = 1;
    }
    tix_store_close(s);
    if (!status) {
        fprintf(stderr, "export %s: %llu observable%s, %llu %s, %llu withheld by TLP",
                tix_export_format_name((tix_export_format)fmt),
                (unsigned long long)st.observables, st.observables == 1 ? "" : "s",
                (unsigned long long)st.objects, what_objects((tix_export_format)fmt),
                (unsigned long long)st.withheld_tlp);
        if (f.tlp_max != TIX_TLP_UNSET)
            fprintf(stderr, " (above %s)", tix_tlp_name(f.tlp_max));
        fputc('\n', stderr);
    }
    free(owned);
    return status;
}
