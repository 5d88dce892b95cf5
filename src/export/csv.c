/* csv.c - one row per observable, RFC 4180, LF line ends:
 *
 *   type,value,stix_id,first_seen,last_seen,confidence,tlp,sources,families,
 *   tags,country,asn,as_name,constituency,status,evidence
 *
 * first/last seen, sources, families, tags and the evidence count sum the
 * evidence the row may carry (docs/export.md); tlp is the most restrictive
 * TLP of that evidence; confidence and status are the store's. Lists
 * inside a field are comma-separated (the field is then quoted). */
#include <stdlib.h>
#include <string.h>

#include "export/internal.h"
#include "tix/time.h"

typedef struct {
    exp_out *o;
    tix_buf field;
    exp_family *fams;
    size_t capfams;
    uint64_t rows;
    bool oom;
} csv_ctx;

static void add_time(tix_buf *b, int64_t t)
{
    char s[TIX_TIME_MAX];
    tix_time_format(t, s);
    tix_buf_adds(b, s);
}

/* The field buffer as one CSV field, after a comma. */
static void field(csv_ctx *c)
{
    tix_buf_addc(&c->o->b, ',');
    tix_buf_add_csv(&c->o->b, c->field.p ? c->field.p : "", c->field.len);
    if (c->field.err)
        c->oom = true;
    tix_buf_reset(&c->field);
}

static int on_row(void *ud, exp_walk *w, const exp_obs *v)
{
    csv_ctx *c = ud;
    const tix_export_obs *r = v->r;
    tix_buf *b = &c->o->b;
    exp_flat fl;
    exp_flat_sum(r, w->tlp_max, &fl);
    tix_buf_adds(b, tix_obs_name(r->obs.type));
    tix_buf_addc(b, ',');
    tix_buf_add_csv(b, r->obs.value, strlen(r->obs.value));
    tix_buf_addf(b, ",%s,", r->obs.stix_id);
    add_time(b, fl.first);
    tix_buf_addc(b, ',');
    add_time(b, fl.last);
    tix_buf_addf(b, ",%d,%s", r->obs.confidence, tix_tlp_name(fl.most));
    exp_flat_sources(r, w->tlp_max, ",", &c->field);
    field(c);
    size_t n = exp_families(r, w->tlp_max, &c->fams, &c->capfams);
    if (n == SIZE_MAX) {
        c->oom = true;
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (i)
            tix_buf_addc(&c->field, ',');
        tix_buf_adds(&c->field, c->fams[i].name);
    }
    field(c);
    exp_flat_tags(r, w->tlp_max, ",", NULL, &c->field);
    field(c);
    tix_buf_addf(b, ",%s,", r->country);
    if (r->asn)
        tix_buf_addf(b, "%u", r->asn);
    if (r->as_name)
        tix_buf_adds(&c->field, r->as_name);
    field(c);
    if (r->constituency)
        tix_buf_adds(&c->field, r->constituency);
    field(c);
    tix_buf_addf(b, ",%s,%llu\n", tix_vet_status_name(r->obs.status),
                 (unsigned long long)fl.rows);
    c->rows++;
    exp_out_flush(c->o, false);
    return c->oom || c->o->err != TIX_EOK;
}

tix_err exp_write_csv(tix_store *s, const tix_export_filter *f, exp_out *o,
                      tix_export_stats *st, tix_diag *d)
{
    csv_ctx c = {.o = o, .field = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT)};
    tix_buf_adds(&o->b, "type,value,stix_id,first_seen,last_seen,confidence,tlp,sources,"
                        "families,tags,country,asn,as_name,constituency,status,evidence\n");
    tix_err e = exp_flat_walk(s, f, false, on_row, &c, st, d);
    if (e == TIX_ESTOPPED)
        e = c.oom ? tix_diag_set(d, TIX_ENOMEM, "writing CSV: out of memory")
                  : tix_diag_set(d, o->err, "%s", o->why);
    st->objects = c.rows;
    tix_buf_free(&c.field);
    free(c.fams);
    return e;
}
