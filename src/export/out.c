/* out.c - where a writer's bytes go.
 *
 * Writers append to a buffer; every few MiB it is handed on, so memory
 * stays bounded whatever the size of the export. tix_export_write promises
 * that nothing reaches its FILE when the export fails: there the bytes go
 * to an anonymous temporary file first (only once the export outgrows the
 * buffer) and are copied over when all went well. */
#include <errno.h>
#include <string.h>

#include "export/internal.h"

#define OUT_CHUNK ((size_t)4 << 20)

void exp_out_init(exp_out *o, FILE *out, bool spool)
{
    memset(o, 0, sizeof *o);
    tix_buf_init(&o->b, TIX_BUF_MAX_DEFAULT);
    o->final = out;
    o->out = spool ? NULL : out;
    o->spooling = spool;
}

static void io_fail(exp_out *o, const char *what)
{
    if (o->err)
        return;
    o->err = TIX_EIO;
    snprintf(o->why, sizeof o->why, "%s: %s", what, strerror(errno ? errno : EIO));
}

static void put(exp_out *o, const void *p, size_t n)
{
    if (!o->err && n && fwrite(p, 1, n, o->out) != n)
        io_fail(o, "writing the export");
}

void exp_out_flush(exp_out *o, bool force)
{
    if (o->b.err && !o->err) {
        o->err = o->b.err;
        snprintf(o->why, sizeof o->why, "%s", tix_strerror(o->b.err));
    }
    if (o->err) {
        tix_buf_reset(&o->b);
        o->b.err = TIX_EOK;
        return;
    }
    if (o->b.len == 0 || (!force && o->b.len < OUT_CHUNK))
        return;
    if (!o->out) {
        errno = 0;
        if (!(o->spool = tmpfile())) {
            io_fail(o, "a temporary file for the export");
            return;
        }
        o->out = o->spool;
    }
    put(o, o->b.p, o->b.len);
    tix_buf_reset(&o->b);
}

tix_err exp_out_finish(exp_out *o, bool ok, tix_diag *d)
{
    if (ok) {
        if (o->spooling && !o->spool)
            o->out = o->final; /* it all fitted in the buffer */
        exp_out_flush(o, true);
    }
    if (ok && !o->err && o->spool) {
        errno = 0;
        if (fflush(o->spool) || fseek(o->spool, 0, SEEK_SET))
            io_fail(o, "reading back the export");
        char chunk[1 << 16];
        size_t n;
        o->out = o->final;
        while (!o->err && (n = fread(chunk, 1, sizeof chunk, o->spool)) > 0)
            put(o, chunk, n);
        if (!o->err && ferror(o->spool))
            io_fail(o, "reading back the export");
    }
    if (ok && !o->err && o->final && fflush(o->final))
        io_fail(o, "writing the export");
    if (o->spool)
        fclose(o->spool);
    tix_buf_free(&o->b);
    tix_err e = o->err;
    if (ok && e)
        tix_diag_set(d, e, "%s", o->why);
    return ok ? e : TIX_EOK;
}
