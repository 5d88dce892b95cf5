/* filter.c - an export's filter as a saved query, and back.
 *
 *   type=ipv4-addr,domain-name family=Emotet source=feodo since=2024-01-01
 *   active[=DAYS] min-confidence=50 country=NG constituency=CERT-NG tlp=amber
 *
 * Terms are separated by blanks; a value with a blank, a quote or a
 * backslash (or an empty one) is written in double quotes, with \" and \\
 * inside. Types are STIX type names or tix names (ipv4, hash, ip, ...).
 * The canonical form writes the terms in the order above, types as STIX
 * names wherever a STIX type is taken whole, a date without its time at
 * midnight, a country in capitals, so that equal filters print equal. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "export/internal.h"
#include "tix/time.h"

static const char *const terms[] = {"type", "family", "source", "since", "active",
                                    "min-confidence", "country", "constituency", "tlp"};
enum { T_TYPE, T_FAMILY, T_SOURCE, T_SINCE, T_ACTIVE, T_CONF, T_COUNTRY, T_CONST,
       T_TLP, T_COUNT };

#define ACTIVE_DAYS_MAX 36500

/* ---- types ---------------------------------------------------------------- */

/* The tix types a STIX type stands for; 0 when name is none. */
static uint32_t stix_type_mask(const char *name, size_t n)
{
    uint32_t m = 0;
    for (int t = 0; t < TIX_OBS_COUNT; t++) {
        const char *st = tix_obs_stix_type((tix_obs_type)t);
        if (strlen(st) == n && memcmp(st, name, n) == 0)
            m |= TIX_OBS_BIT(t);
    }
    return m;
}

tix_err tix_export_types_parse(const char *list, uint32_t *mask, tix_diag *d)
{
    uint32_t m = 0;
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        uint32_t one = stix_type_mask(p, n);
        if (n && !one) {
            char item[64];
            snprintf(item, sizeof item, "%.*s", (int)(n < 63 ? n : 63), p);
            tix_err e = tix_obs_parse_types(item, &one, d);
            if (e)
                return e;
        }
        m |= one;
        p += n + (comma != NULL);
    }
    if (!m)
        return tix_diag_set(d, TIX_EINVAL, "empty type list");
    *mask = m;
    return TIX_EOK;
}

static void format_types(uint32_t mask, tix_buf *b)
{
    uint32_t done = 0;
    const char *sep = "";
    for (int t = 0; t < TIX_OBS_COUNT; t++) {
        if (!(mask & TIX_OBS_BIT(t)) || (done & TIX_OBS_BIT(t)))
            continue;
        const char *st = tix_obs_stix_type((tix_obs_type)t);
        uint32_t whole = stix_type_mask(st, strlen(st));
        tix_buf_adds(b, sep);
        sep = ",";
        if ((mask & whole) == whole) {
            tix_buf_adds(b, st);
            done |= whole;
        } else {
            tix_buf_adds(b, tix_obs_name((tix_obs_type)t));
            done |= TIX_OBS_BIT(t);
        }
    }
}

/* ---- format ----------------------------------------------------------------- */

static void add_value(tix_buf *b, const char *v)
{
    if (*v && !strpbrk(v, " \t\r\n\v\f\"\\")) {
        tix_buf_adds(b, v);
        return;
    }
    tix_buf_addc(b, '"');
    for (; *v; v++) {
        if (*v == '"' || *v == '\\')
            tix_buf_addc(b, '\\');
        tix_buf_addc(b, *v);
    }
    tix_buf_addc(b, '"');
}

static void add_term(tix_buf *b, const char *key, const char *v)
{
    if (b->len)
        tix_buf_addc(b, ' ');
    tix_buf_adds(b, key);
    if (v) {
        tix_buf_addc(b, '=');
        add_value(b, v);
    }
}

void tix_export_filter_format(const tix_export_filter *f, tix_buf *b)
{
    /* built apart: terms are separated within the filter only */
    tix_buf sub = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT);
    char num[32];
    if (f->types && (f->types & TIX_OBS_ALL) != TIX_OBS_ALL) {
        tix_buf t = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT);
        format_types(f->types, &t);
        add_term(&sub, terms[T_TYPE], t.p ? t.p : "");
        tix_buf_free(&t);
    }
    if (f->family)
        add_term(&sub, terms[T_FAMILY], f->family);
    if (f->source)
        add_term(&sub, terms[T_SOURCE], f->source);
    if (f->since) {
        char t[TIX_TIME_MAX];
        tix_time_format(f->since, t);
        if (f->since % 86400 == 0)
            t[10] = 0; /* a date */
        add_term(&sub, terms[T_SINCE], t);
    }
    if (f->active) {
        if (f->active_days > 0 && f->active_days != 30) {
            snprintf(num, sizeof num, "%d", f->active_days);
            add_term(&sub, terms[T_ACTIVE], num);
        } else {
            add_term(&sub, terms[T_ACTIVE], NULL);
        }
    }
    if (f->min_confidence > 0) {
        snprintf(num, sizeof num, "%d", f->min_confidence);
        add_term(&sub, terms[T_CONF], num);
    }
    if (f->country) {
        char cc[8];
        size_t n = 0;
        for (const char *c = f->country; *c && n + 1 < sizeof cc; c++)
            cc[n++] = (char)toupper((unsigned char)*c);
        cc[n] = 0;
        add_term(&sub, terms[T_COUNTRY], cc);
    }
    if (f->constituency)
        add_term(&sub, terms[T_CONST], f->constituency);
    if (f->tlp_max >= TIX_TLP_CLEAR && f->tlp_max <= TIX_TLP_RED)
        add_term(&sub, terms[T_TLP], tix_tlp_name(f->tlp_max));
    if (sub.err)
        b->err = b->err ? b->err : sub.err;
    else if (sub.len)
        tix_buf_add(b, sub.p, sub.len);
    tix_buf_free(&sub);
}

