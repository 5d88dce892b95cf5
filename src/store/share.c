/* share.c - the backend-neutral face of collections, partners, grants and
 * the audit log: argument checks, tokens, uuids, and dispatch. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <string.h>

#include "store/backend.h"
#include "store/share_backend.h"
#include "tix/share.h"

static const char *const partner_kinds[] = {
#define X(e, n) n,
    TIX_PARTNER_KIND_MAP(X)
#undef X
};

const char *tix_partner_kind_name(tix_partner_kind k)
{
    return (unsigned)k < TIX_PARTNER_KIND_COUNT ? partner_kinds[k] : "?";
}

int tix_partner_kind_from_name(const char *name)
{
    for (int i = 0; i < TIX_PARTNER_KIND_COUNT; i++)
        if (strcmp(name, partner_kinds[i]) == 0)
            return i;
    return -1;
}

const char *tix_collection_kind_name(tix_collection_kind k)
{
    return k == TIX_COLLECTION_QUERY ? "query" : k == TIX_COLLECTION_STORE ? "store" : "?";
}

int tix_collection_kind_from_name(const char *name)
{
    if (strcmp(name, "query") == 0)
        return TIX_COLLECTION_QUERY;
    if (strcmp(name, "store") == 0)
        return TIX_COLLECTION_STORE;
    return -1;
}

/* ---- small helpers ---- */

tix_err tix_uuid4(char out[TIX_UUID_MAX], tix_diag *d)
{
    uint8_t u[16];
    if (RAND_bytes(u, sizeof u) != 1)
        return tix_diag_set(d, TIX_EIO, "no random bytes for a uuid");
    u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
    u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
    tix_uuid_format(u, out);
    return TIX_EOK;
}

static bool uuid_valid(const char *u, size_t len)
{
    if (len != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (u[i] != '-')
                return false;
        } else if (!((u[i] >= '0' && u[i] <= '9') || (u[i] >= 'a' && u[i] <= 'f'))) {
            return false;
        }
    }
    return true;
}

bool tix_stix_id_valid(const char *id, size_t len)
{
    const char *sep = NULL;
    for (size_t i = 0; i + 1 < len; i++)
        if (id[i] == '-' && id[i + 1] == '-') {
            sep = id + i;
            break;
        }
    if (!sep)
        return false;
    size_t tl = (size_t)(sep - id);
    if (tl < 3 || tl > 250 || id[0] == '-' || id[tl - 1] == '-')
        return false;
    for (size_t i = 0; i < tl; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return uuid_valid(sep + 2, len - tl - 2);
}

void tix_token_hash(const char *token, size_t len, uint8_t out[32])
{
    SHA256((const unsigned char *)token, len, out);
}

static tix_err new_token(char token[TIX_TOKEN_MAX], uint8_t hash[32], tix_diag *d)
{
    uint8_t raw[32];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return tix_diag_set(d, TIX_EIO, "no random bytes for a token");
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t n = strlen(TIX_TOKEN_PREFIX);
    memcpy(token, TIX_TOKEN_PREFIX, n);
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < sizeof raw; i++) {
        acc = acc << 8 | raw[i];
        bits += 8;
        while (bits >= 6) {
            token[n++] = b64[(acc >> (bits - 6)) & 63];
            bits -= 6;
        }
    }
    if (bits)
        token[n++] = b64[(acc << (6 - bits)) & 63];
    token[n] = 0;
    OPENSSL_cleanse(raw, sizeof raw);
    tix_token_hash(token, n, hash);
    return TIX_EOK;
}

static tix_err need_txn(tix_store *s, tix_diag *d)
{
    if (s->readonly)
        return tix_diag_set(d, TIX_EINVAL, "store opened read-only");
    if (!s->in_txn)
        return tix_diag_set(d, TIX_EINVAL, "write outside a transaction");
    return TIX_EOK;
}

static bool name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n < 1 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

