/* db.c - which store the command works on: --db, else $TIX_DB, else
 * ./tix.db. */
#include <stdlib.h>

#include "cli/cli.h"

static const char *db_flag;

void cli_set_db(const char *path) { db_flag = path; }

const char *cli_db(void)
{
    if (db_flag && *db_flag)
        return db_flag;
    const char *e = getenv("TIX_DB");
    return e && *e ? e : "./tix.db";
}

int cli_open_store(const char *cmd, unsigned flags, tix_store **out)
{
    tix_diag d = TIX_DIAG_INIT;
    if (tix_store_open(out, cli_db(), flags, &d) != TIX_EOK) {
        cli_error(cmd, "%s", d.msg);
        return -1;
    }
    return 0;
}
