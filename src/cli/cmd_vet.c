/* cmd_vet.c - tix vet and tix enrich: recompute verdicts and places for
 * the whole store, or check values against the lists without storing. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int cli_vet(const char *cmd, tix_store *s, bool all, const char *what)
{
    tix_vet_opts o = {.all = all, .now = cli_now()};
    tix_vet_stats st;
    tix_diag d = TIX_DIAG_INIT;
    if (tix_vet_store(s, &o, &st, &d)) {
        cli_error(cmd, "%s, but vetting failed: %s (run 'tix vet')", what, d.msg);
        return -1;
    }
    printf("vet: %llu observables: %llu blocked, %llu warned", (unsigned long long)st.vetted,
           (unsigned long long)st.blocked, (unsigned long long)st.warned);
    if (st.shared_hosts)
        printf(", %llu shared hosts", (unsigned long long)st.shared_hosts);
    printf("\n");
    return 0;
}

static const char *vet_usage =
    "usage: tix vet [--window DAYS] [--shared-threshold N]\n"
    "       tix vet --check VALUE...\n";

static int parse_u(const char *cmd, const char *what, const char *s, unsigned long lo,
                   unsigned long hi, unsigned long *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || v < lo || v > hi) {
        cli_error(cmd, "%s is a number from %lu to %lu, not '%s'", what, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* Vet values as given, against the store's lists, storing nothing. */
static int check(tix_store *s, int argc, char **argv)
{
    tix_diag d = TIX_DIAG_INIT;
    tix_vetter *v;
    if (tix_vetter_from_store(s, &v, NULL, &d)) {
        cli_error("vet", "%s", d.msg);
        return 1;
    }
    int status = 0;
    tix_buf canon = TIX_BUF_INIT(TIX_OBS_VALUE_MAX + 1);
    for (int i = 0; i < argc; i++) {
        tix_obs_type t;
        tix_buf_reset(&canon);
        tix_diag_clear(&d);
        if (tix_obs_identify(argv[i], strlen(argv[i]), &t, &canon, &d) != TIX_EOK) {
            cli_error("vet", "%s: %s", argv[i], d.msg);
            status = 1;
            continue;
        }
        tix_buf_addc(&canon, 0);
        tix_verdict vs[64];
        size_t n = tix_vetter_check(v, t, canon.p, canon.len - 1, vs, 64);
        bool blocked = false;
        for (size_t k = 0; k < n && k < 64; k++) {
            const tix_list *l = tix_vetter_list(v, vs[k].list);
            blocked |= tix_verdict_blocks(l->policy, l->kind, vs[k].on_host != 0);
        }
        printf("%s %s: %s\n", tix_obs_name(t), canon.p,
               blocked ? "blocked" : n ? "warn" : "ok");
        for (size_t k = 0; k < n && k < 64; k++) {
            const tix_list *l = tix_vetter_list(v, vs[k].list);
            printf("  %-7s %-22s %s %s%s%s%s\n", tix_policy_name(l->policy), l->name,
                   tix_match_name(vs[k].match), vs[k].entry,
                   vs[k].on_host ? " (URL host)" : "", vs[k].note ? " - " : "",
                   vs[k].note ? vs[k].note : "");
        }
    }
    tix_buf_free(&canon);
    tix_vetter_free(v);
    return status;
}

int cmd_vet(int argc, char **argv)
{
    static const struct option opts[] = {
        {"window", required_argument, NULL, 'w'},
        {"shared-threshold", required_argument, NULL, 't'},
        {"check", no_argument, NULL, 'c'},
        {NULL, 0, NULL, 0},
    };
    tix_vet_opts o = {.all = true, .now = cli_now()};
    bool checking = false;
    unsigned long v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'w':
            if (parse_u("vet", "--window", optarg, 1, 3650, &v))
                return 2;
            o.window_days = (unsigned)v;
            break;
        case 't':
            if (parse_u("vet", "--shared-threshold", optarg, 1, 100000000, &v))
                return 2;
            o.shared_threshold = v;
            break;
        case 'c': checking = true; break;
        default: fputs(vet_usage, stderr); return 2;
        }
    }
    if (checking != (optind < argc)) {
        fputs(vet_usage, stderr);
        return 2;
    }
    tix_store *s;
    if (cli_open_store("vet", checking ? TIX_STORE_READONLY : 0, &s))
        return 1;
    int status;
    if (checking) {
        status = check(s, argc - optind, argv + optind);
    } else {
        tix_vet_stats st;
        tix_diag d = TIX_DIAG_INIT;
        status = 0;
        if (tix_vet_store(s, &o, &st, &d)) {
            cli_error("vet", "%s; the verdicts are as they were", d.msg);
            status = 1;
        } else {
            printf("vet: %llu observables against %llu lists (%llu entries, loaded in "
                   "%.2f s): %llu blocked, %llu warned, %llu verdicts; %llu shared hosts, "
                   "%llu provider flags\n",
                   (unsigned long long)st.vetted, (unsigned long long)st.lists,
                   (unsigned long long)st.entries, st.load_seconds,
                   (unsigned long long)st.blocked, (unsigned long long)st.warned,
                   (unsigned long long)st.verdicts, (unsigned long long)st.shared_hosts,
                   (unsigned long long)st.flagged);
        }
    }
    tix_store_close(s);
    if (fflush(stdout) != 0)
        status = 1;
    return status;
}

static const char *enrich_usage =
    "usage: tix enrich [--mmdb FILE]... [--no-mmdb] [--constituencies FILE]\n";

int cmd_enrich(int argc, char **argv)
{
    static const struct option opts[] = {
        {"mmdb", required_argument, NULL, 'm'},
        {"no-mmdb", no_argument, NULL, 'n'},
        {"constituencies", required_argument, NULL, 'c'},
        {NULL, 0, NULL, 0},
    };
    const char *mmdb[16];
    tix_enrich_config cfg = {.mmdb = mmdb};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (cfg.n_mmdb == 16) {
                cli_error("enrich", "at most 16 --mmdb files");
                return 2;
            }
            mmdb[cfg.n_mmdb++] = optarg;
            break;
        case 'n': cfg.no_mmdb = true; break;
        case 'c': cfg.constituencies = optarg; break;
        default: fputs(enrich_usage, stderr); return 2;
        }
    }
    if (optind != argc || (cfg.no_mmdb && cfg.n_mmdb)) {
        fputs(enrich_usage, stderr);
        return 2;
    }
    tix_store *s;
    if (cli_open_store("enrich", 0, &s))
        return 1;
    tix_diag d = TIX_DIAG_INIT;
    int status = 0;
    tix_err e = tix_store_begin(s, &d);
    if (!e)
        e = tix_enrich_configure(s, &cfg, &d);
    if (!e)
        e = tix_store_commit(s, &d);
    if (e) {
        tix_store_rollback(s);
        cli_error("enrich", "%s; nothing was changed", d.msg);
        status = 1;
    } else {
        tix_enrich_stats st;
        if (tix_enrich_store(s, true, &st, &d)) {
            cli_error("enrich", "%s; the enrichment is as it was", d.msg);
            status = 1;
        } else {
            printf("enrich: %llu IPs, %llu placed (%s), %llu with a constituency; %llu "
                   "names with a registered domain\n",
                   (unsigned long long)st.ips, (unsigned long long)st.placed, st.geo,
                   (unsigned long long)st.constituencies, (unsigned long long)st.domains);
        }
    }
    tix_store_close(s);
    if (fflush(stdout) != 0)
        status = 1;
    return status;
}