/* ---- parse -------------------------------------------------------------------- */

static tix_err bad(tix_diag *d, const char *key, const char *v, const char *why)
{
    if (v)
        return tix_diag_set(d, TIX_EINVAL, "bad value in '%s=%.80s': %s", key, v, why);
    return tix_diag_set(d, TIX_EINVAL, "'%s': %s", key, why);
}

static tix_err set_term(tix_export_filter *f, int t, const char *key, char *v,
                        tix_diag *d)
{
    if (t != T_ACTIVE && !v)
        return bad(d, key, NULL, "needs a value (KEY=VALUE)");
    if (v && !*v && t != T_ACTIVE)
        return bad(d, key, v, "empty");
    char *end;
    tix_diag dd = TIX_DIAG_INIT;
    switch (t) {
    case T_TYPE:
        if (tix_export_types_parse(v, &f->types, &dd))
            return bad(d, key, v, dd.msg);
        break;
    case T_FAMILY: f->family = v; break;
    case T_SOURCE: f->source = v; break;
    case T_SINCE:
        if (tix_time_parse(v, strlen(v), &f->since, &dd))
            return bad(d, key, v, dd.msg);
        if (f->since <= 0)
            return bad(d, key, v, "before 1970");
        break;
    case T_ACTIVE:
        f->active = true;
        if (v) {
            long n = strtol(v, &end, 10);
            if (!*v || *end || n < 1 || n > ACTIVE_DAYS_MAX)
                return bad(d, key, v, "days are a number from 1 to 36500");
            f->active_days = (int)n;
        }
        break;
    case T_CONF: {
        long n = strtol(v, &end, 10);
        if (*end || n < 0 || n > 100)
            return bad(d, key, v, "a number from 0 to 100");
        f->min_confidence = (int)n;
        break;
    }
    case T_COUNTRY:
        if (strlen(v) != 2 || !isalpha((unsigned char)v[0]) || !isalpha((unsigned char)v[1]))
            return bad(d, key, v, "a two-letter country code");
        v[0] = (char)toupper((unsigned char)v[0]);
        v[1] = (char)toupper((unsigned char)v[1]);
        f->country = v;
        break;
    case T_CONST: f->constituency = v; break;
    case T_TLP:
        f->tlp_max = tix_tlp_parse(v, strlen(v));
        if (f->tlp_max == TIX_TLP_UNSET)
            return bad(d, key, v, "clear, green, amber, amber+strict or red");
        break;
    }
    return TIX_EOK;
}

/* The next term of *p: key and value (NULL when there is no '='),
 * NUL-terminated in place, quotes taken off. */
static tix_err next_term(char **p, char **key, char **val, tix_diag *d)
{
    char *s = *p;
    *key = s;
    while (*s && *s != '=' && !isspace((unsigned char)*s))
        s++;
    *val = NULL;
    if (*s == '=') {
        *s++ = 0;
        if (*s == '"') {
            char *w = ++s, *v = w;
            for (;; s++) {
                if (!*s)
                    return tix_diag_set(d, TIX_EINVAL, "'%s': unterminated quote", *key);
                if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
                    s++;
                else if (*s == '"')
                    break;
                *w++ = *s;
            }
            s++;
            if (*s && !isspace((unsigned char)*s))
                return tix_diag_set(d, TIX_EINVAL, "'%s': text after the closing quote",
                                    *key);
            *w = 0;
            *val = v;
        } else {
            *val = s;
            while (*s && !isspace((unsigned char)*s))
                s++;
        }
    }
    if (*s)
        *s++ = 0;
    *p = s;
    return TIX_EOK;
}

tix_err tix_export_filter_parse(const char *query, tix_export_filter *f, char **owned,
                                tix_diag *d)
{
    memset(f, 0, sizeof *f);
    f->tlp_max = TIX_TLP_UNSET;
    *owned = NULL;
    char *copy = strdup(query ? query : "");
    if (!copy)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    bool seen[T_COUNT] = {0};
    tix_err e = TIX_EOK;
    for (char *p = copy; !e;) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        char *key, *val;
        if ((e = next_term(&p, &key, &val, d)))
            break;
        int t = -1;
        for (int i = 0; i < T_COUNT; i++)
            if (strcmp(key, terms[i]) == 0)
                t = i;
        if (t < 0)
            e = tix_diag_set(d, TIX_EINVAL,
                             "unknown term '%.60s' (known: type, family, source, since, "
                             "active, min-confidence, country, constituency, tlp)",
                             key);
        else if (seen[t])
            e = tix_diag_set(d, TIX_EINVAL, "'%s' is given twice", key);
        else {
            seen[t] = true;
            e = set_term(f, t, key, val, d);
        }
    }
    if (e) {
        free(copy);
        memset(f, 0, sizeof *f);
        f->tlp_max = TIX_TLP_UNSET;
        return e;
    }
    *owned = copy;
    return TIX_EOK;
}
