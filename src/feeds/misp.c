/* misp.c - MISP events in, as MISP 2.4 exports them.
 *
 * A file holds {"Event": {...}}, {"response": [{"Event": ...}, ...]} (the
 * REST search), a list of {"Event": ...}, or a bare event (PyMISP). Each
 * event becomes an "x-misp-event" object, so that every observation can say
 * which event reported it; its attributes, loose or inside MISP objects,
 * become observations. An attribute type tix does not hold is counted under
 * its name, never dropped silently.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "feeds/internal.h"
#include "tix/time.h"

#define FAMILY_MAX 128

typedef struct {
    feed_ctx *c;
    const char *source;             /* Orgc.name */
    tix_tlp tlp;
    tix_buf tags;                   /* the event's tags, comma-separated */
    char family[FAMILY_MAX];        /* from the event's tags, or "" */
    int64_t when;                   /* default first seen */
    char id[TIX_STIX_ID_MAX];       /* the event object's id */
} event;

/* What one attribute says, before it is split into values. */
typedef struct {
    const char *type, *value, *where;
    size_t value_len;
    tix_obs_in in;
    tix_buf tags;
    char family[FAMILY_MAX];
} attr;

static const char *jstr(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* ---- tags ------------------------------------------------------------- */

/* Galaxies and taxonomies whose value names a malware family. Threat
 * actors, tools and the like name something else. */
static const char *const family_tags[] = {
    "misp-galaxy:malpedia=", "misp-galaxy:ransomware=", "misp-galaxy:rat=",
    "misp-galaxy:banker=", "misp-galaxy:botnet=", "misp-galaxy:stealer=",
    "misp-galaxy:backdoor=", "misp-galaxy:android=", "misp-galaxy:mitre-malware=",
    "misp-galaxy:mitre-enterprise-attack-malware=",
    "misp-galaxy:mitre-mobile-attack-malware=",
    "malware_classification:malware-family=",
};

/* The family tag names, unquoted and without a MITRE " - S0367" suffix,
 * into out; false when tag does not name one. */
static bool tag_family(const char *tag, char out[FAMILY_MAX])
{
    for (size_t i = 0; i < sizeof family_tags / sizeof family_tags[0]; i++) {
        size_t pl = strlen(family_tags[i]);
        if (strncasecmp(tag, family_tags[i], pl) != 0)
            continue;
        const char *v = tag + pl;
        size_t n = strlen(v);
        if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
            v++, n -= 2;
        const char *dash = NULL;
        for (size_t k = 0; k + 4 < n; k++)
            if (memcmp(v + k, " - S", 4) == 0)
                dash = v + k;
        if (dash && strspn(dash + 4, "0123456789") == (size_t)(v + n - dash - 4))
            n = (size_t)(dash - v);
        if (n == 0 || n >= FAMILY_MAX)
            return false;
        memcpy(out, v, n);
        out[n] = 0;
        return true;
    }
    return false;
}

/* Sort a Tag list into TLP (the most restrictive), family (the first) and
 * the others, which go to tags; a comma in a tag would split it, so it
 * reads as a blank. */
static void read_tags(const json_t *list, tix_tlp *tlp, char family[FAMILY_MAX],
                      tix_buf *tags)
{
    tix_tlp best = TIX_TLP_UNSET;
    size_t i;
    json_t *t;
    json_array_foreach(list, i, t) {
        const char *name = jstr(t, "name");
        if (!name || !*name)
            continue;
        size_t n = strlen(name);
        if (n > 4 && strncasecmp(name, "tlp:", 4) == 0) {
            tix_tlp x = tix_tlp_parse(name, n);
            if (x != TIX_TLP_UNSET) {
                if (x > best)
                    best = x;
                continue;
            }
        }
        if (!family[0])
            tag_family(name, family);
        if (tags->len)
            tix_buf_addc(tags, ',');
        for (size_t k = 0; k < n; k++)
            tix_buf_addc(tags, name[k] == ',' ? ' ' : name[k]);
    }
    if (best != TIX_TLP_UNSET)
        *tlp = best;
}

/* ---- times ------------------------------------------------------------ */

/* MISP writes epoch seconds as strings ("1550654276"), sometimes as
 * numbers, and first_seen/last_seen as ISO 8601; null and "" are absent. */
static bool read_time(const json_t *v, int64_t *out)
{
    *out = 0;
    if (!v || json_is_null(v))
        return true;
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return *out >= 0;
    }
    if (!json_is_string(v))
        return false;
    size_t n = json_string_length(v);
    if (n == 0)
        return true;
    /* unpublished events say publish_timestamp "0" */
    if (n < 9 && strspn(json_string_value(v), "0123456789") == n) {
        *out = strtoll(json_string_value(v), NULL, 10);
        return true;
    }
    return tix_time_parse(json_string_value(v), json_string_length(v), out, NULL) ==
           TIX_EOK;
}

