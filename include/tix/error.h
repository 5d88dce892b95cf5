/* tix/error.h - one error type for all of libtix.
 *
 * Every fallible function returns a tix_err and, when given a tix_diag,
 * leaves a human-readable message there. The first error wins: a later
 * failure never overwrites the message that explains the root cause.
 */
#ifndef TIX_ERROR_H
#define TIX_ERROR_H

#include <stddef.h>

#define TIX_ERR_MAP(X)                       \
    X(OK, "ok")                              \
    X(NOMEM, "out of memory")                \
    X(TOOBIG, "input too large")             \
    X(PARSE, "malformed input")              \
    X(INVAL, "invalid argument")             \
    X(IO, "input/output error")              \
    X(NOTFOUND, "not found")                 \
    X(UNSUPPORTED, "not supported")          \
    X(DB, "database error")                  \
    X(STOPPED, "stopped by caller")

typedef enum {
#define X(c, s) TIX_E##c,
    TIX_ERR_MAP(X)
#undef X
    TIX_E_COUNT
} tix_err;

typedef struct {
    tix_err code;
    char msg[256];
} tix_diag;

#define TIX_DIAG_INIT {TIX_EOK, {0}}

/* Static description of an error code; never NULL. */
const char *tix_strerror(tix_err e);

/* Record an error in d (may be NULL) unless one is already recorded.
 * Returns code so that callers can write `return tix_diag_set(d, ...)`. */
tix_err tix_diag_set(tix_diag *d, tix_err code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Forget a recorded error. */
void tix_diag_clear(tix_diag *d);

#endif
