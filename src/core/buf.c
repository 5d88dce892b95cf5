/* buf.c - the growable, capped buffer with a sticky error. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "tix/buf.h"

void tix_buf_init(tix_buf *b, size_t max)
{
    b->p = NULL;
    b->len = b->cap = 0;
    b->max = max ? max : TIX_BUF_MAX_DEFAULT;
    b->err = TIX_EOK;
}

int tix_buf_reserve(tix_buf *b, size_t n)
{
    if (b->err != TIX_EOK)
        return -1;
    size_t max = b->max ? b->max : TIX_BUF_MAX_DEFAULT;
    if (n > max || b->len > max - n) {
        b->err = TIX_ETOOBIG;
        return -1;
    }
    size_t need = b->len + n + 1; /* room for the terminating NUL */
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->p, cap);
    if (p == NULL) {
        b->err = TIX_ENOMEM;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void tix_buf_add(tix_buf *b, const void *m, size_t n)
{
    if (tix_buf_reserve(b, n) != 0)
        return;
    if (n)
        memcpy(b->p + b->len, m, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void tix_buf_addc(tix_buf *b, char c)
{
    if (b->len + 1 < b->cap && b->err == TIX_EOK &&
        b->len + 1 <= (b->max ? b->max : TIX_BUF_MAX_DEFAULT)) {
        b->p[b->len++] = c;
        b->p[b->len] = '\0';
        return;
    }
    tix_buf_add(b, &c, 1);
}

void tix_buf_adds(tix_buf *b, const char *s)
{
    tix_buf_add(b, s, strlen(s));
}

void tix_buf_addf(tix_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        if (b->err == TIX_EOK)
            b->err = TIX_EINVAL;
        return;
    }
    if ((size_t)n < sizeof small) {
        tix_buf_add(b, small, (size_t)n);
        return;
    }
    if (tix_buf_reserve(b, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

size_t tix_fmt_u64(char out[20], uint64_t v)
{
    char tmp[20];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    memcpy(out, tmp + i, sizeof tmp - i);
    return sizeof tmp - i;
}

void tix_buf_add_u64(tix_buf *b, uint64_t v)
{
    char tmp[20];
    tix_buf_add(b, tmp, tix_fmt_u64(tmp, v));
}

void tix_buf_add_json(tix_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0; /* bytes copied verbatim in one go */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            /* well-formed UTF-8 passes through; anything else (a file
             * name in Latin-1, say) becomes U+FFFD, so the JSON stays
             * valid */
            uint32_t cp;
            size_t len = tix__utf8_decode((const uint8_t *)s + i, n - i, &cp);
            if (len) {
                i += len - 1;
                continue;
            }
            tix_buf_add(b, s + run, i - run);
            tix_buf_add(b, "\\ufffd", 6);
            run = i + 1;
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        tix_buf_add(b, s + run, i - run);
        run = i + 1;
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t len = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            len = 6;
        }
        tix_buf_add(b, esc, len);
    }
    tix_buf_add(b, s + run, n - run);
}

void tix_buf_add_csv(tix_buf *b, const char *s, size_t n)
{
    int quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
            quote = 1;
    if (!quote) {
        tix_buf_add(b, s, n);
        return;
    }
    tix_buf_addc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            tix_buf_add(b, s + run, i + 1 - run); /* includes the quote */
            tix_buf_addc(b, '"');
            run = i + 1;
        }
    }
    tix_buf_add(b, s + run, n - run);
    tix_buf_addc(b, '"');
}

void tix_buf_reset(tix_buf *b)
{
    b->len = 0;
    b->err = TIX_EOK;
    if (b->p)
        b->p[0] = '\0';
}

char *tix_buf_detach(tix_buf *b, size_t *len)
{
    char *p = b->p;
    if (p == NULL && b->err == TIX_EOK)
        p = calloc(1, 1);
    if (len)
        *len = b->len;
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

void tix_buf_free(tix_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}
