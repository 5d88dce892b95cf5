/* post.c - what partners write: POST of objects to a store collection
 * (each object checked, stored as a new version, answered with a status
 * resource), DELETE of an object, and GET of a status resource.
 *
 * A POST answer speaks only of the objects posted: an object that is
 * already there, the same version with the same content, is a success
 * like any other, so a writer learns nothing about what others put in. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "taxii/internal.h"


/* What an object without a TLP marking is shared as. */
#define TLP_UNMARKED TIX_TLP_AMBER

/* STIX 2.1 cyber-observable types (no created/modified), and the wallet
 * type tix gives the same treatment. */
static const char *const sco_types[] = {
    "artifact", "autonomous-system", "directory", "domain-name", "email-addr",
    "email-message", "file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex",
    "network-traffic", "process", "software", "url", "user-account",
    "windows-registry-key", "x509-certificate", "cryptocurrency-wallet",
};

typedef struct {
    const char *id;
    tix_tlp tlp;
} bundle_marking;

typedef struct {
    bundle_marking *m;
    size_t n;
} markings;

static tix_tlp known_ref(const markings *bm, const char *ref)
{
    tix_tlp known = tix_tlp_of_marking_id(ref);
    if (known != TIX_TLP_UNSET)
        return known;
    for (size_t i = 0; i < bm->n; i++)
        if (strcmp(ref, bm->m[i].id) == 0)
            return bm->m[i].tlp;
    return TIX_TLP_UNSET;
}

/* What a marking-definition in the bundle says, TLP 1.0 or 2.0 style. */
static tix_tlp marking_tlp(json_t *o)
{
    const char *t = NULL;
    const char *dt = json_string_value(json_object_get(o, "definition_type"));
    if (dt && strcmp(dt, "tlp") == 0)
        t = json_string_value(json_object_get(json_object_get(o, "definition"), "tlp"));
    if (!t)
        t = json_string_value(json_object_get(
            json_object_get(json_object_get(o, "extensions"), TIX_TLP2_EXTENSION), "tlp_2_0"));
    return t ? tix_tlp_parse(t, strlen(t)) : TIX_TLP_UNSET;
}

/* The strictest TLP among an object's markings, object and granular;
 * TIX_TLP_UNSET when it has none. */
static tix_tlp object_tlp(const markings *bm, json_t *o)
{
    tix_tlp t = TIX_TLP_UNSET;
    size_t i;
    json_t *ref;
    json_array_foreach(json_object_get(o, "object_marking_refs"), i, ref) {
        const char *s = json_string_value(ref);
        tix_tlp r = s ? known_ref(bm, s) : TIX_TLP_UNSET;
        if (r > t)
            t = r;
    }
    json_t *g;
    json_array_foreach(json_object_get(o, "granular_markings"), i, g) {
        const char *s = json_string_value(json_object_get(g, "marking_ref"));
        tix_tlp r = s ? known_ref(bm, s) : TIX_TLP_UNSET;
        if (r > t)
            t = r;
    }
    return t;
}

static bool is_sco(const char *type)
{
    for (size_t i = 0; i < sizeof sco_types / sizeof sco_types[0]; i++)
        if (strcmp(type, sco_types[i]) == 0)
            return true;
    return false;
}

typedef struct {
    const char *id, *type;
    int64_t version;            /* µs; 0: its date_added */
    const char *version_text;   /* as the object writes it, or NULL */
    tix_tlp tlp;
} obj_info;

static const char *get_time(json_t *o, const char *key, int64_t *us, const char **text)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return "missing";
    const char *s = json_string_value(v);
    if (!s || tix_time_parse_stix(s, strlen(s), us, NULL) != TIX_EOK)
        return "not a timestamp";
    *text = s;
    return NULL;
}