static bool text_ok(const char *s, size_t max)
{
    if (!s)
        return true;
    size_t n = strlen(s);
    if (n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
            return false;
    return true;
}

/* ---- collections ---- */

tix_err tix_collection_add(tix_store *s, const char *name, tix_collection_kind kind,
                           const char *query, const char *title, const char *description,
                           tix_collection *out, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e)
        return e;
    if (!name_valid(name) || uuid_valid(name, strlen(name)))
        return tix_diag_set(d, TIX_EINVAL,
                            "a collection name is 1-64 letters, digits, '.', '_' or '-' "
                            "(and not a uuid)");
    if (kind != TIX_COLLECTION_QUERY && kind != TIX_COLLECTION_STORE)
        return tix_diag_set(d, TIX_EINVAL, "unknown collection kind");
    if (kind == TIX_COLLECTION_QUERY && (!query || !*query))
        return tix_diag_set(d, TIX_EINVAL, "a query collection needs a query");
    if (kind == TIX_COLLECTION_STORE && query)
        return tix_diag_set(d, TIX_EINVAL, "a store collection has no query");
    if (!text_ok(query, 4096) || !text_ok(title, 256) || !text_ok(description, 4096))
        return tix_diag_set(d, TIX_EINVAL, "query, title or description too long or "
                                           "with control characters");
    char uuid[TIX_UUID_MAX];
    if ((e = tix_uuid4(uuid, d)))
        return e;
    e = s->ops->share->coll_add(s, uuid, name, kind, query, title && *title ? title : name,
                                description && *description ? description : NULL, d);
    if (!e && out)
        e = s->ops->share->coll_get(s, uuid, out, d);
    return e;
}

tix_err tix_collection_get(tix_store *s, const char *name_or_uuid, tix_collection *out,
                           tix_diag *d)
{
    if (!name_or_uuid || !*name_or_uuid)
        return tix_diag_set(d, TIX_EINVAL, "no collection named");
    return s->ops->share->coll_get(s, name_or_uuid, out, d);
}

tix_err tix_collection_each(tix_store *s, bool counts, tix_collection_fn fn, void *ud,
                            tix_diag *d)
{
    return s->ops->share->coll_each(s, counts, fn, ud, d);
}

tix_err tix_collection_rm(tix_store *s, const char *name, bool *removed, tix_diag *d)
{
    bool r = false;
    tix_err e = need_txn(s, d);
    if (!e)
        e = s->ops->share->coll_rm(s, name ? name : "", &r, d);
    if (removed)
        *removed = r;
    return e;
}

tix_err tix_collection_sync(tix_store *s, const char *collection,
                            tix_collection_producer producer, void *ud, tix_sync_stats *st,
                            tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e)
        return e;
    if (!producer)
        return tix_diag_set(d, TIX_EINVAL, "sync: no producer");
    tix_collection c;
    if ((e = tix_collection_get(s, collection, &c, d)))
        return e;
    if (c.kind != TIX_COLLECTION_QUERY)
        return tix_diag_set(d, TIX_EINVAL, "%s is a store collection: only query "
                                           "collections are synced", collection);
    tix_sync_stats mine;
    memset(&mine, 0, sizeof mine);
    e = s->ops->share->coll_sync(s, c.id, producer, ud, &mine, d);
    if (!e && st)
        *st = mine;
    return e;
}

tix_err tix_share_read(tix_store *s, const tix_share_query *q, bool with_json,
                       tix_share_row_fn fn, void *ud, tix_diag *d)
{
    if (q->clearance < TIX_TLP_CLEAR || q->clearance > TIX_TLP_RED)
        return tix_diag_set(d, TIX_EINVAL, "a read needs the partner's clearance");
    return s->ops->share->read(s, q, with_json, fn, ud, d);
}

