/* takedown_json.c - the JSON helpers of the report writers, and a takedown
 * as JSON lines: one object per entry, whole on its line, so that a
 * partner's script can filter it with grep or jq without reading the rest. */
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "report/json.h"
#include "tix/takedown.h"
#include "tix/time.h"

/* ---- helpers ------------------------------------------------------------ */

json_t *tix__json_str(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    /* not UTF-8: each bad byte becomes U+FFFD (3 bytes) */
    size_t n = strlen(s);
    char *clean = malloc(n * 3 + 1);
    if (!clean)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = (unsigned char)s[i] < 0x80 ? 1
                                                : tix__utf8_decode((const uint8_t *)s + i,
                                                                   n - i, &cp);
        if (len == 0) {
            memcpy(clean + o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
        } else {
            memcpy(clean + o, s + i, len);
            o += len;
            i += len;
        }
    }
    clean[o] = 0;
    j = json_string(clean);
    free(clean);
    return j;
}

json_t *tix__json_time(int64_t t, bool ms)
{
    if (!t)
        return json_null();
    char s[TIX_TIME_MAX + 4];
    tix_time_format(t, s);
    size_t n = strlen(s);
    if (ms && n && s[n - 1] == 'Z')
        memcpy(s + n - 1, ".000Z", 6);
    return json_string(s);
}

void tix__json_set(json_t *o, const char *key, json_t *v, bool *bad)
{
    if (json_object_set_new(o, key, v)) /* takes v, even on failure */
        *bad = true;
}

void tix__json_push(json_t *a, json_t *v, bool *bad)
{
    if (json_array_append_new(a, v))
        *bad = true;
}

void tix__json_emit(tix_buf *b, const json_t *v, bool *bad)
{
    char *s = *bad ? NULL : json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!s) {
        *bad = true;
        return;
    }
    tix_buf_adds(b, s);
    tix_buf_addc(b, '\n');
    free(s);
}

/* ---- JSON lines ---------------------------------------------------------- */

/* "443,8443" as [443,8443]; "a,b" as ["a","b"] */
static json_t *split_list(const char *s, bool numbers, bool *bad)
{
    json_t *a = json_array();
    if (!a) {
        *bad = true;
        return NULL;
    }
    while (s && *s) {
        const char *end = strchr(s, ',');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        char *item = strndup(s, n);
        if (!item) {
            *bad = true;
            break;
        }
        tix__json_push(a, numbers ? json_integer(strtoll(item, NULL, 10))
                                  : tix__json_str(item),
                       bad);
        free(item);
        s += n + (end != NULL);
    }
    return a;
}

static json_t *verdict_json(const tix_takedown_verdict *v, bool *bad)
{
    json_t *o = json_object();
    if (!o) {
        *bad = true;
        return NULL;
    }
    tix__json_set(o, "list", tix__json_str(v->list), bad);
    tix__json_set(o, "policy", json_string(tix_policy_name(v->policy)), bad);
    tix__json_set(o, "match", json_string(tix_match_name(v->match)), bad);
    tix__json_set(o, "entry", tix__json_str(v->entry), bad);
    tix__json_set(o, "note", tix__json_str(v->note), bad);
    if (v->kind != TIX_LIST_KIND_NONE)
        tix__json_set(o, "kind", json_string(tix_list_kind_name(v->kind)), bad);
    tix__json_set(o, "on_host", json_boolean(v->on_host), bad);
    tix__json_set(o, "blocks", json_boolean(v->blocks), bad);
    return o;
}

/* The reasons (or warnings) as an array of the strings
 * tix_takedown_reasons would join. */
static json_t *verdict_texts(const tix_takedown_entry *e, bool blocking, bool *bad)
{
    json_t *a = json_array();
    if (!a) {
        *bad = true;
        return NULL;
    }
    tix_buf b = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT);
    if (!blocking)
        for (size_t i = 0; i < e->n_flags; i++) {
            tix_buf_reset(&b);
            tix_buf_addf(&b, "%s%s%s", e->flags[i].flag, *e->flags[i].evidence ? ": " : "",
                         e->flags[i].evidence);
            tix__json_push(a, b.err ? NULL : tix__json_str(b.p), bad);
        }
    size_t n = 0;
    for (size_t i = 0; i < e->n_verdicts; i++) {
        if (e->verdicts[i].blocks != blocking)
            continue;
        tix_takedown_entry one = *e;
        one.verdicts = &e->verdicts[i];
        one.n_verdicts = 1;
        one.n_flags = 0;
        tix_buf_reset(&b);
        if (blocking)
            tix_takedown_reasons(&one, &b);
        else
            tix_takedown_warnings(&one, &b);
        tix__json_push(a, b.err ? NULL : tix__json_str(b.p), bad);
        n++;
    }
    if (blocking && n == 0)
        tix__json_push(a, json_string("blocked by vetting"), bad);
    tix_buf_free(&b);
    return a;
}

