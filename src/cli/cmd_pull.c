/* cmd_pull.c - tix pull: what is new in a collection of another TAXII 2.1
 * server, into the store, each page in its own transaction with the point
 * the next pull resumes from. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char *pull_usage =
    "usage: tix pull URL --collection ID [--user U [--password P] | --token T]\n"
    "                [--limit N] [--source NAME] [--from TIME | --all] [--cacert FILE]\n"
    "                [--insecure] [OPTIONS]   ('tix pull --help' lists them all)\n";

static void say(void *ud, const char *msg)
{
    (void)ud;
    fprintf(stderr, "tix: pull: %s\n", msg);
}

static int parse_num(const char *what, const char *s, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi) {
        cli_error("pull", "%s must be a number from %ld to %ld, not '%s'", what, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* pull: 3 pages, 250 objects, 180 new observables; resume point T */
static void summary(const tix_pull_stats *st)
{
    fprintf(stderr, "pull: %u %s, %llu %s, %llu new %s; ", st->pages,
            plural(st->pages, "page", "pages"), (unsigned long long)st->objects,
            plural(st->objects, "object", "objects"),
            (unsigned long long)st->ingest.observables_new,
            plural(st->ingest.observables_new, "observable", "observables"));
    if (!st->resume[0])
        fprintf(stderr, "no resume point");
    else
        fprintf(stderr, "resume point %s%s", st->resume,
                st->resume_moved ? "" : " (unchanged)");
    if (st->more)
        fprintf(stderr, "; stopped at the page limit with more to come: run again");
    fputc('\n', stderr);
}

/* What of a failed pull is stored, for the end of its one error line. */
static void failure(const char *msg, const tix_pull_stats *st)
{
    char point[TIX_PULL_TS_MAX + 32] = "";
    if (st->resume[0])
        snprintf(point, sizeof point, " (resume point %s)", st->resume);
    const char *pages = plural(st->pages, "page", "pages");
    if (!st->pages)
        cli_error("pull", "%s; nothing was stored", msg);
    else if (st->failed_page)
        cli_error("pull", "%s; nothing from this page was stored, the %u %s before it %s%s",
                  msg, st->pages, pages, plural(st->pages, "is", "are"), point);
    else
        cli_error("pull", "%s; the %u %s read %s stored%s", msg, st->pages, pages,
                  plural(st->pages, "is", "are"), point);
}

int cmd_pull(int argc, char **argv)
{
    tix_pull_opts po = {0};
    tix_ingest_opts io = {.kind = TIX_SOURCE_PARTNER, .trust = -1, .tlp = TIX_TLP_UNSET,
                          .report = say};
    bool no_vet = false;
    static const struct option opts[] = {
        {"collection", required_argument, NULL, 'c'},
        {"user", required_argument, NULL, 'u'},
        {"password", required_argument, NULL, 'p'},
        {"token", required_argument, NULL, 't'},
        {"limit", required_argument, NULL, 'l'},
        {"source", required_argument, NULL, 's'},
        {"kind", required_argument, NULL, 'k'},
        {"trust", required_argument, NULL, 'T'},
        {"tlp", required_argument, NULL, 'L'},
        {"from", required_argument, NULL, 'f'},
        {"all", no_argument, NULL, 'a'},
        {"max-pages", required_argument, NULL, 'm'},
        {"timeout", required_argument, NULL, 'o'},
        {"cacert", required_argument, NULL, 'C'},
        {"insecure", no_argument, NULL, 'k' + 256},
        {"no-vet", no_argument, NULL, 'N'},
        {"db", required_argument, NULL, 'D'},
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    int c;
    long v;
    while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
        switch (c) {
        case 'c': po.collection = optarg; break;
        case 'u': po.user = optarg; break;
        case 'p': po.password = optarg; break;
        case 't': po.token = optarg; break;
        case 'l':
            if (parse_num("--limit", optarg, 1, 1000000, &v))
                return 2;
            po.limit = (unsigned)v;
            break;
        case 's': io.source = optarg; break;
        case 'k': {
            int k = tix_source_kind_from_name(optarg);
            if (k < 0) {
                cli_error("pull", "--kind is vendor, feed, partner or sensor, not '%s'",
                          optarg);
                return 2;
            }
            io.kind = (tix_source_kind)k;
            break;
        }
        case 'T':
            if (parse_num("--trust", optarg, 0, 100, &v))
                return 2;
            io.trust = (int)v;
            break;
        case 'L':
            io.tlp = tix_tlp_parse(optarg, strlen(optarg));
            if (io.tlp == TIX_TLP_UNSET) {
                cli_error("pull", "--tlp is clear, green, amber, amber+strict or red");
                return 2;
            }
            break;
        case 'f': po.from = optarg; break;
        case 'a': po.all = true; break;
        case 'm':
            if (parse_num("--max-pages", optarg, 1, 100000000, &v))
                return 2;
            po.max_pages = (unsigned)v;
            break;
        case 'o':
            if (parse_num("--timeout", optarg, 1, 86400, &v))
                return 2;
            po.timeout = v;
            break;
        case 'C': po.cafile = optarg; break;
        case 'k' + 256: po.insecure = true; break;
        case 'N': no_vet = true; break;
        case 'D': cli_set_db(optarg); break;
        default: fputs(pull_usage, stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        cli_error("pull", optind == argc ? "no TAXII server URL given"
                                         : "one TAXII server URL, not several");
        fputs(pull_usage, stderr);
        return 2;
    }
    po.url = argv[optind];
    if (!po.collection) {
        cli_error("pull", "--collection ID is needed (the server's collection id)");
        return 2;
    }
    if (po.from && po.all) {
        cli_error("pull", "--from and --all: one or the other");
        return 2;
    }
    int64_t t;
    if (po.from && tix_time_parse(po.from, strlen(po.from), &t, NULL) != TIX_EOK) {
        cli_error("pull", "--from '%s' is not a time (2024-05-01 or 2024-05-01T10:00:00Z)",
                  po.from);
        return 2;
    }
    /* credentials: options, else the environment, which ps does not show */
    if (po.token && po.user) {
        cli_error("pull", "--user and --token: one or the other");
        return 2;
    }
    if (po.password && !po.user) {
        cli_error("pull", "--password goes with --user");
        return 2;
    }
    const char *env_pw = getenv("TIX_PULL_PASSWORD"), *env_tok = getenv("TIX_PULL_TOKEN");
    if (po.user && !po.password)
        po.password = env_pw && *env_pw ? env_pw : NULL;
    if (po.user && !po.password) {
        cli_error("pull", "--user needs a password: --password P or $TIX_PULL_PASSWORD");
        return 2;
    }
    if (!po.user && !po.token && env_tok && *env_tok)
        po.token = env_tok;
    io.now = cli_now();

    tix_store *s;
    if (cli_open_store("pull", 0, &s))
        return 1;
    tix_pull_stats st;
    tix_diag d = TIX_DIAG_INIT;
    int status = 0;
    if (tix_pull(s, &po, &io, &st, &d) != TIX_EOK) {
        failure(d.msg, &st);
        status = 1;
    } else {
        summary(&st);
    }
    /* what earlier pages stored is vetted all the same */
    if (!no_vet && cli_after_ingest("pull", s, st.ingest.observables_new > 0, false))
        status = 1;
    tix_store_close(s);
    if (fflush(stdout) != 0)
        status = 1;
    return status;
}