/* to_ids as true/false, "1"/"0", 1/0 or "true"/"false"; absent is true. */
static bool read_to_ids(const json_t *v)
{
    if (json_is_boolean(v))
        return json_is_true(v);
    if (json_is_integer(v))
        return json_integer_value(v) != 0;
    const char *s = json_string_value(v);
    return !s || !(strcmp(s, "0") == 0 || strcasecmp(s, "false") == 0);
}

/* ---- attribute types -------------------------------------------------- */

typedef enum {
    K_IP,         /* v4 or v6 */
    K_IP_PORT,    /* "ip|port" */
    K_DOMAIN_IP,  /* "domain|ip" */
    K_HASH_AFTER, /* "filename|hash" */
    K_URI,        /* a URL only when it has a scheme */
    K_PLAIN,
    K_ASN,        /* "AS13335" or "13335" */
} kind;

static const struct {
    const char *name;
    kind k;
    tix_obs_type t;
} types[] = {
    {"ip-src", K_IP, TIX_OBS_IPV4}, {"ip-dst", K_IP, TIX_OBS_IPV4},
    {"ip-src|port", K_IP_PORT, TIX_OBS_IPV4}, {"ip-dst|port", K_IP_PORT, TIX_OBS_IPV4},
    {"domain", K_PLAIN, TIX_OBS_DOMAIN}, {"hostname", K_PLAIN, TIX_OBS_DOMAIN},
    {"domain|ip", K_DOMAIN_IP, TIX_OBS_DOMAIN},
    {"url", K_PLAIN, TIX_OBS_URL}, {"uri", K_URI, TIX_OBS_URL},
    {"email", K_PLAIN, TIX_OBS_EMAIL}, {"email-src", K_PLAIN, TIX_OBS_EMAIL},
    {"email-dst", K_PLAIN, TIX_OBS_EMAIL},
    {"md5", K_PLAIN, TIX_OBS_MD5}, {"sha1", K_PLAIN, TIX_OBS_SHA1},
    {"sha256", K_PLAIN, TIX_OBS_SHA256}, {"sha512", K_PLAIN, TIX_OBS_SHA512},
    {"filename|md5", K_HASH_AFTER, TIX_OBS_MD5},
    {"filename|sha1", K_HASH_AFTER, TIX_OBS_SHA1},
    {"filename|sha256", K_HASH_AFTER, TIX_OBS_SHA256},
    {"filename|sha512", K_HASH_AFTER, TIX_OBS_SHA512},
    {"btc", K_PLAIN, TIX_OBS_BTC}, {"xmr", K_PLAIN, TIX_OBS_XMR},
    {"vulnerability", K_PLAIN, TIX_OBS_CVE}, {"AS", K_ASN, TIX_OBS_ASN},
};

static int type_index(const char *name)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(name, types[i].name) == 0)
            return (int)i;
    return -1;
}

/* ---- values ----------------------------------------------------------- */

static tix_err reported_in(event *ev, const tix_obs_in *in, const char *id)
{
    tix_rel_in r = {.src_id = id, .type = "reported-in", .dst_id = ev->id,
                    .tlp = in->tlp, .source = in->source};
    return feed_relate(ev->c, &r);
}

