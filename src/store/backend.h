/* backend.h - what a store backend implements. Not API.
 *
 * tix_store_* in store.c check arguments and dispatch here, so a backend
 * only deals with its database. A backend's handle starts with a
 * struct tix_store.
 */
#ifndef TIX_STORE_BACKEND_H
#define TIX_STORE_BACKEND_H

#include "tix/store.h"

struct store_export_ops;

struct store_ops {
    const char *name;
    void (*close)(tix_store *s);
    int (*schema_version)(tix_store *s);
    tix_err (*begin)(tix_store *s, tix_diag *d);
    tix_err (*commit)(tix_store *s, tix_diag *d);
    void (*rollback)(tix_store *s);

    tix_err (*source_put)(tix_store *s, const char *name, tix_source_kind kind,
                          int trust, tix_source *out, tix_diag *d);
    tix_err (*source_set)(tix_store *s, const char *name, tix_source_kind kind,
                          int trust, tix_diag *d);
    tix_err (*document_put)(tix_store *s, tix_document *io, bool *created, tix_diag *d);
    tix_err (*document_set_records)(tix_store *s, int64_t id, uint64_t n, tix_diag *d);
    tix_err (*sample_put)(tix_store *s, tix_sample *io, bool *created, tix_diag *d);
    tix_err (*observable_put)(tix_store *s, tix_obs_type type, const char *value,
                              size_t len, const uint8_t uuid[16], int64_t *id,
                              bool *created, tix_diag *d);
    tix_err (*evidence_add)(tix_store *s, const tix_evidence *e, tix_diag *d);
    tix_err (*relationship_add)(tix_store *s, const tix_relationship *r, tix_diag *d);
    tix_err (*object_put)(tix_store *s, const tix_object *o, tix_diag *d);

    tix_err (*source_get)(tix_store *s, const char *name, tix_source *out, tix_diag *d);
    tix_err (*source_each)(tix_store *s, tix_source_fn fn, void *ud, tix_diag *d);
    /* uuid plus the set of tix types the STIX type covers */
    tix_err (*observable_get)(tix_store *s, uint32_t types, const uint8_t uuid[16],
                              tix_obs_rec *out, tix_diag *d);
    tix_err (*observable_each)(tix_store *s, const tix_obs_filter *f, tix_obs_fn fn,
                               void *ud, tix_diag *d);
    tix_err (*evidence_each)(tix_store *s, int64_t observable_id, int64_t sample_id,
                             tix_evidence_fn fn, void *ud, tix_diag *d);
    tix_err (*relationship_each)(tix_store *s, const char *stix_id,
                                 tix_relationship_fn fn, void *ud, tix_diag *d);
    tix_err (*sample_get)(tix_store *s, const uint8_t *hash, size_t hash_len,
                          tix_sample *out, tix_diag *d);
    tix_err (*object_get)(tix_store *s, const char *stix_id, tix_object *out,
                          tix_diag *d);
    tix_err (*stats)(tix_store *s, tix_store_stats *out, tix_diag *d);

    /* vetting, enrichment, passive DNS */
    tix_err (*list_put)(tix_store *s, const tix_list *l, int *outcome, tix_diag *d);
    tix_err (*list_entry)(tix_store *s, const char *list, const char *value,
                          const char *note, bool add, bool *changed, tix_diag *d);
    tix_err (*list_set_policy)(tix_store *s, const char *list, tix_policy p, tix_diag *d);
    tix_err (*list_each)(tix_store *s, tix_list_fn fn, void *ud, tix_diag *d);
    tix_err (*list_get)(tix_store *s, const char *name, tix_list **out, tix_diag *d);
    tix_err (*vet_clear)(tix_store *s, int64_t after, tix_diag *d);
    tix_err (*verdict_add)(tix_store *s, int64_t obs, int64_t list, tix_match_type m,
                           const char *entry, const char *note, bool on_host, tix_diag *d);
    tix_err (*verdict_each)(tix_store *s, int64_t obs, tix_verdict_fn fn, void *ud,
                            tix_diag *d);
    tix_err (*flag_set)(tix_store *s, int64_t obs, const char *flag, const char *evidence,
                        tix_diag *d);
    tix_err (*flag_clear)(tix_store *s, const char *flag, tix_diag *d);
    tix_err (*flag_each)(tix_store *s, int64_t obs, tix_flag_fn fn, void *ud, tix_diag *d);
    tix_err (*enrich_clear)(tix_store *s, int64_t after, tix_diag *d);
    tix_err (*enrichment_put)(tix_store *s, const tix_enrichment *en, tix_diag *d);
    tix_err (*enrichment_get)(tix_store *s, int64_t obs, tix_enrichment *out, tix_diag *d);
    tix_err (*resolution_add)(tix_store *s, const tix_resolution *r, bool *created,
                              tix_diag *d);
    tix_err (*resolution_each)(tix_store *s, const char *rrname, const char *rdata,
                               int64_t since, tix_resolution_fn fn, void *ud, tix_diag *d);
    tix_err (*shared_hosts)(tix_store *s, int64_t since, uint64_t threshold,
                            tix_shared_host_fn fn, void *ud, tix_diag *d);
    tix_err (*setting_get)(tix_store *s, const char *name, char **out, tix_diag *d);
    tix_err (*setting_set)(tix_store *s, const char *name, const char *value, tix_diag *d);

