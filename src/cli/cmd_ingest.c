/* cmd_ingest.c - tix ingest sample|feed|misp|stix: files into the store,
 * each file in its own transaction. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

struct ingest_args {
    const char *what;
    tix_ingest_opts o;
    tix_feed_opts fo;
    bool have_format;
    const char *kind_name;
    bool no_vet;
};

static void say(void *ud, const char *msg)
{
    (void)ud;
    fprintf(stderr, "tix: ingest: %s\n", msg);
}

static int parse_int(const char *what, const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi) {
        cli_error("ingest", "%s must be a number from %d to %d, not '%s'", what, lo, hi, s);
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* "1 file", "2 files" */
static void count(bool first, uint64_t n, const char *one, const char *many)
{
    printf("%s%llu %s", first ? "" : ", ", (unsigned long long)n, n == 1 ? one : many);
}

static void print_stats(const char *name, const tix_ingest_stats *st, bool samples)
{
    printf("%s: ", name);
    if (samples) {
        count(true, st->files, "file", "files");
        count(false, st->samples_new, "new sample", "new samples");
        count(false, st->samples_known, "already known", "already known");
        count(false, st->evidence, "evidence row", "evidence rows");
        if (st->classified)
            count(false, st->classified, "classified", "classified");
        if (st->configs) {
            count(false, st->configs, "config read", "configs read");
            printf(" (%llu C&C)", (unsigned long long)st->c2);
        }
        if (st->config_failures)
            count(false, st->config_failures, "config not read", "configs not read");
    } else if (st->resolutions) {
        count(true, st->records, "record", "records");
        count(false, st->resolutions, "resolution", "resolutions");
    } else {
        count(true, st->records, "record", "records");
        count(false, st->observations, "observation", "observations");
    }
    if (!st->resolutions)
        count(false, st->observables_new, "new observable", "new observables");
    if (!samples && !st->resolutions) {
        count(false, st->relationships, "relationship", "relationships");
        count(false, st->objects, "object", "objects");
    }
    if (st->skipped)
        count(false, st->skipped, "skipped", "skipped");
    if (st->unmapped) {
        count(false, st->unmapped, "unmapped", "unmapped");
        printf(" (");
        for (size_t i = 0; i < st->nreasons; i++)
            printf("%s%s: %llu", i ? ", " : "", st->reasons[i].reason,
                   (unsigned long long)st->reasons[i].n);
        printf(")");
    }
    if (st->documents_known && !st->documents_new && !st->samples_new)
        printf(" (already ingested)");
    printf("\n");
}

static const char *ingest_usage =
    "usage: tix ingest sample [OPTIONS] PATH...\n"
    "       tix ingest feed --format F --source NAME [OPTIONS] FILE...\n"
    "       tix ingest misp|stix [OPTIONS] FILE...\n"
    "       tix ingest pdns [--source NAME] [OPTIONS] FILE...\n";

/* New observables are vetted and enriched before the command returns, so
 * nothing sits in the store unvetted; passive DNS re-vets everything, as
 * it can make a known name a sinkhole's or a known address shared. */
int cli_after_ingest(const char *cmd, tix_store *s, bool new_obs, bool new_dns)
{
    if (!new_obs && !new_dns)
        return 0;
    if (cli_vet(cmd, s, new_dns, "stored"))
        return 1;
    if (!new_obs)
        return 0;
    tix_diag d = TIX_DIAG_INIT;
    tix_enrich_stats es;
    if (tix_enrich_store(s, false, &es, &d)) {
        cli_error(cmd, "stored, but enrichment failed: %s (run 'tix enrich')", d.msg);
        return 1;
    }
    if (es.ips || es.domains)
        printf("enrich: %llu IPs, %llu placed, %llu with a constituency; %llu names with a "
               "registered domain\n",
               (unsigned long long)es.ips, (unsigned long long)es.placed,
               (unsigned long long)es.constituencies, (unsigned long long)es.domains);
    return 0;
}

