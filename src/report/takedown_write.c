/* takedown_write.c - a takedown as a table for the terminal and as CSV,
 * and the choice of format. JSON lines and STIX are in takedown_json.c
 * and takedown_stix.c. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "tix/takedown.h"
#include "tix/time.h"

static const char *const format_names[] = {"text", "csv", "jsonl", "stix"};

const char *tix_takedown_format_name(tix_takedown_format f)
{
    return (unsigned)f < sizeof format_names / sizeof *format_names ? format_names[f] : "";
}

int tix_takedown_format_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof format_names / sizeof *format_names; i++)
        if (strcmp(name, format_names[i]) == 0)
            return (int)i;
    return -1;
}

tix_err tix_takedown_write(const tix_takedown *t, tix_takedown_format f, tix_buf *b,
                           tix_diag *d)
{
    switch (f) {
    case TIX_TAKEDOWN_TEXT: return tix_takedown_write_text(t, b, d);
    case TIX_TAKEDOWN_CSV: return tix_takedown_write_csv(t, b, d);
    case TIX_TAKEDOWN_JSONL: return tix_takedown_write_jsonl(t, b, d);
    case TIX_TAKEDOWN_STIX: return tix_takedown_write_stix(t, b, d);
    }
    return tix_diag_set(d, TIX_EINVAL, "unknown takedown format %d", (int)f);
}

static tix_err buf_result(const tix_buf *b, tix_diag *d)
{
    return b->err ? tix_diag_set(d, b->err, "writing the takedown list: %s",
                                 tix_strerror(b->err))
                  : TIX_EOK;
}

static void add_time(tix_buf *b, int64_t t)
{
    char s[TIX_TIME_MAX];
    tix_time_format(t, s);
    tix_buf_adds(b, s);
}

/* ---- text ------------------------------------------------------------- */

/* Notes, flag evidence and names come from lists and feeds that others
 * wrote: a control character in them must not rewrite the terminal. Bytes
 * of a UTF-8 sequence count once towards the width. */
static size_t add_clean(tix_buf *b, const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            tix_buf_addf(b, "\\x%02x", *p);
            w += 4;
        } else {
            tix_buf_addc(b, (char)*p);
            w += (*p & 0xc0) != 0x80;
        }
    }
    return w;
}

static size_t width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        w += *p < 0x20 || *p == 0x7f ? 4 : (*p & 0xc0) != 0x80;
    return w;
}

/* A cell of at least w columns and a two-space gutter. */
static void cell(tix_buf *b, const char *s, size_t w)
{
    size_t n = add_clean(b, s && *s ? s : "-");
    while (n++ < w + 2)
        tix_buf_addc(b, ' ');
}

static void cell_right(tix_buf *b, uint64_t v, size_t w)
{
    tix_buf_addf(b, "%*llu  ", (int)w, (unsigned long long)v);
}

static void date(char out[TIX_TIME_MAX], int64_t t)
{
    tix_time_format(t, out);
    out[t ? 10 : 0] = 0; /* a date is enough in a table; csv/jsonl have times */
}

typedef struct {
    size_t value, ports, asn, agency;
} widths;

static void widen(widths *w, const tix_takedown_entry *e)
{
    size_t n = width(e->value);
    if (n > w->value)
        w->value = n > 64 ? 64 : n;
    if ((n = width(e->ports)) > w->ports)
        w->ports = n;
    if (e->constituency && (n = width(e->constituency)) > w->agency)
        w->agency = n > 40 ? 40 : n;
    char asn[16];
    if (e->asn && (n = (size_t)snprintf(asn, sizeof asn, "AS%u", e->asn)) > w->asn)
        w->asn = n;
}

static void header_row(tix_buf *b, const tix_takedown *t, const widths *w)
{
    tix_buf_adds(b, "  ");
    cell(b, "VALUE", w->value);
    cell(b, "TYPE", 6);
    cell(b, "PORTS", w->ports);
    cell(b, "FIRST SEEN", 10);
    cell(b, "LAST SEEN", 10);
    cell(b, "SAMPLES", 7);
    cell(b, "SOURCES", 7);
    cell(b, "COUNTRY", 7);
    cell(b, "ASN", w->asn);
    if (t->by == TIX_TAKEDOWN_BY_COUNTRY)
        cell(b, "AGENCY", w->agency);
    tix_buf_adds(b, "FLAGS/WARNINGS\n");
}