tix_err tix_share_add(tix_store *s, int64_t collection_id, const tix_share_obj *o,
                      int64_t *added_at, bool *dup, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e)
        return e;
    if (!o->id || !o->type || !o->json || !tix_stix_id_valid(o->id, strlen(o->id)))
        return tix_diag_set(d, TIX_EINVAL, "an object needs a valid id, a type and JSON");
    if (o->tlp < TIX_TLP_CLEAR || o->tlp > TIX_TLP_RED)
        return tix_diag_set(d, TIX_EINVAL, "%s: an object needs a TLP", o->id);
    return s->ops->share->add(s, collection_id, o, added_at, dup, d);
}

tix_err tix_share_delete(tix_store *s, const tix_share_query *q, int64_t **keys, size_t *n,
                         tix_diag *d)
{
    *keys = NULL;
    *n = 0;
    tix_err e = need_txn(s, d);
    if (e)
        return e;
    if (!q->n_ids)
        return tix_diag_set(d, TIX_EINVAL, "a delete names the objects");
    if (q->clearance < TIX_TLP_CLEAR || q->clearance > TIX_TLP_RED)
        return tix_diag_set(d, TIX_EINVAL, "a delete needs the partner's clearance");
    return s->ops->share->del(s, q, keys, n, d);
}

/* ---- partners ---- */

static tix_err check_partner(const char *name, tix_partner_kind kind, const char *country,
                             tix_tlp clearance, tix_diag *d)
{
    if (!name_valid(name))
        return tix_diag_set(d, TIX_EINVAL,
                            "a partner name is 1-64 letters, digits, '.', '_' or '-'");
    if ((unsigned)kind >= TIX_PARTNER_KIND_COUNT)
        return tix_diag_set(d, TIX_EINVAL, "a partner is police, cert or vendor");
    if (!country || strlen(country) != 2 ||
        !((country[0] | 0x20) >= 'a' && (country[0] | 0x20) <= 'z') ||
        !((country[1] | 0x20) >= 'a' && (country[1] | 0x20) <= 'z'))
        return tix_diag_set(d, TIX_EINVAL, "a country is two letters (ISO 3166)");
    if (clearance < TIX_TLP_CLEAR || clearance > TIX_TLP_RED)
        return tix_diag_set(d, TIX_EINVAL,
                            "a clearance is clear, green, amber, amber+strict or red");
    return TIX_EOK;
}

tix_err tix_partner_add(tix_store *s, const char *name, tix_partner_kind kind,
                        const char *country, tix_tlp clearance, char token[TIX_TOKEN_MAX],
                        tix_diag *d)
{
    token[0] = 0;
    tix_err e = need_txn(s, d);
    if (e || (e = check_partner(name, kind, country, clearance, d)))
        return e;
    char cc[3] = {(char)(country[0] & ~0x20), (char)(country[1] & ~0x20), 0};
    uint8_t hash[32];
    if ((e = new_token(token, hash, d)))
        return e;
    e = s->ops->share->partner_add(s, name, kind, cc, clearance, hash, d);
    if (e)
        OPENSSL_cleanse(token, TIX_TOKEN_MAX);
    return e;
}

tix_err tix_partner_rotate(tix_store *s, const char *name, char token[TIX_TOKEN_MAX],
                           tix_diag *d)
{
    token[0] = 0;
    tix_err e = need_txn(s, d);
    if (e)
        return e;
    uint8_t hash[32];
    if ((e = new_token(token, hash, d)))
        return e;
    e = s->ops->share->partner_token(s, name ? name : "", hash, d);
    if (e)
        OPENSSL_cleanse(token, TIX_TOKEN_MAX);
    return e;
}

tix_err tix_partner_disable(tix_store *s, const char *name, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    return e ? e : s->ops->share->partner_disable(s, name ? name : "", d);
}

tix_err tix_partner_get(tix_store *s, const char *name, tix_partner *out, tix_diag *d)
{
    return s->ops->share->partner_get(s, name ? name : "", out, d);
}