int cmd_ingest(int argc, char **argv)
{
    if (argc < 2) {
        fputs(ingest_usage, stderr);
        return 2;
    }
    struct ingest_args a = {0};
    a.what = argv[1];
    a.o.trust = -1;
    a.o.tlp = TIX_TLP_UNSET;
    a.o.report = say;
    a.o.now = cli_now();
    bool samples = strcmp(a.what, "sample") == 0 || strcmp(a.what, "samples") == 0;
    if (samples) {
        a.o.source = "local";
        a.o.kind = TIX_SOURCE_VENDOR;
    } else if (strcmp(a.what, "feed") == 0) {
        a.o.kind = TIX_SOURCE_FEED;
    } else if (strcmp(a.what, "pdns") == 0) {
        a.o.source = "pdns";
        a.o.kind = TIX_SOURCE_SENSOR;
        a.fo.format = TIX_FEED_PDNS;
        a.have_format = true;
    } else if (strcmp(a.what, "misp") == 0 || strcmp(a.what, "stix") == 0) {
        a.o.source = a.what;
        a.o.kind = TIX_SOURCE_PARTNER;
        a.fo.format = strcmp(a.what, "misp") == 0 ? TIX_FEED_MISP : TIX_FEED_STIX;
        a.have_format = true;
    } else {
        cli_error("ingest", "unknown kind of input '%s'", a.what);
        fputs(ingest_usage, stderr);
        return 2;
    }

    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"source", required_argument, NULL, 's'},
        {"kind", required_argument, NULL, 'k'},
        {"trust", required_argument, NULL, 'T'},
        {"tlp", required_argument, NULL, 'l'},
        {"map", required_argument, NULL, 'm'},
        {"password", required_argument, NULL, 'p'},
        {"skip-bad", no_argument, NULL, 'b'},
        {"no-vet", no_argument, NULL, 'N'},
        {"db", required_argument, NULL, 'D'},
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    int c;
    while ((c = getopt_long(argc - 1, argv + 1, "f:s:", opts, NULL)) != -1) {
        switch (c) {
        case 'f': {
            if (samples || strcmp(a.what, "feed") != 0) {
                cli_error("ingest", "--format is for 'tix ingest feed'");
                return 2;
            }
            int f = tix_feed_from_name(optarg);
            if (f < 0) {
                cli_error("ingest", "unknown feed format '%s'; known:", optarg);
                for (int i = 0; i < TIX_FEED_COUNT; i++)
                    fprintf(stderr, "  %-15s %s\n", tix_feed_name((tix_feed_format)i),
                            tix_feed_summary((tix_feed_format)i));
                return 2;
            }
            a.fo.format = (tix_feed_format)f;
            a.have_format = true;
            break;
        }
        case 's': a.o.source = optarg; break;
        case 'k': {
            int k = tix_source_kind_from_name(optarg);
            if (k < 0) {
                cli_error("ingest", "--kind is vendor, feed, partner or sensor, not '%s'",
                          optarg);
                return 2;
            }
            a.o.kind = (tix_source_kind)k;
            break;
        }
        case 'T':
            if (parse_int("--trust", optarg, 0, 100, &a.o.trust))
                return 2;
            break;
        case 'l':
            a.o.tlp = tix_tlp_parse(optarg, strlen(optarg));
            if (a.o.tlp == TIX_TLP_UNSET) {
                cli_error("ingest", "--tlp is clear, green, amber, amber+strict or red");
                return 2;
            }
            break;
        case 'm': a.fo.map = optarg; break;
        case 'p': a.o.password = optarg; break;
        case 'b': a.o.skip_bad = true; break;
        case 'N': a.no_vet = true; break;
        case 'D': cli_set_db(optarg); break;
        default: fputs(ingest_usage, stderr); return 2;
        }
    }
    int first = optind + 1;
    if (first >= argc) {
        cli_error("ingest", "no files given");
        fputs(ingest_usage, stderr);
        return 2;
    }
    if (!samples && !a.have_format) {
        cli_error("ingest", "--format is needed (see 'tix ingest --help')");
        return 2;
    }
    if (!a.o.source) {
        cli_error("ingest", "--source NAME is needed: who published this feed");
        return 2;
    }
    if (a.fo.format == TIX_FEED_CSV && !a.fo.map && !samples) {
        cli_error("ingest", "--format csv needs --map, e.g. --map ip=2,port=3,first_seen=1");
        return 2;
    }
    a.fo.skip_bad = a.o.skip_bad;

    tix_store *s;
    if (cli_open_store("ingest", 0, &s))
        return 1;
    tix_extractor *ex = NULL;
    tix_diag d = TIX_DIAG_INIT;
    int status = 0;
    uint64_t new_obs = 0, new_dns = 0;
    tix_rules *rules = NULL;
    if (samples && (tix_extractor_new(&ex, 0, &d) != TIX_EOK ||
                    tix_rules_from_store(s, &rules, &d) != TIX_EOK)) {
        cli_error("ingest", "%s", d.msg);
        tix_extractor_free(ex);
        tix_store_close(s);
        return 1;
    }
    a.o.rules = rules;
    for (int i = first; i < argc; i++) {
        tix_ingest_stats st;
        memset(&st, 0, sizeof st);
        tix_diag_clear(&d);
        tix_err e = samples ? tix_ingest_samples(s, &a.o, ex, argv[i], &st, &d)
                            : tix_ingest_feed(s, &a.o, &a.fo, argv[i], &st, &d);
        if (e) {
            /* one line, as for extract: scripts read the first line only */
            if (!samples)
                cli_error("ingest", "%s; nothing from this file was stored", d.msg);
            else if (st.samples_new == 1)
                cli_error("ingest", "%s; the failing file was not stored, the sample "
                          "before it is", d.msg);
            else if (st.samples_new)
                cli_error("ingest", "%s; the failing file was not stored, the %llu "
                          "samples before it are", d.msg,
                          (unsigned long long)st.samples_new);
            else
                cli_error("ingest", "%s; the failing file was not stored", d.msg);
            status = 1;
            break;
        }
        print_stats(argv[i], &st, samples);
        new_obs += st.observables_new;
        new_dns += st.resolutions;
    }
    /* what was committed before a failing file is vetted all the same */
    if (!a.no_vet && cli_after_ingest("ingest", s, new_obs > 0, new_dns > 0))
        status = 1;
    tix_extractor_free(ex);
    tix_rules_free(rules);
    tix_store_close(s);
    if (fflush(stdout) != 0)
        status = 1;
    return status;
}
