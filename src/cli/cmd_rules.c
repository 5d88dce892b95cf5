/* cmd_rules.c - tix rules: the YARA rule files the store keeps, compiled
 * once into the rule set every ingest classifies samples with. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/rulefiles.h"

static const char *rules_usage = "usage: tix rules [list]\n"
                                 "       tix rules add FILE|DIR...\n"
                                 "       tix rules rm NAME\n";

static void on_bad(void *ud, const char *msg)
{
    (void)ud;
    cli_error("rules", "%s (skipped)", msg);
}

static int add(tix_store *s, int argc, char **argv)
{
    cli_rule_files rf;
    if (cli_rule_files_read(&rf, "rules", argv, (size_t)argc))
        return 1;
    if (rf.n == 0) {
        cli_error("rules", "no rule files (*.yar, *.yara) in what was given");
        cli_rule_files_free(&rf);
        return 1;
    }
    tix_diag d = TIX_DIAG_INIT;
    tix_rules_stats st;
    tix_err e = tix_store_begin(s, &d);
    if (!e)
        e = tix_rules_store_add(s, rf.v, rf.n, on_bad, NULL, &st, &d);
    if (!e)
        e = tix_store_commit(s, &d);
    if (e) {
        tix_store_rollback(s);
        cli_error("rules", "%s; no rule file was stored", d.msg);
        cli_rule_files_free(&rf);
        return 1;
    }
    printf("rules: %zu files read: %zu stored, %zu unchanged, %zu skipped; %zu rules "
           "compiled (built-in ones included)\n",
           rf.n, st.files_stored, st.files_same, st.files_bad, st.rules);
    cli_rule_files_free(&rf);
    return st.files_bad ? 1 : 0;
}

static int on_file(void *ud, const tix_rule_file_rec *r)
{
    (void)ud;
    char when[TIX_TIME_MAX], hex[17];
    tix_time_format(r->added, when);
    for (int i = 0; i < 8; i++)
        snprintf(hex + 2 * i, 3, "%02x", r->sha256[i]);
    printf("%-40s %6u  %s  %s\n", r->name, r->rules, when, hex);
    return 0;
}

static int list(tix_store *s)
{
    tix_diag d = TIX_DIAG_INIT;
    printf("%-40s %6s  %-20s  %s\n", "file", "rules", "added", "sha256");
    if (tix_store_rule_file_each(s, false, on_file, NULL, &d) != TIX_EOK) {
        cli_error("rules", "%s", d.msg);
        return 1;
    }
    size_t n;
    const tix_config_extractor *x = tix_config_extractors(&n);
    printf("\nbuilt in (namespace tix), each with its config extractor:\n");
    for (size_t i = 0; i < n; i++)
        printf("  %-24s family %-12s extractor %s %s\n", x[i].rule, x[i].family, x[i].name,
               x[i].version);
    return 0;
}

static int rm(tix_store *s, const char *name)
{
    tix_diag d = TIX_DIAG_INIT;
    bool removed = false;
    tix_err e = tix_store_begin(s, &d);
    if (!e)
        e = tix_rules_store_rm(s, name, &removed, &d);
    if (!e)
        e = tix_store_commit(s, &d);
    if (e) {
        tix_store_rollback(s);
        cli_error("rules", "%s", d.msg);
        return 1;
    }
    if (!removed) {
        cli_error("rules", "%s: no such rule file in the store", name);
        return 1;
    }
    printf("rules: %s removed\n", name);
    return 0;
}

int cmd_rules(int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "list";
    int want;
    if (strcmp(sub, "list") == 0)
        want = 0;
    else if (strcmp(sub, "add") == 0)
        want = 1;
    else if (strcmp(sub, "rm") == 0)
        want = 2;
    else {
        fputs(rules_usage, stderr);
        return 2;
    }
    if ((want == 1 && argc < 3) || (want == 2 && argc != 3) || (want == 0 && argc > 2)) {
        fputs(rules_usage, stderr);
        return 2;
    }
    tix_store *s;
    if (cli_open_store("rules", want ? TIX_STORE_CREATE : TIX_STORE_READONLY, &s))
        return 1;
    int rc = want == 0 ? list(s) : want == 1 ? add(s, argc - 2, argv + 2) : rm(s, argv[2]);
    tix_store_close(s);
    return rc;
}