tix_err tix_partner_each(tix_store *s, tix_partner_fn fn, void *ud, tix_diag *d)
{
    return s->ops->share->partner_each(s, fn, ud, d);
}

/* ---- grants and naming ---- */

tix_err tix_grant_add(tix_store *s, const char *partner, const char *collection,
                      unsigned rights, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e)
        return e;
    if (!rights || (rights & ~(TIX_GRANT_READ | TIX_GRANT_WRITE)))
        return tix_diag_set(d, TIX_EINVAL, "a grant is read, write or both");
    return s->ops->share->grant_add(s, partner ? partner : "",
                                    collection ? collection : "", rights, d);
}

tix_err tix_grant_rm(tix_store *s, const char *partner, const char *collection,
                     unsigned rights, bool *removed, tix_diag *d)
{
    bool r = false;
    tix_err e = need_txn(s, d);
    if (!e && (rights & ~(TIX_GRANT_READ | TIX_GRANT_WRITE)))
        e = tix_diag_set(d, TIX_EINVAL, "a grant is read, write or both");
    if (!e)
        e = s->ops->share->grant_rm(s, partner ? partner : "", collection ? collection : "",
                                    rights, &r, d);
    if (removed)
        *removed = r;
    return e;
}

tix_err tix_grant_each(tix_store *s, const char *partner, tix_grant_fn fn, void *ud,
                       tix_diag *d)
{
    return s->ops->share->grant_each(s, partner, fn, ud, d);
}

tix_err tix_red_allow(tix_store *s, const char *partner, const char *key, bool *added,
                      tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e)
        return e;
    if (!key || !tix_stix_id_valid(key, strlen(key)))
        return tix_diag_set(d, TIX_EINVAL, "'%.80s' is not a STIX id (type--uuid)",
                            key ? key : "");
    return s->ops->share->red_allow(s, partner ? partner : "", key, added, d);
}

tix_err tix_share_generation(tix_store *s, int64_t *gen, tix_diag *d)
{
    return s->ops->share->generation(s, gen, d);
}

tix_err tix_share_cache_limit(tix_store *s, unsigned kib, tix_diag *d)
{
    if (kib < 64)
        return tix_diag_set(d, TIX_EINVAL, "a page cache of at least 64 KiB");
    return s->ops->share->cache_limit(s, kib, d);
}

/* ---- audit and status ---- */

tix_err tix_audit_add(tix_store *s, const tix_audit_rec *r, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e)
        return e;
    if (r->partner_id <= 0)
        return tix_diag_set(d, TIX_EINVAL, "an audit row needs a partner");
    for (size_t i = 1; i < r->n_keys; i++)
        if (r->keys[i] <= r->keys[i - 1])
            return tix_diag_set(d, TIX_EINVAL, "audit keys must ascend");
    return s->ops->share->audit_add(s, r, d);
}

tix_err tix_audit_each(tix_store *s, const tix_audit_filter *f, tix_audit_fn fn, void *ud,
                       tix_diag *d)
{
    static const tix_audit_filter all = {0};
    return s->ops->share->audit_each(s, f ? f : &all, fn, ud, d);
}

tix_err tix_audit_objects(tix_store *s, const tix_audit_rec *r, tix_audit_obj_fn fn,
                          void *ud, tix_diag *d)
{
    return s->ops->share->audit_objects(s, r, fn, ud, d);
}

tix_err tix_share_status_put(tix_store *s, const char *id, int64_t partner_id,
                             int64_t collection_id, const char *json, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e)
        return e;
    if (!id || !uuid_valid(id, strlen(id)) || !json)
        return tix_diag_set(d, TIX_EINVAL, "a status resource needs a uuid and JSON");
    return s->ops->share->status_put(s, id, partner_id, collection_id, json, d);
}

tix_err tix_share_status_get(tix_store *s, const char *id, int64_t partner_id, tix_buf *out,
                             tix_diag *d)
{
    return s->ops->share->status_get(s, id ? id : "", partner_id, out, d);
}
