/* takedown_stix.c - a takedown as a STIX 2.1 bundle.
 *
 * The family is a `malware` object (is_family); each group is an
 * `infrastructure` object of type command-and-control that `consists-of`
 * its servers (the SCOs, with the ids the store computed) and `controls`
 * the malware: the STIX 2.1 relationship vocabulary has both for
 * infrastructure (section 4.8), and "controls" is what a C&C server does.
 * Every object carries the TLP 2.0 marking of the list, whose definition
 * is in the bundle. Blocked entries are not in it at all: a bundle is
 * loaded into tools that act on everything they are given.
 *
 * Ids are UUIDv5 in a tix namespace, so the same list built at the same
 * time is the same bundle byte for byte; the malware id depends on the
 * family alone, so that every list of the family names the same object.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "report/json.h"
#include "tix/takedown.h"

/* uuid5(NAMESPACE_URL, "tix:stix:takedown") */
static const uint8_t tix_ns[16] = {0x9a, 0x73, 0x6e, 0xd5, 0x6d, 0x0e, 0x5f, 0x17,
                                   0x87, 0x42, 0xfb, 0xf0, 0xfc, 0xca, 0xa1, 0x84};

/* The names of the TLP 2.0 marking definitions, in tix_tlp order. */
static const char *const tlp2_name[] = {"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER",
                                        "TLP:AMBER+STRICT", "TLP:RED"};

typedef struct {
    const tix_takedown *t;
    json_t *objects;
    const char *marking;
    char malware[TIX_STIX_ID_MAX];
    bool bad;
} stix_ctx;

/* "type--uuid5(tix_ns, name)" */
static void make_id(char out[TIX_STIX_ID_MAX], const char *type, const tix_buf *name,
                    bool *bad)
{
    uint8_t u[16];
    char s[37];
    if (name->err || tix_uuid5(tix_ns, name->p ? name->p : "", name->len, u) != TIX_EOK) {
        *bad = true;
        snprintf(out, TIX_STIX_ID_MAX, "%s--", type);
        return;
    }
    tix_uuid_format(u, s);
    snprintf(out, TIX_STIX_ID_MAX, "%s--%s", type, s);
}

static void add_lower(tix_buf *b, const char *s)
{
    for (; *s; s++)
        tix_buf_addc(b, (char)tolower((unsigned char)*s));
}

/* The common properties of an SDO or SRO made by this list. */
static json_t *sdo(stix_ctx *c, const char *type, const char *id)
{
    json_t *o = json_object();
    if (!o) {
        c->bad = true;
        return NULL;
    }
    tix__json_set(o, "type", json_string(type), &c->bad);
    tix__json_set(o, "spec_version", json_string("2.1"), &c->bad);
    tix__json_set(o, "id", json_string(id), &c->bad);
    tix__json_set(o, "created", tix__json_time(c->t->made, true), &c->bad);
    tix__json_set(o, "modified", tix__json_time(c->t->made, true), &c->bad);
    return o;
}

static void mark(stix_ctx *c, json_t *o)
{
    json_t *refs = json_array();
    tix__json_push(refs, json_string(c->marking), &c->bad);
    tix__json_set(o, "object_marking_refs", refs, &c->bad);
}

static void relate(stix_ctx *c, const char *src, const char *type, const char *dst)
{
    tix_buf name = TIX_BUF_INIT(4096);
    char id[TIX_STIX_ID_MAX];
    tix_buf_addf(&name, "relationship|%s|%s|%s", src, type, dst);
    make_id(id, "relationship", &name, &c->bad);
    tix_buf_free(&name);
    json_t *r = sdo(c, "relationship", id);
    if (!r)
        return;
    tix__json_set(r, "relationship_type", json_string(type), &c->bad);
    tix__json_set(r, "source_ref", json_string(src), &c->bad);
    tix__json_set(r, "target_ref", json_string(dst), &c->bad);
    mark(c, r);
    tix__json_push(c->objects, r, &c->bad);
}

static void marking_definition(stix_ctx *c, tix_tlp tlp)
{
    json_t *m = json_object(), *ext = json_object(), *tl = json_object();
    tix__json_set(tl, "extension_type", json_string("property-extension"), &c->bad);
    tix__json_set(tl, "tlp_2_0", json_string(tix_tlp_name(tlp)), &c->bad);
    tix__json_set(ext, TIX_TLP2_EXTENSION, tl, &c->bad);
    tix__json_set(m, "type", json_string("marking-definition"), &c->bad);
    tix__json_set(m, "spec_version", json_string("2.1"), &c->bad);
    tix__json_set(m, "id", json_string(tix_tlp_marking_id(tlp)), &c->bad);
    tix__json_set(m, "created", json_string("2022-10-01T00:00:00.000Z"), &c->bad);
    tix__json_set(m, "name", json_string(tlp2_name[tlp]), &c->bad);
    tix__json_set(m, "extensions", ext, &c->bad);
    tix__json_push(c->objects, m, &c->bad);
}

static void malware(stix_ctx *c)
{
    tix_buf name = TIX_BUF_INIT(4096);
    tix_buf_adds(&name, "malware|");
    add_lower(&name, c->t->family);
    make_id(c->malware, "malware", &name, &c->bad);
    tix_buf_free(&name);
    json_t *m = sdo(c, "malware", c->malware);
    if (!m)
        return;
    tix__json_set(m, "name", tix__json_str(c->t->family), &c->bad);
    tix__json_set(m, "is_family", json_true(), &c->bad);
    mark(c, m);
    tix__json_push(c->objects, m, &c->bad);
}

