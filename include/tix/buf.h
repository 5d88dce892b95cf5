/* tix/buf.h - the one growable byte buffer of libtix.
 *
 * A buffer has a cap (max) so hostile input cannot grow it without bound,
 * and a sticky error: after the first failed append every later append is a
 * no-op and b->err says why, so callers check once at the end.
 * The content is always NUL-terminated when p is not NULL.
 */
#ifndef TIX_BUF_H
#define TIX_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "tix/error.h"

typedef struct {
    char *p;
    size_t len, cap, max;
    tix_err err;
} tix_buf;

#define TIX_BUF_MAX_DEFAULT ((size_t)1 << 30)
#define TIX_BUF_INIT(maxlen) {NULL, 0, 0, (maxlen), TIX_EOK}

void tix_buf_init(tix_buf *b, size_t max);
/* Make room for n more bytes; returns 0 on success, -1 (and sets err). */
int tix_buf_reserve(tix_buf *b, size_t n);
void tix_buf_add(tix_buf *b, const void *m, size_t n);
void tix_buf_addc(tix_buf *b, char c);
void tix_buf_adds(tix_buf *b, const char *s);
void tix_buf_addf(tix_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void tix_buf_add_u64(tix_buf *b, uint64_t v);
/* Write v in decimal to out (no NUL); returns the number of digits. */
size_t tix_fmt_u64(char out[20], uint64_t v);
/* Append s as the body of a JSON string (no quotes added): RFC 8785
 * escapes; well-formed UTF-8 as is, other bytes >= 0x80 as \ufffd. */
void tix_buf_add_json(tix_buf *b, const char *s, size_t n);
/* Append s as one RFC 4180 CSV field, quoted only when needed. */
void tix_buf_add_csv(tix_buf *b, const char *s, size_t n);
void tix_buf_reset(tix_buf *b); /* len = 0, err cleared, memory kept */
/* Hand the memory to the caller (who frees it); b is left empty. */
char *tix_buf_detach(tix_buf *b, size_t *len);
void tix_buf_free(tix_buf *b);

#endif
