/* write.c - an export in one of its formats, to a FILE. */
#include <string.h>

#include "export/internal.h"

static const char *const names[] = {"stix", "misp", "csv", "blocklist"};

const char *tix_export_format_name(tix_export_format f)
{
    return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "?";
}

int tix_export_format_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (name && strcmp(name, names[i]) == 0)
            return (int)i;
    return -1;
}

static tix_err run(tix_store *s, const tix_export_filter *f, tix_export_format fmt,
                   FILE *out, bool spool, tix_export_stats *st, tix_diag *d)
{
    tix_export_stats mine;
    if (!st)
        st = &mine;
    memset(st, 0, sizeof *st);
    if (!s || !f || !out)
        return tix_diag_set(d, TIX_EINVAL, "export: no store, filter or output");
    exp_out o;
    exp_out_init(&o, out, spool);
    tix_err e;
    switch (fmt) {
    case TIX_EXPORT_STIX: e = exp_write_stix(s, f, &o, st, d); break;
    case TIX_EXPORT_MISP: e = exp_write_misp(s, f, &o, st, d); break;
    case TIX_EXPORT_CSV: e = exp_write_csv(s, f, &o, st, d); break;
    case TIX_EXPORT_BLOCKLIST: e = exp_write_blocklist(s, f, &o, st, d); break;
    default: e = tix_diag_set(d, TIX_EINVAL, "export: no such format %d", (int)fmt);
    }
    tix_err fe = exp_out_finish(&o, e == TIX_EOK, d);
    return e ? e : fe;
}

tix_err tix_export_write(tix_store *s, const tix_export_filter *f, tix_export_format fmt,
                         FILE *out, tix_export_stats *st, tix_diag *d)
{
    return run(s, f, fmt, out, true, st, d);
}

tix_err tix_export_stream(tix_store *s, const tix_export_filter *f,
                          tix_export_format fmt, FILE *out, tix_export_stats *st,
                          tix_diag *d)
{
    return run(s, f, fmt, out, false, st, d);
}
