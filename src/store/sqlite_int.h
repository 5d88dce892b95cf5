/* sqlite_int.h - the SQLite backend's pieces. Not API. */
#ifndef TIX_STORE_SQLITE_INT_H
#define TIX_STORE_SQLITE_INT_H

#include <sqlite3.h>
#include <stdio.h>

#include "store/backend.h"

int sq_user_version(sqlite3 *db);
tix_err sq_migrate(sqlite3 *db, const char *path, tix_diag *d);

#endif