static json_t *entry_json(const tix_takedown *t, const tix_takedown_entry *e, bool blocked,
                          bool *bad)
{
    json_t *o = json_object();
    if (!o) {
        *bad = true;
        return NULL;
    }
    tix__json_set(o, "family", tix__json_str(t->family), bad);
    tix__json_set(o, "group", tix__json_str(e->group), bad);
    tix__json_set(o, "blocked", json_boolean(blocked), bad);
    tix__json_set(o, "type", json_string(tix_obs_name(e->type)), bad);
    tix__json_set(o, "value", tix__json_str(e->value), bad);
    tix__json_set(o, "id", json_string(e->stix_id), bad);
    tix__json_set(o, "ports", split_list(e->ports, true, bad), bad);
    tix__json_set(o, "first_seen", tix__json_time(e->first_seen, false), bad);
    tix__json_set(o, "last_seen", tix__json_time(e->last_seen, false), bad);
    tix__json_set(o, "samples", json_integer(e->n_samples), bad);
    tix__json_set(o, "sources", json_integer(e->n_sources), bad);
    tix__json_set(o, "source_names", split_list(e->sources, false, bad), bad);
    tix__json_set(o, "extractors", split_list(e->extractors, false, bad), bad);
    tix__json_set(o, "confidence", json_integer(e->confidence), bad);
    tix__json_set(o, "tlp", json_string(tix_tlp_name(e->tlp)), bad);
    tix__json_set(o, "status", json_string(tix_vet_status_name(e->status)), bad);
    tix__json_set(o, "country", e->country[0] ? json_string(e->country) : json_null(), bad);
    tix__json_set(o, "asn", e->asn ? json_integer(e->asn) : json_null(), bad);
    tix__json_set(o, "as_name", tix__json_str(e->as_name), bad);
    /* each part is filled before it is set: setting takes it, and frees
     * it when setting fails */
    json_t *c = e->constituency ? json_object() : json_null();
    if (c && e->constituency) {
        tix__json_set(c, "name", tix__json_str(e->constituency), bad);
        tix__json_set(c, "email", tix__json_str(e->const_email), bad);
        tix__json_set(c, "kind", tix__json_str(e->const_kind), bad);
        tix__json_set(c, "country", tix__json_str(e->const_country), bad);
    }
    tix__json_set(o, "constituency", c, bad);
    json_t *flags = json_array();
    for (size_t i = 0; flags && i < e->n_flags; i++) {
        json_t *f = json_object();
        if (f) {
            tix__json_set(f, "flag", tix__json_str(e->flags[i].flag), bad);
            tix__json_set(f, "evidence", tix__json_str(e->flags[i].evidence), bad);
        }
        tix__json_push(flags, f, bad);
    }
    tix__json_set(o, "flags", flags, bad);
    json_t *verdicts = json_array();
    for (size_t i = 0; verdicts && i < e->n_verdicts; i++)
        tix__json_push(verdicts, verdict_json(&e->verdicts[i], bad), bad);
    tix__json_set(o, "verdicts", verdicts, bad);
    if (blocked)
        tix__json_set(o, "reasons", verdict_texts(e, true, bad), bad);
    else
        tix__json_set(o, "warnings", verdict_texts(e, false, bad), bad);
    return o;
}

tix_err tix_takedown_write_jsonl(const tix_takedown *t, tix_buf *b, tix_diag *d)
{
    bool bad = false;
    for (size_t k = 0; k < 2 && !bad; k++) {
        const tix_takedown_entry *v = k ? t->blocked : t->entries;
        size_t n = k ? t->n_blocked : t->n_entries;
        for (size_t i = 0; i < n && !bad; i++) {
            json_t *o = entry_json(t, &v[i], k == 1, &bad);
            if (o)
                tix__json_emit(b, o, &bad);
            json_decref(o);
        }
    }
    if (bad)
        return tix_diag_set(d, TIX_ENOMEM, "writing the takedown list: out of memory");
    return b->err ? tix_diag_set(d, b->err, "writing the takedown list: %s",
                                 tix_strerror(b->err))
                  : TIX_EOK;
}