/* One value to the sink; id is "" when it was refused (and skipped). */
static tix_err observe(event *ev, attr *a, tix_obs_type t, const char *v, size_t n,
                       char id[TIX_STIX_ID_MAX])
{
    a->in.type = t;
    a->in.value = v;
    a->in.value_len = n;
    tix_err err = feed_observe(ev->c, &a->in, id);
    if (!err && id[0])
        err = reported_in(ev, &a->in, id);
    return err;
}

static tix_obs_type ip_type(const char *v, size_t n)
{
    return memchr(v, ':', n) ? TIX_OBS_IPV6 : TIX_OBS_IPV4;
}

static tix_err bad_attr(event *ev, const attr *a, const char *why)
{
    return feed_bad(ev->c, 0, a->where, "MISP %s '%.*s': %s", a->type,
                    (int)(a->value_len > 80 ? 80 : a->value_len), a->value, why);
}

static tix_err value_ip_port(event *ev, attr *a)
{
    const char *bar = memrchr(a->value, '|', a->value_len);
    if (!bar)
        return bad_attr(ev, a, "no '|' between address and port");
    char *end;
    long port = strtol(bar + 1, &end, 10);
    if (end == bar + 1 || *end || port < 1 || port > 65535)
        return bad_attr(ev, a, "bad port");
    size_t n = (size_t)(bar - a->value);
    char id[TIX_STIX_ID_MAX];
    a->in.port = (int)port;
    return observe(ev, a, ip_type(a->value, n), a->value, n, id);
}

/* Both halves, and the resolution between them. */
static tix_err value_domain_ip(event *ev, attr *a)
{
    const char *bar = memchr(a->value, '|', a->value_len);
    if (!bar)
        return bad_attr(ev, a, "no '|' between domain and address");
    size_t dn = (size_t)(bar - a->value), in = a->value_len - dn - 1;
    char did[TIX_STIX_ID_MAX], iid[TIX_STIX_ID_MAX];
    tix_err err = observe(ev, a, TIX_OBS_DOMAIN, a->value, dn, did);
    if (!err)
        err = observe(ev, a, ip_type(bar + 1, in), bar + 1, in, iid);
    if (err || !did[0] || !iid[0])
        return err;
    tix_rel_in r = {.src_id = did, .type = "resolves-to", .dst_id = iid,
                    .first_seen = a->in.first_seen, .last_seen = a->in.last_seen,
                    .tlp = a->in.tlp, .source = a->in.source};
    return feed_relate(ev->c, &r);
}

static tix_err attr_values(event *ev, attr *a, int ti)
{
    char id[TIX_STIX_ID_MAX];
    const char *v = a->value;
    size_t n = a->value_len;
    switch (types[ti].k) {
    case K_IP:
        return observe(ev, a, ip_type(v, n), v, n, id);
    case K_IP_PORT:
        return value_ip_port(ev, a);
    case K_DOMAIN_IP:
        return value_domain_ip(ev, a);
    case K_HASH_AFTER: {
        const char *bar = memrchr(v, '|', n);
        if (!bar)
            return bad_attr(ev, a, "no '|' between file name and hash");
        return observe(ev, a, types[ti].t, bar + 1, n - (size_t)(bar + 1 - v), id);
    }
    case K_ASN: {
        char as[32];
        if (n > 0 && n < 20 && strspn(v, "0123456789") == n) {
            snprintf(as, sizeof as, "AS%.*s", (int)n, v);
            return observe(ev, a, TIX_OBS_ASN, as, strlen(as), id);
        }
        return observe(ev, a, TIX_OBS_ASN, v, n, id);
    }
    case K_URI:
    case K_PLAIN:
        break;
    }
    return observe(ev, a, types[ti].t, v, n, id);
}

/* ---- attributes ------------------------------------------------------- */

/* Times, detection flag, TLP, tags and family of attribute j (in MISP
 * object obj, or NULL) into a; false when a time is unreadable. */