/* NULL when o is an object tix can keep, else why not. */
static const char *validate(const markings *bm, json_t *o, obj_info *in, char *why,
                            size_t whylen)
{
    memset(in, 0, sizeof *in);
    if (!json_is_object(o))
        return "not a JSON object";
    const char *type = json_string_value(json_object_get(o, "type"));
    const char *id = json_string_value(json_object_get(o, "id"));
    in->id = id;
    if (!type)
        return "no type";
    size_t tl = strlen(type);
    if (tl < 3 || tl > 250 || strspn(type, "abcdefghijklmnopqrstuvwxyz0123456789-") != tl ||
        type[0] == '-' || type[tl - 1] == '-' || strstr(type, "--"))
        return "type is not a STIX type";
    if (strcmp(type, "bundle") == 0)
        return "a bundle inside a bundle";
    in->type = type;
    if (!id || !tix_stix_id_valid(id, strlen(id)))
        return "no id, or not a STIX id (type--uuid)";
    if (strncmp(id, type, tl) != 0 || id[tl] != '-' || id[tl + 1] != '-')
        return "the id is not of the object's type";
    bool sco = is_sco(type);
    json_t *sv = json_object_get(o, "spec_version");
    if (sv || !sco) {
        const char *s = json_string_value(sv);
        if (!s)
            return "no spec_version";
        if (strcmp(s, "2.1") != 0)
            return "spec_version is not 2.1";
    }
    if (!sco) {
        int64_t created = 0, modified = 0;
        const char *ct = NULL, *mt = NULL, *e;
        if ((e = get_time(o, "created", &created, &ct))) {
            snprintf(why, whylen, "created: %s", e);
            return why;
        }
        in->version = created;
        in->version_text = ct;
        if (strcmp(type, "marking-definition") != 0) {
            if ((e = get_time(o, "modified", &modified, &mt))) {
                snprintf(why, whylen, "modified: %s", e);
                return why;
            }
            if (modified < created)
                return "modified is before created";
            in->version = modified;
            in->version_text = mt;
        }
    }
    in->tlp = object_tlp(bm, o);
    if (in->tlp == TIX_TLP_UNSET) {
        /* the public TLP definitions themselves are TLP:CLEAR */
        in->tlp = strcmp(type, "marking-definition") == 0 &&
                          known_ref(&(markings){NULL, 0}, id) != TIX_TLP_UNSET
                      ? TIX_TLP_CLEAR
                      : TLP_UNMARKED;
    }
    return NULL;
}

static void status_item(tix_buf *b, const char *id, const char *version, const char *msg)
{
    if (b->len)
        tix_buf_addc(b, ',');
    tix_buf_adds(b, "{\"id\":\"");
    if (id) {
        size_t n = strlen(id);
        tix_buf_add_json(b, id, n > 300 ? 300 : n);
    }
    tix_buf_addc(b, '"');
    if (version) {
        tix_buf_adds(b, ",\"version\":\"");
        tix_buf_add_json(b, version, strlen(version));
        tix_buf_addc(b, '"');
    }
    if (msg) {
        tix_buf_adds(b, ",\"message\":\"");
        tix_buf_add_json(b, msg, strlen(msg));
        tix_buf_addc(b, '"');
    }
    tix_buf_addc(b, '}');
}

/* The most JSON values a POST may hold: jansson keeps each as a node. */
#define POST_VALUES_MAX 2000000

/* An upper bound on the values in a JSON text: one more than the commas,
 * colons and brackets outside strings. */
static size_t json_values(const char *s, size_t n)
{
    size_t v = 1;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == ',' || c == ':' || c == '[' || c == '{') {
            v++;
        }
    }
    return v;
}