static void row(tix_buf *b, const tix_takedown *t, const widths *w,
                const tix_takedown_entry *e, tix_buf *tmp)
{
    char f[TIX_TIME_MAX], l[TIX_TIME_MAX], asn[16] = "";
    date(f, e->first_seen);
    date(l, e->last_seen);
    if (e->asn)
        snprintf(asn, sizeof asn, "AS%u", e->asn);
    tix_buf_adds(b, "  ");
    cell(b, e->value, w->value);
    cell(b, tix_obs_name(e->type), 6);
    cell(b, e->ports, w->ports);
    cell(b, f, 10);
    cell(b, l, 10);
    cell_right(b, e->n_samples, 7);
    cell_right(b, e->n_sources, 7);
    cell(b, e->country, 7);
    cell(b, asn, w->asn);
    if (t->by == TIX_TAKEDOWN_BY_COUNTRY)
        cell(b, e->constituency, w->agency);
    tix_buf_reset(tmp);
    tix_takedown_warnings(e, tmp);
    add_clean(b, tmp->len ? tmp->p : "-");
    if (tmp->err && !b->err)
        b->err = tmp->err;
    tix_buf_addc(b, '\n');
}

static void group_head(tix_buf *b, const tix_takedown_group *g)
{
    add_clean(b, g->name);
    if (g->email) {
        tix_buf_adds(b, " <");
        add_clean(b, g->email);
        tix_buf_addc(b, '>');
    }
    if (g->kind || g->country) {
        tix_buf_adds(b, " (");
        add_clean(b, g->kind ? g->kind : "");
        tix_buf_adds(b, g->kind && g->country ? ", " : "");
        add_clean(b, g->country ? g->country : "");
        tix_buf_addc(b, ')');
    }
    tix_buf_addf(b, ": %zu server%s\n", g->n, g->n == 1 ? "" : "s");
}

tix_err tix_takedown_write_text(const tix_takedown *t, tix_buf *b, tix_diag *d)
{
    widths w = {.value = 5, .ports = 5, .asn = 7, .agency = 6};
    for (size_t i = 0; i < t->n_entries; i++)
        widen(&w, &t->entries[i]);
    for (size_t i = 0; i < t->n_blocked; i++)
        widen(&w, &t->blocked[i]);

    tix_buf_adds(b, "Takedown list of ");
    add_clean(b, t->family);
    tix_buf_addf(b, " C&C servers: %zu to act on in %zu group%s, %zu left out (blocked)\n",
                 t->n_entries, t->n_groups, t->n_groups == 1 ? "" : "s", t->n_blocked);
    tix_buf_adds(b, "TLP:");
    for (const char *p = tix_tlp_name(t->tlp); *p; p++)
        tix_buf_addc(b, (char)toupper((unsigned char)*p));
    if (t->tlp > TIX_TLP_AMBER) {
        /* say which entries made the list stricter than usual */
        size_t n = 0;
        for (size_t i = 0; i < t->n_entries + t->n_blocked; i++)
            n += (i < t->n_entries ? t->entries[i] : t->blocked[i - t->n_entries]).tlp ==
                 t->tlp;
        tix_buf_addf(b, " (%zu entr%s such evidence)", n, n == 1 ? "y has" : "ies have");
    }
    tix_buf_adds(b, "; made ");
    add_time(b, t->made);
    if (t->since) {
        tix_buf_adds(b, "; evidence last seen since ");
        add_time(b, t->since);
    }
    tix_buf_addf(b, "; grouped by %s\n", tix_takedown_by_name(t->by));

    tix_buf tmp = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT);
    for (size_t gi = 0; gi < t->n_groups; gi++) {
        const tix_takedown_group *g = &t->groups[gi];
        tix_buf_addc(b, '\n');
        group_head(b, g);
        header_row(b, t, &w);
        for (size_t i = g->first; i < g->first + g->n; i++)
            row(b, t, &w, &t->entries[i], &tmp);
    }
    if (t->n_entries == 0)
        tix_buf_adds(b, "\nNothing to act on: vetting left every server out.\n");
    if (t->n_blocked) {
        tix_buf_addf(b, "\nLeft out (blocked): %zu\n  ", t->n_blocked);
        cell(b, "VALUE", w.value);
        cell(b, "TYPE", 6);
        tix_buf_adds(b, "REASONS\n");
        for (size_t i = 0; i < t->n_blocked; i++) {
            const tix_takedown_entry *e = &t->blocked[i];
            tix_buf_adds(b, "  ");
            cell(b, e->value, w.value);
            cell(b, tix_obs_name(e->type), 6);
            tix_buf_reset(&tmp);
            tix_takedown_reasons(e, &tmp);
            add_clean(b, tmp.len ? tmp.p : "-");
            if (tmp.err && !b->err)
                b->err = tmp.err;
            tix_buf_addc(b, '\n');
        }
    }
    tix_buf_free(&tmp);
    return buf_result(b, d);
}