static bool attr_context(event *ev, const json_t *j, const json_t *obj, attr *a)
{
    int64_t ts, first, last;
    if (!read_time(json_object_get(j, "timestamp"), &ts) ||
        !read_time(json_object_get(j, "first_seen"), &first) ||
        !read_time(json_object_get(j, "last_seen"), &last))
        return false;
    int64_t ofirst = 0, olast = 0;
    if (obj && (!read_time(json_object_get(obj, "first_seen"), &ofirst) ||
                !read_time(json_object_get(obj, "last_seen"), &olast)))
        return false;
    first = first ? first : ofirst ? ofirst : ts ? ts : ev->when;
    last = last ? last : olast;
    a->in = (tix_obs_in){.first_seen = first, .last_seen = last, .confidence = -1,
                         .tlp = ev->tlp, .source = ev->source, .where = a->where,
                         .context_only = !read_to_ids(json_object_get(j, "to_ids"))};
    tix_buf_add(&a->tags, ev->tags.p ? ev->tags.p : "", ev->tags.len);
    const char *cat = jstr(j, "category");
    if (cat && *cat && !strchr(cat, ','))
        tix_buf_addf(&a->tags, "%smisp-category:%s", a->tags.len ? "," : "", cat);
    read_tags(json_object_get(j, "Tag"), &a->in.tlp, a->family, &a->tags);
    a->in.family = a->family[0] ? a->family : ev->family[0] ? ev->family : NULL;
    return true;
}

static tix_err do_attr(event *ev, const json_t *j, const json_t *obj, const char *where)
{
    ev->c->st->records++;
    const char *type = jstr(j, "type");
    if (!type)
        return feed_bad(ev->c, 0, where, "MISP attribute without type");
    int ti = type_index(type);
    const char *v = jstr(j, "value");
    char reason[64];
    if (ti >= 0 && types[ti].k == K_URI && v && !strstr(v, "://"))
        ti = -1;  /* a bare path: nothing to match on by itself */
    if (ti < 0) {
        snprintf(reason, sizeof reason, "MISP attribute type %s", type);
        tix_feed_unmapped(ev->c->st, reason);
        return TIX_EOK;
    }
    if (json_is_true(json_object_get(j, "deleted"))) {
        tix_feed_unmapped(ev->c->st, "MISP deleted attribute");
        return TIX_EOK;
    }
    if (!v)
        return feed_bad(ev->c, 0, where, "MISP %s without value", type);
    attr a = {.type = type, .value = v, .value_len = json_string_length(json_object_get(j, "value")),
              .where = where, .tags = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT)};
    tix_err err;
    if (!attr_context(ev, j, obj, &a))
        err = bad_attr(ev, &a, "unreadable timestamp, first_seen or last_seen");
    else if (a.tags.err)
        err = tix_diag_set(ev->c->d, a.tags.err, "out of memory");
    else {
        a.in.tags = a.tags.p;
        err = attr_values(ev, &a, ti);
    }
    tix_buf_free(&a.tags);
    return err;
}

static tix_err do_attrs(event *ev, const json_t *list, const json_t *obj,
                        const char *prefix)
{
    size_t i;
    json_t *j;
    json_array_foreach(list, i, j) {
        char where[128];
        snprintf(where, sizeof where, "%s.Attribute[%zu]", prefix, i);
        tix_err err = do_attr(ev, j, obj, where);
        if (err)
            return err;
    }
    return TIX_EOK;
}

/* ---- events ----------------------------------------------------------- */

static bool is_uuid(const char *s)
{
    if (!s || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]))
            return false;
    }
    return true;
}

/* The event as an object: its header, without the attributes that become
 * observations of their own. */
static tix_err event_object(event *ev, const json_t *e, int64_t created, int64_t modified)
{
    json_t *head = json_copy((json_t *)e);
    if (!head)
        return tix_diag_set(ev->c->d, TIX_ENOMEM, "out of memory");
    json_object_del(head, "Attribute");
    json_object_del(head, "Object");
    json_object_del(head, "ShadowAttribute");
    char *js = json_dumps(head, JSON_COMPACT);
    json_decref(head);
    if (!js)
        return tix_diag_set(ev->c->d, TIX_ENOMEM, "out of memory");
    tix_object_in o = {.id = ev->id, .type = "x-misp-event", .name = jstr(e, "info"),
                       .created = created, .modified = modified, .json = js,
                       .tlp = ev->tlp, .source = ev->source};
    tix_err err = feed_object(ev->c, &o);
    free(js);
    return err;
}