void taxii_post_objects(req *r)
{
    if (!(r->rights & TIX_GRANT_WRITE)) {
        taxii_error(r, 403, "Forbidden", "no write access to collection %s", r->coll_uuid);
        return;
    }
    if (r->coll->kind != TIX_COLLECTION_STORE) {
        taxii_error(r, 403, "Forbidden",
                    "collection %s is a query: its objects come from the store", r->coll_uuid);
        return;
    }
    if (!taxii_content_type_ok(r->rq->content_type)) {
        taxii_error(r, 415, "Unsupported Media Type",
                    "objects are posted as " TIX_TAXII_MEDIA " or " TIX_STIX_MEDIA);
        return;
    }
    /* nothing below reads: let another request have the connection */
    taxii_reader_put(r->t, r->rd);
    r->rd = NULL;

    const char *body = r->rq->body ? r->rq->body : "";
    if (json_values(body, r->rq->body_len) > POST_VALUES_MAX) {
        taxii_error(r, 413, "Payload Too Large", "more than %d JSON values in one POST",
                    POST_VALUES_MAX);
        return;
    }
    /* one POST parsed at a time: a parsed body takes several times its size */
    pthread_mutex_lock(&r->t->post_mu);
    json_error_t je;
    json_t *root = json_loadb(body, r->rq->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        pthread_mutex_unlock(&r->t->post_mu);
        taxii_error(r, 400, "Bad Request", "the body is not JSON: %s (line %d, column %d)",
                    je.text, je.line, je.column);
        return;
    }
    bundle_marking *bmv = NULL;
    tix_buf ok = TIX_BUF_INIT(0), bad = TIX_BUF_INIT(0);
    char *json = NULL;
    json_t *objs = json_object_get(root, "objects");
    json_t *rtype = json_object_get(root, "type");
    const char *rts = json_string_value(rtype);
    if (!json_is_object(root)) {
        taxii_error(r, 400, "Bad Request", "the body is not an envelope or a bundle");
        goto out;
    }
    if (rtype && (!rts || strcmp(rts, "bundle") != 0)) {
        taxii_error(r, 422, "Unprocessable Entity",
                    "a single %.64s object: post an envelope or a bundle",
                    rts ? rts : "typed");
        goto out;
    }
    if (!json_is_array(objs)) {
        taxii_error(r, 400, "Bad Request", "the body has no list of objects");
        goto out;
    }
    size_t n = json_array_size(objs);
    if (n == 0) {
        taxii_error(r, 422, "Unprocessable Entity", "the list of objects is empty");
        goto out;
    }
    /* marking definitions the bundle brings along */
    markings bm = {0};
    if (!(bmv = calloc(n, sizeof *bmv))) {
        taxii_error(r, 500, "Internal Server Error", "out of memory");
        goto out;
    }
    bm.m = bmv;
    size_t i;
    json_t *o;
    json_array_foreach(objs, i, o) {
        const char *t = json_string_value(json_object_get(o, "type"));
        const char *id = json_string_value(json_object_get(o, "id"));
        if (t && id && strcmp(t, "marking-definition") == 0) {
            tix_tlp tl = marking_tlp(o);
            if (tl != TIX_TLP_UNSET)
                bm.m[bm.n++] = (bundle_marking){id, tl};
        }
    }

    char status_id[TIX_UUID_MAX], now[TIX_TIME_US_MAX];
    tix_diag d = TIX_DIAG_INIT;
    if (tix_uuid4(status_id, &d)) {
        taxii_error(r, 500, "Internal Server Error", "%s", d.msg);
        goto out;
    }
    tix_time_format_us(tix_time_now_us(), now);
    uint64_t nok = 0, nbad = 0;
    r->sc->nkeys = 0;
    pthread_mutex_lock(&r->t->write_mu);
    tix_store *w = r->t->w;
    tix_err e = tix_store_begin(w, &d);
    json_array_foreach(objs, i, o) {
        if (e)
            break;
        obj_info in;
        char why[128];
        const char *fail = validate(&bm, o, &in, why, sizeof why);
        if (fail) {
            status_item(&bad, in.id, NULL, fail);
            nbad++;
            continue;
        }
        free(json);
        json = json_dumps(o, JSON_COMPACT);
        if (!json) {
            e = tix_diag_set(&d, TIX_ENOMEM, "out of memory");
            break;
        }
        tix_share_obj so = {.id = in.id, .type = in.type, .version = in.version,
                            .spec = "2.1", .tlp = in.tlp, .json = json, .len = strlen(json)};
        int64_t added = 0;
        bool dup = false;
        if ((e = tix_share_add(w, r->coll->id, &so, &added, &dup, &d)))
            break;
        if (added && !taxii_keep_key(r->sc, added)) {
            e = tix_diag_set(&d, TIX_ENOMEM, "out of memory");
            break;
        }
        /* the poster may read back its own TLP:RED objects (clearance
         * permitting) */
        if (in.tlp == TIX_TLP_RED && (e = tix_red_allow(w, r->partner->name, in.id, NULL, &d)))
            break;
        char vtext[TIX_TIME_US_MAX];
        if (!in.version_text)
            taxii_version_format(added ? added : tix_time_now_us(), vtext);
        status_item(&ok, in.id, in.version_text ? in.version_text : vtext, NULL);
        nok++;
    }
    tix_buf *b = r->rs->body;
    tix_buf_reset(b);
    tix_buf_adds(b, "{\"id\":\"");
    tix_buf_adds(b, status_id);
    tix_buf_adds(b, "\",\"status\":\"complete\",\"request_timestamp\":\"");
    tix_buf_adds(b, now);
    tix_buf_addf(b, "\",\"total_count\":%llu,\"success_count\":%llu,",
                 (unsigned long long)(nok + nbad), (unsigned long long)nok);
    if (nok) {
        tix_buf_adds(b, "\"successes\":[");
        tix_buf_add(b, ok.p, ok.len);
        tix_buf_adds(b, "],");
    }
    tix_buf_addf(b, "\"failure_count\":%llu,", (unsigned long long)nbad);
    if (nbad) {
        tix_buf_adds(b, "\"failures\":[");
        tix_buf_add(b, bad.p, bad.len);
        tix_buf_adds(b, "],");
    }
    tix_buf_adds(b, "\"pending_count\":0}");
    if (!e && (ok.err || bad.err || b->err))
        e = tix_diag_set(&d, TIX_ENOMEM, "the status is too large");
    if (!e)
        e = tix_share_status_put(w, status_id, r->partner->id, r->coll->id, b->p, &d);
    if (!e)
        e = tix_store_commit(w, &d);
    else
        tix_store_rollback(w);
    pthread_mutex_unlock(&r->t->write_mu);
    if (e) {
        taxii_log(r->t, "POST %s: %s", r->rq->target, d.msg);
        taxii_error(r, 500, "Internal Server Error", "the objects could not be stored");
        goto out;
    }
    r->rs->status = 202;
    r->rs->content_type = TIX_TAXII_MEDIA;
out:
    free(json);
    free(bmv);
    tix_buf_free(&ok);
    tix_buf_free(&bad);
    json_decref(root);
    pthread_mutex_unlock(&r->t->post_mu);
}

