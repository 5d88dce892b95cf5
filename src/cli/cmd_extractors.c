/* cmd_extractors.c - tix extractors: the registered config extractors,
 * and the drift report: every extractor over every sample of its family,
 * counted per family and build, with each failure and its reason. A
 * family that changes its layout shows up here as failures of one build,
 * before a takedown list silently loses its servers. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/rulefiles.h"
#include "ingest/file.h"


typedef struct {
    char family[64], extractor[96], build[32];
    uint64_t samples, configs, failed;
} row;

typedef struct {
    row *rows;
    size_t nrows;
    tix_buf failures;
    uint64_t files, classified, unclassified, no_extractor, unreadable;
} drift;

static row *row_for(drift *dr, const char *family, const char *extractor, const char *build)
{
    for (size_t i = 0; i < dr->nrows; i++) {
        row *r = &dr->rows[i];
        if (strcasecmp(r->family, family) == 0 && strcmp(r->extractor, extractor) == 0 &&
            strcmp(r->build, build) == 0)
            return r;
    }
    row *v = realloc(dr->rows, (dr->nrows + 1) * sizeof *v);
    if (!v)
        return NULL;
    dr->rows = v;
    row *r = &v[dr->nrows++];
    memset(r, 0, sizeof *r);
    snprintf(r->family, sizeof r->family, "%s", family);
    snprintf(r->extractor, sizeof r->extractor, "%s", extractor);
    snprintf(r->build, sizeof r->build, "%s", build);
    return r;
}

static int on_sample(void *ud, const char *path, uint64_t size, const tix_classification *c,
                     const tix_diag *err)
{
    (void)size;
    drift *dr = ud;
    dr->files++;
    if (err) {
        dr->unreadable++;
        tix_buf_addf(&dr->failures, "  %s: unreadable: %s\n", path, err->msg);
        return 0;
    }
    if (c->nmatches == 0) {
        dr->unclassified++;
        return 0;
    }
    dr->classified++;
    if (!c->extractor) {
        dr->no_extractor++;
        row *r = row_for(dr, c->families[0], "(none)", "-");
        if (!r)
            return 1;
        r->samples++;
        return 0;
    }
    char by[96];
    snprintf(by, sizeof by, "%s %s", c->extractor->name, c->extractor->version);
    /* an extractor that fails after reading the build still says which */
    const char *build = *c->config.build ? c->config.build : "?";
    row *r = row_for(dr, c->extractor->family, by, build);
    if (!r)
        return 1;
    r->samples++;
    if (c->state == TIX_CFG_OK) {
        r->configs++;
    } else {
        r->failed++;
        tix_buf_addf(&dr->failures, "  %s: %s build %s, %s: %s\n", path, c->extractor->family,
                     build, by, c->why);
    }
    return 0;
}

static int row_cmp(const void *a, const void *b)
{
    const row *x = a, *y = b;
    int c = strcasecmp(x->family, y->family);
    if (!c)
        c = strcmp(x->extractor, y->extractor);
    return c ? c : strcmp(x->build, y->build);
}

static const char *extractors_usage =
    "usage: tix extractors [list]\n"
    "       tix extractors check [--rules FILE|DIR]... [--threads N] DIR|FILE...\n";

static int list(void)
{
    size_t n;
    const tix_config_extractor *x = tix_config_extractors(&n);
    printf("%-12s %-20s %-8s %s\n", "family", "extractor", "version", "triggered by rule");
    for (size_t i = 0; i < n; i++)
        printf("%-12s %-20s %-8s tix:%s\n", x[i].family, x[i].name, x[i].version, x[i].rule);
    return 0;
}

static int check(int argc, char **argv)
{
    static const struct option opts[] = {
        {"rules", required_argument, NULL, 'r'},
        {"threads", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0},
    };
    char **rule_args = calloc((size_t)argc + 1, sizeof *rule_args);
    size_t nrule = 0;
    int threads = 0, c;
    if (!rule_args)
        return 1;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:t:", opts, NULL)) != -1) {
        if (c == 'r') {
            rule_args[nrule++] = optarg;
        } else if (c == 't' && atoi(optarg) >= 0) {
            threads = atoi(optarg);
        } else {
            fputs(extractors_usage, stderr);
            free(rule_args);
            return 2;
        }
    }
    if (optind >= argc) {
        fputs(extractors_usage, stderr);
        free(rule_args);
        return 2;
    }
    tix_rules *rules = NULL;
    in_paths ps;
    if (cli_classify_rules("extractors", rule_args, nrule, &rules) ||
        cli_classify_paths("extractors", argv + optind, (size_t)(argc - optind), &ps)) {
        tix_rules_free(rules);
        free(rule_args);
        return 1;
    }
    drift dr = {.failures = TIX_BUF_INIT((size_t)1 << 30)};
    tix_diag d = TIX_DIAG_INIT;
    tix_err e = tix_classify_files(rules, ps.v, ps.n, threads, on_sample, &dr, &d);
    int status = 0;
    if (e) {
        cli_error("extractors", "%s", e == TIX_ESTOPPED ? "out of memory" : d.msg);
        status = 1;
    } else {
        if (dr.nrows > 1)
            qsort(dr.rows, dr.nrows, sizeof *dr.rows, row_cmp);
        uint64_t failed = 0;
        printf("extractors check: %llu files: %llu classified, %llu matched no rule",
               (unsigned long long)dr.files, (unsigned long long)dr.classified,
               (unsigned long long)dr.unclassified);
        if (dr.unreadable)
            printf(", %llu unreadable", (unsigned long long)dr.unreadable);
        printf("\n\n%-12s %-22s %-9s %8s %8s %7s\n", "family", "extractor", "build", "samples",
               "configs", "failed");
        for (size_t i = 0; i < dr.nrows; i++) {
            const row *r = &dr.rows[i];
            printf("%-12s %-22s %-9s %8llu %8llu %7llu\n", r->family, r->extractor, r->build,
                   (unsigned long long)r->samples, (unsigned long long)r->configs,
                   (unsigned long long)r->failed);
            failed += r->failed;
        }
        if (dr.failures.len) {
            printf("\nfailed:\n");
            fwrite(dr.failures.p, 1, dr.failures.len, stdout);
        } else if (!dr.failures.err) {
            printf("\nno extractor failed\n");
        }
        /* a drift is what this command exists to catch: make it fail */
        if (failed || dr.unreadable || dr.failures.err)
            status = 1;
    }
    free(dr.rows);
    tix_buf_free(&dr.failures);
    in_paths_free(&ps);
    tix_rules_free(rules);
    free(rule_args);
    if (fflush(stdout) != 0)
        status = 1;
    return status;
}

int cmd_extractors(int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "list";
    if (strcmp(sub, "list") == 0 && argc <= 2)
        return list();
    if (strcmp(sub, "check") == 0)
        return check(argc - 1, argv + 1);
    fputs(extractors_usage, stderr);
    return 2;
}
