/* cmd_classify.c - tix classify: families and configurations of sample
 * files, without storing them; and tix extractors: the registered config
 * extractors, and the drift report that runs them over a sample set. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/rulefiles.h"
#include "ingest/file.h"

static void on_bad_rules(void *ud, const char *msg)
{
    cli_error((const char *)ud, "%s (skipped)", msg);
}

/* --rules files, else the store's set when there is a store, else the
 * built-in rules alone. */
int cli_classify_rules(const char *cmd, char **rule_args, size_t nrule_args, tix_rules **out)
{
    tix_diag d = TIX_DIAG_INIT;
    if (nrule_args) {
        cli_rule_files rf;
        if (cli_rule_files_read(&rf, cmd, rule_args, nrule_args))
            return -1;
        tix_err e = tix_rules_compile(rf.v, rf.n, on_bad_rules, (void *)cmd, NULL, out, &d);
        cli_rule_files_free(&rf);
        if (e) {
            cli_error(cmd, "%s", d.msg);
            return -1;
        }
        return 0;
    }
    struct stat sb;
    if (stat(cli_db(), &sb) == 0) {
        tix_store *s;
        if (cli_open_store(cmd, TIX_STORE_READONLY, &s))
            return -1;
        tix_err e = tix_rules_from_store(s, out, &d);
        tix_store_close(s);
        if (e) {
            cli_error(cmd, "%s", d.msg);
            return -1;
        }
        return 0;
    }
    if (tix_rules_compile(NULL, 0, NULL, NULL, NULL, out, &d) != TIX_EOK) {
        cli_error(cmd, "%s", d.msg);
        return -1;
    }
    return 0;
}

int cli_classify_paths(const char *cmd, char **args, size_t n, in_paths *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        tix_diag d = TIX_DIAG_INIT;
        if (in_paths_collect(args[i], out, &d) != TIX_EOK) {
            cli_error(cmd, "%s", d.msg);
            in_paths_free(out);
            return -1;
        }
    }
    return 0;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- tix classify ---- */

typedef struct {
    bool jsonl, all;
    tix_buf out;
    uint64_t files, bytes, classified, configs, failed, errors;
} classify_run;

static void add_families(tix_buf *b, const tix_classification *c, bool json)
{
    for (size_t i = 0; i < c->nfamilies; i++) {
        if (json) {
            tix_buf_adds(b, i ? ",\"" : "\"");
            tix_buf_add_json(b, c->families[i], strlen(c->families[i]));
            tix_buf_addc(b, '"');
        } else {
            tix_buf_adds(b, i ? "," : "");
            tix_buf_adds(b, c->families[i]);
        }
    }
}

static void add_rules(tix_buf *b, const tix_classification *c, bool json)
{
    for (size_t i = 0; i < c->nmatches; i++) {
        const tix_rule_match *m = &c->matches[i];
        if (json) {
            tix_buf_adds(b, i ? ",\"" : "\"");
            tix_buf_add_json(b, m->ns, strlen(m->ns));
            tix_buf_addc(b, ':');
            tix_buf_add_json(b, m->rule, strlen(m->rule));
            tix_buf_addc(b, '"');
        } else {
            tix_buf_addf(b, "%s%s:%s", i ? "," : "", m->ns, m->rule);
        }
    }
}

static void text_line(tix_buf *b, const char *path, const tix_classification *c)
{
    tix_buf_addf(b, "%s\t", path);
    if (c->nfamilies)
        add_families(b, c, false);
    else
        tix_buf_addc(b, '-');
    tix_buf_addc(b, '\t');
    if (c->nmatches)
        add_rules(b, c, false);
    else
        tix_buf_addc(b, '-');
    if (c->state == TIX_CFG_OK) {
        const tix_config *k = &c->config;
        tix_buf_addf(b, "\tconfig %s %s: build %s, campaign %s, c2 ", c->extractor->name,
                     c->extractor->version, *k->build ? k->build : "?",
                     *k->campaign ? k->campaign : "?");
        for (size_t i = 0; i < k->nc2; i++) {
            char url[TIX_CONFIG_HOST_MAX + TIX_CONFIG_PATH_MAX + 32];
            tix_buf_addf(b, "%s%s", i ? " " : "", tix_c2_format(&k->c2[i], url, sizeof url));
        }
    } else if (c->state == TIX_CFG_FAILED) {
        tix_buf_addf(b, "\tconfig %s %s failed: %s", c->extractor->name,
                     c->extractor->version, c->why);
    }
    tix_buf_addc(b, '\n');
}

