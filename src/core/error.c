/* error.c - error codes and the first-error-wins diagnostic slot. */
#include <stdarg.h>
#include <stdio.h>

#include "tix/error.h"

static const char *const messages[] = {
#define X(c, s) s,
    TIX_ERR_MAP(X)
#undef X
};

const char *tix_strerror(tix_err e)
{
    if ((unsigned)e >= TIX_E_COUNT)
        return "unknown error";
    return messages[e];
}

tix_err tix_diag_set(tix_diag *d, tix_err code, const char *fmt, ...)
{
    if (d == NULL || d->code != TIX_EOK)
        return code;
    d->code = code;
    if (fmt == NULL) {
        snprintf(d->msg, sizeof d->msg, "%s", tix_strerror(code));
        return code;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    va_end(ap);
    return code;
}

void tix_diag_clear(tix_diag *d)
{
    if (d != NULL) {
        d->code = TIX_EOK;
        d->msg[0] = '\0';
    }
}