static void sco(stix_ctx *c, const tix_takedown_entry *e)
{
    json_t *o = json_object();
    if (!o) {
        c->bad = true;
        return;
    }
    tix__json_set(o, "type", json_string(tix_obs_stix_type(e->type)), &c->bad);
    tix__json_set(o, "spec_version", json_string("2.1"), &c->bad);
    tix__json_set(o, "id", json_string(e->stix_id), &c->bad);
    tix__json_set(o, "value", tix__json_str(e->value), &c->bad);
    mark(c, o);
    tix__json_push(c->objects, o, &c->bad);
}

static void group(stix_ctx *c, const tix_takedown_group *g)
{
    const tix_takedown *t = c->t;
    char id[TIX_STIX_ID_MAX];
    tix_buf b = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT);
    tix_buf_adds(&b, "infrastructure|");
    add_lower(&b, t->family);
    tix_buf_addf(&b, "|%s|%s|%lld", tix_takedown_by_name(t->by), g->name,
                 (long long)t->made);
    make_id(id, "infrastructure", &b, &c->bad);
    json_t *o = sdo(c, "infrastructure", id);
    if (!o) {
        tix_buf_free(&b);
        return;
    }
    tix_buf_reset(&b);
    tix_buf_addf(&b, "%s C&C \xe2\x80\x94 %s", t->family, g->name);
    tix__json_set(o, "name", b.err ? NULL : tix__json_str(b.p), &c->bad);
    tix_buf_reset(&b);
    tix_buf_addf(&b, "%zu %s C&C server%s to take down, for %s", g->n, t->family,
                 g->n == 1 ? "" : "s", g->name);
    if (g->email)
        tix_buf_addf(&b, " <%s>", g->email);
    if (g->kind || g->country)
        tix_buf_addf(&b, " (%s%s%s)", g->kind ? g->kind : "",
                     g->kind && g->country ? ", " : "", g->country ? g->country : "");
    tix_buf_adds(&b, ". Vetted by tix: no sinkhole, reserved address or block-listed "
                     "indicator is among them.");
    tix__json_set(o, "description", b.err ? NULL : tix__json_str(b.p), &c->bad);
    tix_buf_free(&b);
    json_t *types = json_array();
    tix__json_push(types, json_string("command-and-control"), &c->bad);
    tix__json_set(o, "infrastructure_types", types, &c->bad);
    int64_t first = 0, last = 0;
    for (size_t i = g->first; i < g->first + g->n; i++) {
        const tix_takedown_entry *e = &t->entries[i];
        if (e->first_seen && (!first || e->first_seen < first))
            first = e->first_seen;
        if (e->last_seen > last)
            last = e->last_seen;
    }
    if (first && last >= first) {
        tix__json_set(o, "first_seen", tix__json_time(first, true), &c->bad);
        tix__json_set(o, "last_seen", tix__json_time(last, true), &c->bad);
    }
    mark(c, o);
    tix__json_push(c->objects, o, &c->bad);
    relate(c, id, "controls", c->malware);
    for (size_t i = g->first; i < g->first + g->n; i++) {
        sco(c, &t->entries[i]);
        relate(c, id, "consists-of", t->entries[i].stix_id);
    }
}

tix_err tix_takedown_write_stix(const tix_takedown *t, tix_buf *b, tix_diag *d)
{
    tix_tlp tlp = t->tlp < TIX_TLP_CLEAR || t->tlp > TIX_TLP_RED ? TIX_TLP_AMBER : t->tlp;
    stix_ctx c = {.t = t, .marking = tix_tlp_marking_id(tlp)};
    json_t *bundle = json_object();
    c.objects = json_array();
    if (!bundle || !c.objects) {
        json_decref(bundle);
        json_decref(c.objects);
        return tix_diag_set(d, TIX_ENOMEM, "writing the takedown list: out of memory");
    }
    char id[TIX_STIX_ID_MAX];
    tix_buf name = TIX_BUF_INIT(4096);
    tix_buf_adds(&name, "bundle|");
    add_lower(&name, t->family);
    tix_buf_addf(&name, "|%s|%lld|%lld", tix_takedown_by_name(t->by), (long long)t->since,
                 (long long)t->made);
    make_id(id, "bundle", &name, &c.bad);
    tix_buf_free(&name);
    tix__json_set(bundle, "type", json_string("bundle"), &c.bad);
    tix__json_set(bundle, "id", json_string(id), &c.bad);
    marking_definition(&c, tlp);
    malware(&c);
    for (size_t i = 0; i < t->n_groups && !c.bad; i++)
        group(&c, &t->groups[i]);
    /* set last: setting takes the array, filled by now */
    tix__json_set(bundle, "objects", c.objects, &c.bad);
    tix__json_emit(b, bundle, &c.bad);
    json_decref(bundle);
    if (c.bad)
        return tix_diag_set(d, TIX_ENOMEM, "writing the takedown list: out of memory");
    return b->err ? tix_diag_set(d, b->err, "writing the takedown list: %s",
                                 tix_strerror(b->err))
                  : TIX_EOK;
}
