/* sqlite_schema.c - the SQLite schema, one migration per version.
 *
 * PRAGMA user_version holds the version. Migrations run in order inside one
 * transaction, so a store is always at exactly one version. */
#include "store/sqlite_int.h"

static const char *const migrations[] = {
    /* 1: the model of DESIGN.md */
    "CREATE TABLE source("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  kind INTEGER NOT NULL,"
    "  trust INTEGER NOT NULL CHECK (trust BETWEEN 0 AND 100),"
    "  created INTEGER NOT NULL);"
    "CREATE TABLE document("
    "  id INTEGER PRIMARY KEY,"
    "  sha256 BLOB NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  source_id INTEGER NOT NULL REFERENCES source(id),"
    "  ingested INTEGER NOT NULL,"
    "  records INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE (sha256, kind));"
    "CREATE TABLE sample("
    "  id INTEGER PRIMARY KEY,"
    "  sha256 BLOB NOT NULL UNIQUE,"
    "  sha1 BLOB NOT NULL,"
    "  md5 BLOB NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  name TEXT,"
    "  file_type TEXT,"
    "  mime TEXT,"
    "  first_seen INTEGER NOT NULL,"
    "  source_id INTEGER NOT NULL REFERENCES source(id),"
    "  document_id INTEGER REFERENCES document(id));"
    "CREATE INDEX sample_md5 ON sample(md5);"
    "CREATE INDEX sample_sha1 ON sample(sha1);"
    /* uuid: the 16 bytes of the STIX id; the type prefix follows from type */
    "CREATE TABLE observable("
    "  id INTEGER PRIMARY KEY,"
    "  type INTEGER NOT NULL,"
    "  value TEXT NOT NULL,"
    "  uuid BLOB NOT NULL,"
    "  first_seen INTEGER,"
    "  last_seen INTEGER,"
    "  n_evidence INTEGER NOT NULL DEFAULT 0,"
    "  n_sources INTEGER NOT NULL DEFAULT 0,"
    "  confidence INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE (uuid, type));"
    /* clustered by observable: a new row lands next to its observable's
     * others, and all the evidence of one observable is one range. The id
     * orders rows and is handed out from counter.evidence. */
    "CREATE TABLE evidence("
    "  observable_id INTEGER NOT NULL,"
    "  id INTEGER NOT NULL,"
    "  source_id INTEGER NOT NULL REFERENCES source(id),"
    "  sample_id INTEGER REFERENCES sample(id),"
    "  document_id INTEGER REFERENCES document(id),"
    "  line INTEGER,"
    "  offset INTEGER,"
    "  count INTEGER NOT NULL DEFAULT 1,"
    "  first_seen INTEGER NOT NULL,"
    "  last_seen INTEGER NOT NULL,"
    "  confidence INTEGER NOT NULL,"
    "  tlp INTEGER NOT NULL,"
    "  port INTEGER,"
    "  family TEXT,"
    "  tags TEXT,"
    "  place TEXT,"
    "  flags INTEGER NOT NULL DEFAULT 0,"
    "  ingested INTEGER NOT NULL,"
    "  PRIMARY KEY (observable_id, id)) WITHOUT ROWID;"
    "CREATE INDEX evidence_sample ON evidence(sample_id) WHERE sample_id IS NOT NULL;"
    "CREATE TABLE counter(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
    "INSERT INTO counter VALUES('evidence', 0);"
    "CREATE TABLE relationship("
    "  id INTEGER PRIMARY KEY,"
    "  src TEXT NOT NULL,"
    "  type TEXT NOT NULL,"
    "  dst TEXT NOT NULL,"
    "  source_id INTEGER NOT NULL REFERENCES source(id),"
    "  document_id INTEGER REFERENCES document(id),"
    "  first_seen INTEGER NOT NULL,"
    "  last_seen INTEGER NOT NULL,"
    "  tlp INTEGER NOT NULL,"
    "  UNIQUE (src, type, dst, source_id));"
    "CREATE INDEX relationship_dst ON relationship(dst);"
    "CREATE TABLE object("
    "  id INTEGER PRIMARY KEY,"
    "  stix_id TEXT NOT NULL UNIQUE,"
    "  type TEXT NOT NULL,"
    "  name TEXT,"
    "  created INTEGER,"
    "  modified INTEGER,"
    "  tlp INTEGER NOT NULL,"
    "  source_id INTEGER NOT NULL REFERENCES source(id),"
    "  document_id INTEGER REFERENCES document(id),"
    "  json TEXT NOT NULL);",

    /* 2: vetting and enrichment. Enum columns hold tix's enum values. */
    "CREATE TABLE vlist("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  title TEXT,"
    "  description TEXT,"
    "  version INTEGER NOT NULL,"
    "  match INTEGER NOT NULL,"
    "  origin INTEGER NOT NULL,"
    "  policy INTEGER NOT NULL,"
    "  policy_set INTEGER NOT NULL DEFAULT 0,"
    "  kind INTEGER NOT NULL,"
    "  applies INTEGER NOT NULL,"
    "  loaded INTEGER NOT NULL);"
    "CREATE TABLE vlist_entry("
    "  list_id INTEGER NOT NULL REFERENCES vlist(id),"
    "  value TEXT NOT NULL,"
    "  note TEXT,"
    "  PRIMARY KEY (list_id, value)) WITHOUT ROWID;"
    "CREATE TABLE verdict("
    "  observable_id INTEGER NOT NULL,"
    "  list_id INTEGER NOT NULL REFERENCES vlist(id),"
    "  match INTEGER NOT NULL,"
    "  entry TEXT NOT NULL,"
    "  note TEXT,"
    "  on_host INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (observable_id, list_id)) WITHOUT ROWID;"
    "CREATE INDEX verdict_list ON verdict(list_id);"
    "CREATE TABLE flag("
    "  observable_id INTEGER NOT NULL,"
    "  flag TEXT NOT NULL,"
    "  evidence TEXT NOT NULL,"
    "  PRIMARY KEY (observable_id, flag)) WITHOUT ROWID;"
    "CREATE TABLE enrichment("
    "  observable_id INTEGER PRIMARY KEY,"
    "  country TEXT,"
    "  asn INTEGER,"
    "  as_name TEXT,"
    "  reg_domain TEXT,"
    "  constituency TEXT,"
    "  const_email TEXT,"
    "  const_kind TEXT,"
    "  const_country TEXT,"
    "  const_match TEXT);"
    "CREATE TABLE resolution("
    "  id INTEGER PRIMARY KEY,"
    "  rrname TEXT NOT NULL,"
    "  rrtype TEXT NOT NULL,"
    "  rdata TEXT NOT NULL,"
    "  first_seen INTEGER NOT NULL,"
    "  last_seen INTEGER NOT NULL,"
    "  count INTEGER NOT NULL,"
    "  source_id INTEGER NOT NULL REFERENCES source(id),"
    "  UNIQUE (rrname, rrtype, rdata, source_id));"
    "CREATE INDEX resolution_rdata ON resolution(rdata, last_seen);"
    "CREATE TABLE setting(name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;",

    /* 3: classification. A rule file's name is its rules' namespace; the
     * compiled set is kept whole, tied to the libyara that wrote it.
     * support sums the evidence per (observable, source), so that a
     * confidence is recomputed from a few rows, not from all the evidence
     * of a value that thousands of samples contain. */
    "ALTER TABLE evidence ADD COLUMN extractor TEXT;"
    "CREATE TABLE support("
    "  observable_id INTEGER NOT NULL,"
    "  source_id INTEGER NOT NULL,"
    "  best INTEGER NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  PRIMARY KEY (observable_id, source_id)) WITHOUT ROWID;"
    "INSERT INTO support SELECT observable_id, source_id, max(confidence), count(*) "
    "  FROM evidence GROUP BY observable_id, source_id;"
    "CREATE TABLE rule_file("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  sha256 BLOB NOT NULL,"
    "  text TEXT NOT NULL,"
    "  rules INTEGER NOT NULL,"
    "  added INTEGER NOT NULL);"
    "CREATE TABLE rule_set("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  engine TEXT NOT NULL,"
    "  blob BLOB NOT NULL);"
    "CREATE TABLE sample_family("
    "  sample_id INTEGER NOT NULL REFERENCES sample(id),"
    "  family TEXT NOT NULL,"
    "  rule TEXT NOT NULL,"
    "  PRIMARY KEY (sample_id, family, rule)) WITHOUT ROWID;"
    "CREATE INDEX sample_family_family ON sample_family(family COLLATE NOCASE);"
    "CREATE TABLE config("
    "  id INTEGER PRIMARY KEY,"
    "  sample_id INTEGER NOT NULL REFERENCES sample(id),"
    "  family TEXT NOT NULL,"
    "  extractor TEXT NOT NULL,"
    "  extractor_version TEXT NOT NULL,"
    "  build TEXT,"
    "  campaign TEXT,"
    "  json TEXT NOT NULL,"
    "  extracted INTEGER NOT NULL,"
    "  UNIQUE (sample_id, extractor, extractor_version));",

    /* 4: sharing (docs/taxii.md). A collection keeps one cobject row per
     * object version; added is its TAXII date_added in microseconds,
     * strictly increasing over the whole store, and the row's key: pages
     * are ranges of it, and the audit log names what it sent by it.
     * vflags: 1 the latest version of its id in its collection, 2 the
     * first. root: the observable whose TLP:RED naming applies (NULL: the
     * object's own id). digest: the first 8 bytes of the JSON's SHA-256.
     * Rows leave for cobject_gone (without their JSON) so that the audit
     * log still says what it sent. Partners keep only their token's hash;
     * rights are bits (1 read, 2 write). Enum columns hold tix's values. */
    "CREATE TABLE collection("
    "  id INTEGER PRIMARY KEY,"
    "  uuid TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  description TEXT,"
    "  kind INTEGER NOT NULL,"
    "  query TEXT,"
    "  created INTEGER NOT NULL,"
    "  synced INTEGER NOT NULL DEFAULT 0,"
    "  removed INTEGER NOT NULL DEFAULT 0);"
    "CREATE UNIQUE INDEX collection_name ON collection(name) WHERE removed=0;"
    "CREATE TABLE cobject("
    "  added INTEGER PRIMARY KEY,"
    "  collection_id INTEGER NOT NULL,"
    "  stix_id TEXT NOT NULL,"
    "  type TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  spec TEXT NOT NULL,"
    "  tlp INTEGER NOT NULL,"
    "  root TEXT,"
    "  vflags INTEGER NOT NULL,"
    "  digest INTEGER NOT NULL,"
    "  json TEXT NOT NULL);"
    "CREATE INDEX cobject_page ON cobject(collection_id, added, tlp, vflags);"
    "CREATE INDEX cobject_id ON cobject(stix_id, collection_id);"
    "CREATE TABLE cobject_gone("
    "  added INTEGER PRIMARY KEY,"
    "  collection_id INTEGER NOT NULL,"
    "  stix_id TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  gone INTEGER NOT NULL);"
    "CREATE INDEX cobject_gone_id ON cobject_gone(stix_id);"
    "CREATE TABLE partner("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  kind INTEGER NOT NULL,"
    "  country TEXT NOT NULL,"
    "  clearance INTEGER NOT NULL,"
    "  token_sha256 BLOB NOT NULL UNIQUE,"
    "  created INTEGER NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE share_grant("
    "  partner_id INTEGER NOT NULL,"
    "  collection_id INTEGER NOT NULL,"
    "  rights INTEGER NOT NULL,"
    "  PRIMARY KEY (partner_id, collection_id)) WITHOUT ROWID;"
    "CREATE TABLE red_name("
    "  partner_id INTEGER NOT NULL,"
    "  key TEXT NOT NULL,"
    "  added INTEGER NOT NULL,"
    "  PRIMARY KEY (partner_id, key)) WITHOUT ROWID;"
    /* one row per request a partner made; keys: the date_added of each
     * object version sent, as kmin and then varint deltas */
    "CREATE TABLE audit("
    "  id INTEGER PRIMARY KEY,"
    "  time INTEGER NOT NULL,"
    "  partner_id INTEGER NOT NULL,"
    "  collection_id INTEGER,"
    "  method TEXT NOT NULL,"
    "  request TEXT NOT NULL,"
    "  status INTEGER NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  kmin INTEGER,"
    "  kmax INTEGER,"
    "  keys BLOB,"
    "  sha256 BLOB);"
    "CREATE TABLE taxii_status("
    "  id TEXT PRIMARY KEY,"
    "  partner_id INTEGER NOT NULL,"
    "  collection_id INTEGER NOT NULL,"
    "  created INTEGER NOT NULL,"
    "  json TEXT NOT NULL);"
    "INSERT INTO counter VALUES('share.generation', 0);",
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int tix_store_schema_current(void) { return NMIGRATIONS; }

int sq_user_version(sqlite3 *db)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

tix_err sq_migrate(sqlite3 *db, const char *path, tix_diag *d)
{
    char *err = NULL;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &err) != SQLITE_OK)
        goto fail;
    int v = sq_user_version(db);
    if (v > NMIGRATIONS) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return tix_diag_set(d, TIX_EUNSUPPORTED,
                            "%s: schema version %d is newer than this tix (%d)", path,
                            v, NMIGRATIONS);
    }
    for (; v >= 0 && v < NMIGRATIONS; v++) {
        if (sqlite3_exec(db, migrations[v], NULL, NULL, &err) != SQLITE_OK)
            goto fail;
        char set[48];
        snprintf(set, sizeof set, "PRAGMA user_version = %d", v + 1);
        if (sqlite3_exec(db, set, NULL, NULL, &err) != SQLITE_OK)
            goto fail;
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, &err) != SQLITE_OK)
        goto fail;
    return TIX_EOK;
fail:
    tix_diag_set(d, TIX_EDB, "%s: migrating the schema: %s", path,
                 err ? err : sqlite3_errmsg(db));
    sqlite3_free(err);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return TIX_EDB;
}
