/* rulefiles.h - YARA rule files named on the command line, read whole. */
#ifndef TIX_CLI_RULEFILES_H
#define TIX_CLI_RULEFILES_H

#include "tix/classify.h"

typedef struct {
    tix_rule_file *v;
    size_t n;
    char **owned;   /* names and texts */
    size_t nowned;
} cli_rule_files;

/* Each FILE as given, and every *.yar / *.yara below each DIR. A file is
 * named by its base name, a file below DIR by its path from DIR's parent
 * ("rules/apt/x.yar"), so the names do not depend on where tix runs. On
 * failure report (as cmd) and return -1. */
int cli_rule_files_read(cli_rule_files *out, const char *cmd, char **args, size_t nargs);
void cli_rule_files_free(cli_rule_files *rf);

#endif