void taxii_delete_object(req *r)
{
    if ((r->rights & (TIX_GRANT_READ | TIX_GRANT_WRITE)) !=
        (TIX_GRANT_READ | TIX_GRANT_WRITE)) {
        taxii_error(r, 403, "Forbidden",
                    "deleting needs read and write access to collection %s", r->coll_uuid);
        return;
    }
    if (r->coll->kind != TIX_COLLECTION_STORE) {
        taxii_error(r, 403, "Forbidden",
                    "collection %s is a query: its objects come from the store", r->coll_uuid);
        return;
    }
    if (!taxii_params_parse(r))
        return;
    taxii_reader_put(r->t, r->rd);
    r->rd = NULL;
    const char *one[1] = {r->object_id};
    const params *p = &r->p;
    tix_share_query q = {
        .collection_id = r->coll->id, .partner_id = r->partner->id,
        .clearance = r->partner->clearance, .ids = one, .n_ids = 1,
        .versions = p->versions || p->n_vtimes ? p->versions : TIX_VERSIONS_ALL,
        .vtimes = p->vtimes, .n_vtimes = p->n_vtimes,
        .specs = p->specs, .n_specs = p->n_specs,
    };
    int64_t *keys = NULL;
    size_t nk = 0;
    tix_diag d = TIX_DIAG_INIT;
    pthread_mutex_lock(&r->t->write_mu);
    tix_err e = tix_store_begin(r->t->w, &d);
    if (!e)
        e = tix_share_delete(r->t->w, &q, &keys, &nk, &d);
    if (!e && nk)
        e = tix_store_commit(r->t->w, &d);
    else
        tix_store_rollback(r->t->w);
    pthread_mutex_unlock(&r->t->write_mu);
    if (e) {
        free(keys);
        taxii_log(r->t, "DELETE %s: %s", r->rq->target, d.msg);
        taxii_error(r, 500, "Internal Server Error", "the object could not be deleted");
        return;
    }
    if (!nk) {
        taxii_error(r, 404, "Not Found", "no such object in collection %s", r->coll_uuid);
        return;
    }
    r->sc->nkeys = 0;
    for (size_t i = 0; i < nk; i++)
        if (!taxii_keep_key(r->sc, keys[i]))
            break;
    free(keys);
    r->rs->status = 200;
    r->rs->content_type = NULL;
}

void taxii_get_status(req *r)
{
    if (!taxii_need_reader(r))
        return;
    tix_diag d = TIX_DIAG_INIT;
    tix_err e = tix_share_status_get(r->rd->s, r->status_id, r->partner->id, r->rs->body, &d);
    if (e == TIX_ENOTFOUND) {
        tix_buf_reset(r->rs->body);
        taxii_error(r, 404, "Not Found", "no status %s", r->status_id);
        return;
    }
    if (e) {
        taxii_log(r->t, "GET %s: %s", r->rq->target, d.msg);
        taxii_error(r, 500, "Internal Server Error", "the store could not answer");
        return;
    }
    r->rs->status = 200;
    r->rs->content_type = TIX_TAXII_MEDIA;
}
