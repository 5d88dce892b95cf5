/* db.c - which store the command works on: --db, else $TIX_DB, else
 * ./tix.db; and the time it runs at: $TIX_NOW (for reproducible runs),
 * else the clock. */
#include <stdlib.h>
#include <string.h>

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

int64_t cli_now(void)
{
    const char *e = getenv("TIX_NOW");
    int64_t t;
    if (e && *e && tix_time_parse(e, strlen(e), &t, NULL) == TIX_EOK)
        return t;
    return tix_time_now();
}

int cli_open_store(const char *cmd, unsigned flags, tix_store **out)
{
    tix_diag d = TIX_DIAG_INIT;
    if (tix_store_open(out, cli_db(), flags, &d) != TIX_EOK) {
        cli_error(cmd, "%s", d.msg);
        return -1;
    }
    const char *e = getenv("TIX_NOW");
    if (e && *e)
        tix_store_set_now(*out, cli_now());
    return 0;
}
