/* cli.h - what the subcommands of the tix command share. */
#ifndef TIX_CLI_H
#define TIX_CLI_H

#include <stdio.h>

#include "ingest/file.h"
#include "tix/tix.h"

struct tix_cmd {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage; /* one line, after "tix NAME " */
    const char *summary;
    const char *help;  /* the options, for "tix NAME --help" */
};

/* Print "tix: CMD: message" to stderr. */
void cli_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Write all of buf to f; on failure report and return -1. */
int cli_write(FILE *f, const char *buf, size_t len);

/* The store: --db PATH, else $TIX_DB, else ./tix.db. */
void cli_set_db(const char *path);
const char *cli_db(void);
/* Now, or $TIX_NOW (any tix_time_parse form) when set. */
int64_t cli_now(void);
/* Open it (TIX_STORE_* flags); on failure report and return -1. */
int cli_open_store(const char *cmd, unsigned flags, tix_store **out);

/* Vet after a change (all: the whole store, else what is new), print
 * "vet: N observables: B blocked, W warned[, S shared hosts]"; on failure
 * report "WHAT, but vetting failed: ..." and return -1. */
int cli_vet(const char *cmd, tix_store *s, bool all, const char *what);
/* After an ingest: vet what is new (everything when new_dns: passive DNS
 * can change old verdicts) and enrich new observables, printing a line
 * for each; returns 1 when either failed (reported), else 0. */
int cli_after_ingest(const char *cmd, tix_store *s, bool new_obs, bool new_dns);

/* Rules to classify with: the files of --rules (bad ones reported and
 * skipped), else the store's set if there is a store, else the built-in
 * rules. On failure report and return -1. */
int cli_classify_rules(const char *cmd, char **rule_args, size_t n, tix_rules **out);
/* The files at or below each argument, in name order. */
int cli_classify_paths(const char *cmd, char **args, size_t n, in_paths *out);

int cmd_extract(int argc, char **argv);
int cmd_id(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_source(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_lists(int argc, char **argv);
int cmd_vet(int argc, char **argv);
int cmd_enrich(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_classify(int argc, char **argv);
int cmd_extractors(int argc, char **argv);
int cmd_takedown(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_collection(int argc, char **argv);
int cmd_partner(int argc, char **argv);
int cmd_audit(int argc, char **argv);

#endif
