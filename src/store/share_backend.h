/* share_backend.h - what a store backend implements for tix/share.h.
 * Not API.
 *
 * share.c checks arguments, makes tokens and uuids, and dispatches here
 * through store_ops.share, so a backend only deals with its database. */
#ifndef TIX_STORE_SHARE_BACKEND_H
#define TIX_STORE_SHARE_BACKEND_H

#include "tix/share.h"

struct share_ops {
    tix_err (*generation)(tix_store *s, int64_t *gen, tix_diag *d);
    tix_err (*cache_limit)(tix_store *s, unsigned kib, tix_diag *d);

    tix_err (*coll_add)(tix_store *s, const char *uuid, const char *name,
                        tix_collection_kind kind, const char *query, const char *title,
                        const char *description, tix_diag *d);
    tix_err (*coll_get)(tix_store *s, const char *name_or_uuid, tix_collection *out,
                        tix_diag *d);
    tix_err (*coll_each)(tix_store *s, bool counts, tix_collection_fn fn, void *ud,
                         tix_diag *d);
    tix_err (*coll_rm)(tix_store *s, const char *name, bool *removed, tix_diag *d);
    tix_err (*coll_sync)(tix_store *s, int64_t collection_id,
                         tix_collection_producer producer, void *ud, tix_sync_stats *st,
                         tix_diag *d);

    tix_err (*read)(tix_store *s, const tix_share_query *q, bool with_json,
                    tix_share_row_fn fn, void *ud, tix_diag *d);
    tix_err (*add)(tix_store *s, int64_t collection_id, const tix_share_obj *o,
                   int64_t *added_at, bool *dup, tix_diag *d);
    tix_err (*del)(tix_store *s, const tix_share_query *q, int64_t **keys, size_t *n,
                   tix_diag *d);

    tix_err (*partner_add)(tix_store *s, const char *name, tix_partner_kind kind,
                           const char *country, tix_tlp clearance,
                           const uint8_t hash[32], tix_diag *d);
    tix_err (*partner_token)(tix_store *s, const char *name, const uint8_t hash[32],
                             tix_diag *d);
    tix_err (*partner_disable)(tix_store *s, const char *name, tix_diag *d);
    tix_err (*partner_get)(tix_store *s, const char *name, tix_partner *out, tix_diag *d);
    tix_err (*partner_each)(tix_store *s, tix_partner_fn fn, void *ud, tix_diag *d);

    tix_err (*grant_add)(tix_store *s, const char *partner, const char *collection,
                         unsigned rights, tix_diag *d);
    tix_err (*grant_rm)(tix_store *s, const char *partner, const char *collection,
                        unsigned rights, bool *removed, tix_diag *d);
    tix_err (*grant_each)(tix_store *s, const char *partner, tix_grant_fn fn, void *ud,
                          tix_diag *d);
    tix_err (*red_allow)(tix_store *s, const char *partner, const char *key, bool *added,
                         tix_diag *d);

    tix_err (*audit_add)(tix_store *s, const tix_audit_rec *r, tix_diag *d);
    tix_err (*audit_each)(tix_store *s, const tix_audit_filter *f, tix_audit_fn fn,
                          void *ud, tix_diag *d);
    tix_err (*audit_objects)(tix_store *s, const tix_audit_rec *r, tix_audit_obj_fn fn,
                             void *ud, tix_diag *d);

    tix_err (*status_put)(tix_store *s, const char *id, int64_t partner_id,
                          int64_t collection_id, const char *json, tix_diag *d);
    tix_err (*status_get)(tix_store *s, const char *id, int64_t partner_id, tix_buf *out,
                          tix_diag *d);
};

/* The SQLite backend's. */
extern const struct share_ops sq_share_ops;

#endif