/* ---- csv -------------------------------------------------------------- */

static void csv_str(tix_buf *b, const char *s, bool last)
{
    if (s)
        tix_buf_add_csv(b, s, strlen(s));
    tix_buf_addc(b, last ? '\n' : ',');
}

/* tmp as a field, then empty for the next one */
static void csv_tmp(tix_buf *b, tix_buf *tmp)
{
    if (tmp->err && !b->err)
        b->err = tmp->err;
    csv_str(b, tmp->p, false);
    tix_buf_reset(tmp);
}

static void csv_row(tix_buf *b, const tix_takedown_entry *e, bool blocked, tix_buf *tmp)
{
    csv_str(b, e->group, false);
    csv_str(b, blocked ? "blocked" : "active", false);
    csv_str(b, tix_obs_name(e->type), false);
    csv_str(b, e->value, false);
    csv_str(b, e->ports, false);
    add_time(b, e->first_seen);
    tix_buf_addc(b, ',');
    add_time(b, e->last_seen);
    tix_buf_addf(b, ",%u,%u,", e->n_samples, e->n_sources);
    csv_str(b, e->sources, false);
    csv_str(b, e->extractors, false);
    tix_buf_addf(b, "%d,", e->confidence);
    csv_str(b, e->country, false);
    if (e->asn)
        tix_buf_addf(b, "%u", e->asn);
    tix_buf_addc(b, ',');
    csv_str(b, e->as_name, false);
    csv_str(b, e->constituency, false);
    csv_str(b, e->const_email, false);
    csv_str(b, tix_tlp_name(e->tlp), false);
    for (size_t i = 0; i < e->n_flags; i++) {
        if (i)
            tix_buf_addc(tmp, ',');
        tix_buf_adds(tmp, e->flags[i].flag);
    }
    csv_tmp(b, tmp);
    if (!blocked)
        tix_takedown_warnings(e, tmp);
    csv_tmp(b, tmp);
    if (blocked)
        tix_takedown_reasons(e, tmp);
    csv_tmp(b, tmp);
    csv_str(b, e->stix_id, true);
}

tix_err tix_takedown_write_csv(const tix_takedown *t, tix_buf *b, tix_diag *d)
{
    tix_buf_adds(b, "group,status,type,value,ports,first_seen,last_seen,samples,sources,"
                    "source_names,extractors,confidence,country,asn,as_name,constituency,"
                    "email,tlp,flags,warnings,reasons,stix_id\n");
    tix_buf tmp = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT);
    for (size_t i = 0; i < t->n_entries; i++)
        csv_row(b, &t->entries[i], false, &tmp);
    for (size_t i = 0; i < t->n_blocked; i++)
        csv_row(b, &t->blocked[i], true, &tmp);
    tix_buf_free(&tmp);
    return buf_result(b, d);
}