    /* classification */
    tix_err (*rule_file_put)(tix_store *s, const tix_rule_file_rec *r, bool *changed,
                             tix_diag *d);
    tix_err (*rule_file_rm)(tix_store *s, const char *name, bool *removed, tix_diag *d);
    tix_err (*rule_file_each)(tix_store *s, bool with_text, tix_rule_file_fn fn, void *ud,
                              tix_diag *d);
    tix_err (*rule_set_put)(tix_store *s, const char *engine, const void *blob, size_t len,
                            tix_diag *d);
    tix_err (*rule_set_get)(tix_store *s, char **engine, void **blob, size_t *len,
                            tix_diag *d);
    tix_err (*sample_family_add)(tix_store *s, int64_t sample_id, const char *family,
                                 const char *rule, tix_diag *d);
    tix_err (*sample_family_each)(tix_store *s, int64_t sample_id, tix_sample_family_fn fn,
                                  void *ud, tix_diag *d);
    tix_err (*config_put)(tix_store *s, const tix_config_rec *c, bool *created, tix_diag *d);
    tix_err (*config_each)(tix_store *s, int64_t sample_id, tix_config_rec_fn fn, void *ud,
                           tix_diag *d);
    tix_err (*family_each)(tix_store *s, const char *family, int64_t since, uint32_t types,
                           tix_family_obs_fn fn, void *ud, tix_diag *d);

    /* exports (sqlite_export.c for SQLite) */
    const struct store_export_ops *exp;
    /* collections, partners, grants, audit: src/store/share_backend.h */
    const struct share_ops *share;
};

struct store_export_ops {
    tix_err (*read_begin)(tix_store *s, tix_diag *d);
    void (*read_end)(tix_store *s);
    /* sel->source is already resolved: source_id > 0 the source, -1 an
     * unknown name (nothing is selected), 0 no source condition */
    tix_err (*each)(tix_store *s, const tix_obs_select *sel, int64_t source_id,
                    tix_export_obs_fn fn, void *ud, tix_diag *d);
    tix_err (*sources)(tix_store *s, const tix_obs_select *sel, int64_t source_id,
                       tix_export_source_fn fn, void *ud, tix_diag *d);
    tix_err (*families)(tix_store *s, const tix_obs_select *sel, int64_t source_id,
                        tix_export_family_fn fn, void *ud, tix_diag *d);
    tix_err (*relationships)(tix_store *s, const tix_obs_select *sel, int64_t source_id,
                             tix_export_rel_fn fn, void *ud, tix_diag *d);
};

struct tix_store {
    const struct store_ops *ops;
    bool in_txn;
    bool readonly;
    bool in_read; /* tix_store_read_begin */
    int64_t now; /* tix_store_set_now; 0: the clock */
};

/* Backends: open the store at a backend-specific location. */
tix_err store_sqlite_open(tix_store **out, const char *path, unsigned flags,
                          tix_diag *d);

/* The 16 raw bytes of the UUID in a STIX id ("type--uuid"), and the tix
 * types that STIX type covers. */
tix_err store_parse_stix_id(const char *stix_id, uint8_t uuid[16], uint32_t *types,
                            tix_diag *d);

#endif