static void json_line(tix_buf *b, const char *path, uint64_t size,
                      const tix_classification *c)
{
    tix_buf_adds(b, "{\"file\":\"");
    tix_buf_add_json(b, path, strlen(path));
    tix_buf_addf(b, "\",\"size\":%llu,\"families\":[", (unsigned long long)size);
    add_families(b, c, true);
    tix_buf_adds(b, "],\"rules\":[");
    add_rules(b, c, true);
    tix_buf_addc(b, ']');
    if (c->state == TIX_CFG_OK) {
        tix_buf_adds(b, ",\"config\":");
        tix_config_json(c->extractor, &c->config, b);
    } else if (c->state == TIX_CFG_FAILED) {
        tix_buf_addf(b, ",\"extractor\":\"%s %s\",\"config_error\":\"", c->extractor->name,
                     c->extractor->version);
        tix_buf_add_json(b, c->why, strlen(c->why));
        tix_buf_addc(b, '"');
    }
    tix_buf_adds(b, "}\n");
}

static int on_classified(void *ud, const char *path, uint64_t size,
                         const tix_classification *c, const tix_diag *err)
{
    classify_run *r = ud;
    r->files++;
    r->bytes += size;
    if (err) {
        r->errors++;
        cli_error("classify", "%s", err->msg);
        return 0;
    }
    r->classified += c->nmatches > 0;
    r->configs += c->state == TIX_CFG_OK;
    r->failed += c->state == TIX_CFG_FAILED;
    if (c->nmatches == 0 && !r->all)
        return 0;
    if (r->jsonl)
        json_line(&r->out, path, size, c);
    else
        text_line(&r->out, path, c);
    if (r->out.len >= (64u << 10)) {
        if (r->out.err || cli_write(stdout, r->out.p, r->out.len))
            return 1;
        tix_buf_reset(&r->out);
    }
    return 0;
}

static const char *classify_usage =
    "usage: tix classify [--rules FILE|DIR]... [--threads N] [--format text|jsonl] "
    "[--all] PATH...\n";

int cmd_classify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"rules", required_argument, NULL, 'r'}, {"threads", required_argument, NULL, 't'},
        {"format", required_argument, NULL, 'f'}, {"all", no_argument, NULL, 'a'},
        {"db", required_argument, NULL, 'D'},     {NULL, 0, NULL, 0},
    };
    classify_run r = {.out = TIX_BUF_INIT((size_t)1 << 30)};
    char **rule_args = calloc((size_t)argc, sizeof *rule_args);
    size_t nrule = 0;
    int threads = 0, c;
    if (!rule_args)
        return 1;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:t:f:aD:", opts, NULL)) != -1) {
        switch (c) {
        case 'r': rule_args[nrule++] = optarg; break;
        case 't': threads = atoi(optarg); break;
        case 'f':
            if (strcmp(optarg, "jsonl") == 0)
                r.jsonl = true;
            else if (strcmp(optarg, "text") != 0)
                goto usage;
            break;
        case 'a': r.all = true; break;
        case 'D': cli_set_db(optarg); break;
        default: goto usage;
        }
    }
    if (optind >= argc || threads < 0)
        goto usage;
    tix_rules *rules = NULL;
    in_paths ps;
    if (cli_classify_rules("classify", rule_args, nrule, &rules) ||
        cli_classify_paths("classify", argv + optind, (size_t)(argc - optind), &ps)) {
        tix_rules_free(rules);
        free(rule_args);
        return 1;
    }
    double t0 = seconds();
    tix_diag d = TIX_DIAG_INIT;
    tix_err e = tix_classify_files(rules, ps.v, ps.n, threads, on_classified, &r, &d);
    double dt = seconds() - t0;
    int status = 0;
    if (e && e != TIX_ESTOPPED) {
        cli_error("classify", "%s", d.msg);
        status = 1;
    }
    if (r.out.err || cli_write(stdout, r.out.p, r.out.len) || fflush(stdout) != 0)
        status = 1;
    fprintf(stderr,
            "classify: %llu files, %.1f MB in %.2f s (%.0f MB/s, %.0f files/s), %zu rules: "
            "%llu classified, %llu configs read, %llu extractor failures, %llu unreadable\n",
            (unsigned long long)r.files, (double)r.bytes / 1e6, dt,
            dt > 0 ? (double)r.bytes / 1e6 / dt : 0.0, dt > 0 ? (double)r.files / dt : 0.0,
            tix_rules_count(rules), (unsigned long long)r.classified,
            (unsigned long long)r.configs, (unsigned long long)r.failed,
            (unsigned long long)r.errors);
    if (r.errors)
        status = 1;
    tix_buf_free(&r.out);
    in_paths_free(&ps);
    tix_rules_free(rules);
    free(rule_args);
    return status;
usage:
    fputs(classify_usage, stderr);
    free(rule_args);
    return 2;
}
