/* rulefiles.c - rule files from the command line. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/rulefiles.h"
#include "ingest/file.h"

static bool is_rule_file(const char *p)
{
    size_t n = strlen(p);
    return (n > 4 && strcmp(p + n - 4, ".yar") == 0) ||
           (n > 5 && strcmp(p + n - 5, ".yara") == 0);
}

static char *keep(cli_rule_files *rf, char *p)
{
    if (!p)
        return NULL;
    char **o = realloc(rf->owned, (rf->nowned + 1) * sizeof *o);
    if (!o) {
        free(p);
        return NULL;
    }
    rf->owned = o;
    rf->owned[rf->nowned++] = p;
    return p;
}

static int add_file(cli_rule_files *rf, const char *cmd, const char *path, const char *name)
{
    in_file f;
    tix_diag d = TIX_DIAG_INIT;
    if (in_file_open(&f, path, &d) != TIX_EOK) {
        cli_error(cmd, "%s", d.msg);
        return -1;
    }
    char *text = malloc(f.len + 1);
    if (text) {
        memcpy(text, f.data, f.len);
        text[f.len] = 0;
    }
    size_t len = f.len;
    in_file_close(&f);
    tix_rule_file *v = realloc(rf->v, (rf->n + 1) * sizeof *v);
    if (v)
        rf->v = v;
    const char *kn = keep(rf, strdup(name)), *kt = keep(rf, text);
    if (!v || !kn || !kt) {
        cli_error(cmd, "out of memory"); /* text is kept or freed by keep */
        return -1;
    }
    rf->v[rf->n++] = (tix_rule_file){kn, kt, len};
    return 0;
}

int cli_rule_files_read(cli_rule_files *out, const char *cmd, char **args, size_t nargs)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < nargs; i++) {
        struct stat sb;
        if (stat(args[i], &sb) != 0 || !S_ISDIR(sb.st_mode)) {
            const char *base = strrchr(args[i], '/');
            if (add_file(out, cmd, args[i], base && base[1] ? base + 1 : args[i])) {
                cli_rule_files_free(out);
                return -1;
            }
            continue;
        }
        /* names below a directory start at the directory's own name */
        size_t dl = strlen(args[i]);
        while (dl > 1 && args[i][dl - 1] == '/')
            dl--;
        size_t from = 0;
        for (size_t k = 0; k + 1 < dl; k++)
            if (args[i][k] == '/')
                from = k + 1;
        in_paths ps = {0};
        tix_diag d = TIX_DIAG_INIT;
        if (in_paths_collect(args[i], &ps, &d) != TIX_EOK) {
            cli_error(cmd, "%s", d.msg);
            in_paths_free(&ps);
            cli_rule_files_free(out);
            return -1;
        }
        for (size_t k = 0; k < ps.n; k++) {
            if (!is_rule_file(ps.v[k]))
                continue;
            if (add_file(out, cmd, ps.v[k], ps.v[k] + from)) {
                in_paths_free(&ps);
                cli_rule_files_free(out);
                return -1;
            }
        }
        in_paths_free(&ps);
    }
    return 0;
}

void cli_rule_files_free(cli_rule_files *rf)
{
    for (size_t i = 0; i < rf->nowned; i++)
        free(rf->owned[i]);
    free(rf->owned);
    free(rf->v);
    memset(rf, 0, sizeof *rf);
}
