/* cmd_init.c - tix init, tix stats and tix source: the store itself. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int cmd_init(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--db") == 0)
        cli_set_db(argv[2]);
    else if (argc != 1) {
        cli_error("init", "usage: tix [--db PATH] init");
        return 2;
    }
    tix_store *s;
    if (cli_open_store("init", TIX_STORE_CREATE, &s))
        return 1;
    /* the built-in lists, so that `tix lists` shows them */
    tix_diag d = TIX_DIAG_INIT;
    tix_err e = tix_store_begin(s, &d);
    if (!e && !(e = tix_lists_store_builtins(s, &d)))
        e = tix_store_commit(s, &d);
    if (e) {
        tix_store_rollback(s);
        cli_error("init", "%s", d.msg);
        tix_store_close(s);
        return 1;
    }
    printf("%s: %s store, schema version %d\n", cli_db(), tix_store_backend(s),
           tix_store_schema_version(s));
    tix_store_close(s);
    return 0;
}

int cmd_stats(int argc, char **argv)
{
    (void)argv;
    if (argc != 1) {
        cli_error("stats", "usage: tix [--db PATH] stats");
        return 2;
    }
    tix_store *s;
    if (cli_open_store("stats", TIX_STORE_READONLY, &s))
        return 1;
    tix_store_stats st;
    tix_diag d = TIX_DIAG_INIT;
    int status = 0;
    if (tix_store_stats_get(s, &st, &d) != TIX_EOK) {
        cli_error("stats", "%s", d.msg);
        status = 1;
    } else {
        printf("store          %s (%s, schema %d, %.1f MB)\n", cli_db(),
               tix_store_backend(s), tix_store_schema_version(s), st.bytes / 1e6);
        printf("observables    %llu\n", (unsigned long long)st.observables);
        for (int t = 0; t < TIX_OBS_COUNT; t++)
            if (st.by_type[t])
                printf("  %-12s %llu\n", tix_obs_name((tix_obs_type)t),
                       (unsigned long long)st.by_type[t]);
        printf("evidence       %llu\n", (unsigned long long)st.evidence);
        printf("samples        %llu\n", (unsigned long long)st.samples);
        printf("relationships  %llu\n", (unsigned long long)st.relationships);
        printf("objects        %llu\n", (unsigned long long)st.objects);
        printf("documents      %llu\n", (unsigned long long)st.documents);
        printf("sources        %llu\n", (unsigned long long)st.sources);
    }
    tix_store_close(s);
    return status;
}

static int print_source(void *ud, const tix_source *src)
{
    (void)ud;
    char t[TIX_TIME_MAX];
    tix_time_format(src->created, t);
    printf("%-24s %-8s %5d  %s\n", src->name, tix_source_kind_name(src->kind), src->trust, t);
    return 0;
}

int cmd_source(int argc, char **argv)
{
    static const char *usage = "usage: tix source list\n"
                               "       tix source set NAME [--kind K] [--trust N]\n";
    if (argc < 2 || strcmp(argv[1], "list") == 0) {
        tix_store *s;
        if (cli_open_store("source", TIX_STORE_READONLY, &s))
            return 1;
        tix_diag d = TIX_DIAG_INIT;
        printf("%-24s %-8s %5s  %s\n", "SOURCE", "KIND", "TRUST", "CREATED");
        int rc = tix_store_source_each(s, print_source, NULL, &d) == TIX_EOK ? 0 : 1;
        if (rc)
            cli_error("source", "%s", d.msg);
        tix_store_close(s);
        return rc;
    }
    if (strcmp(argv[1], "set") != 0 || argc < 3) {
        fputs(usage, stderr);
        return 2;
    }
    const char *name = argv[2];
    int kind = -1, trust = -1;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--kind") == 0 && i + 1 < argc) {
            if ((kind = tix_source_kind_from_name(argv[++i])) < 0) {
                cli_error("source", "--kind is vendor, feed, partner or sensor");
                return 2;
            }
        } else if (strcmp(argv[i], "--trust") == 0 && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 0 || v > 100) {
                cli_error("source", "--trust is a number from 0 to 100");
                return 2;
            }
            trust = (int)v;
        } else {
            fputs(usage, stderr);
            return 2;
        }
    }
    tix_store *s;
    if (cli_open_store("source", 0, &s))
        return 1;
    tix_diag d = TIX_DIAG_INIT;
    tix_source cur;
    int status = 0;
    if (tix_store_source_get(s, name, &cur, &d) != TIX_EOK) {
        cli_error("source", "%s", d.msg);
        status = 1;
    } else {
        tix_source_kind k = kind >= 0 ? (tix_source_kind)kind : cur.kind;
        int t = trust >= 0 ? trust : cur.trust;
        if (tix_store_begin(s, &d) || tix_store_source_set(s, name, k, t, &d) ||
            tix_store_commit(s, &d)) {
            tix_store_rollback(s);
            cli_error("source", "%s", d.msg);
            status = 1;
        } else {
            printf("%s: %s, trust %d; confidences recomputed\n", name,
                   tix_source_kind_name(k), t);
        }
    }
    tix_store_close(s);
    return status;
}