/* uuid, times, source, TLP, tags of event e into ev; false when malformed
 * (reported through *err). */
static bool event_header(event *ev, const json_t *e, const char *where, tix_err *err)
{
    const char *uuid = jstr(e, "uuid");
    int64_t date, ts, pub;
    if (!is_uuid(uuid)) {
        *err = feed_bad(ev->c, 0, where, "MISP event without a valid uuid");
        return false;
    }
    if (!read_time(json_object_get(e, "date"), &date) ||
        !read_time(json_object_get(e, "timestamp"), &ts) ||
        !read_time(json_object_get(e, "publish_timestamp"), &pub)) {
        *err = feed_bad(ev->c, 0, where, "MISP event with an unreadable date or timestamp");
        return false;
    }
    snprintf(ev->id, sizeof ev->id, "x-misp-event--%s", uuid);
    for (char *p = ev->id; *p; p++)
        if (*p >= 'A' && *p <= 'F')
            *p = (char)(*p + ('a' - 'A'));
    ev->source = jstr(json_object_get(e, "Orgc"), "name");
    ev->when = date ? date : ts ? ts : pub;
    read_tags(json_object_get(e, "Tag"), &ev->tlp, ev->family, &ev->tags);
    if (ev->tags.err) {
        *err = tix_diag_set(ev->c->d, ev->tags.err, "out of memory");
        return false;
    }
    *err = event_object(ev, e, date ? date : ts, ts ? ts : pub);
    return !*err;
}

static tix_err do_event(feed_ctx *c, const json_t *e, size_t n)
{
    char where[48];
    snprintf(where, sizeof where, "Event[%zu]", n);
    if (!json_is_object(e))
        return feed_bad(c, 0, where, "MISP event is not a JSON object");
    event ev = {.c = c, .tlp = TIX_TLP_UNSET,
                .tags = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT)};
    tix_err err = TIX_EOK;
    if (event_header(&ev, e, where, &err)) {
        err = do_attrs(&ev, json_object_get(e, "Attribute"), NULL, where);
        size_t i;
        json_t *obj;
        json_array_foreach(json_object_get(e, "Object"), i, obj) {
            char prefix[96];
            snprintf(prefix, sizeof prefix, "%s.Object[%zu]", where, i);
            if (!err)
                err = do_attrs(&ev, json_object_get(obj, "Attribute"), obj, prefix);
        }
    }
    tix_buf_free(&ev.tags);
    return err;
}

/* A bare event (no "Event" wrapper) has the parts of one. */
static bool looks_like_event(const json_t *o)
{
    return json_object_get(o, "Attribute") || json_object_get(o, "Object") ||
           (json_object_get(o, "uuid") && json_object_get(o, "info"));
}

/* The events of a list: {"Event": ...} elements, or bare events. */
static tix_err do_list(feed_ctx *c, const json_t *list)
{
    size_t i;
    json_t *el;
    json_array_foreach(list, i, el) {
        json_t *e = json_object_get(el, "Event");
        tix_err err = do_event(c, e ? e : el, i);
        if (err)
            return err;
    }
    return TIX_EOK;
}

tix_err feed_misp(feed_ctx *c)
{
    json_error_t je;
    json_t *root = json_loadb(c->data, c->len, 0, &je);
    if (!root)
        return tix_diag_set(c->d, TIX_EPARSE, "%s:%d: %s", c->name, je.line, je.text);
    tix_err err;
    json_t *ev = json_object_get(root, "Event");
    json_t *resp = json_object_get(root, "response");
    if (json_is_array(root))
        err = do_list(c, root);
    else if (ev)
        err = do_event(c, ev, 0);
    else if (json_is_array(resp))
        err = do_list(c, resp);
    else if (json_is_object(root) && looks_like_event(root))
        err = do_event(c, root, 0);
    else
        err = tix_diag_set(c->d, TIX_EPARSE,
                           "%s: not a MISP event (expected {\"Event\": ...}, "
                           "{\"response\": [...]} or a list of events)", c->name);
    json_decref(root);
    return err;
}
