/* scan.c - streaming: windows with margins, UTF-16LE strings, and the
 * entry points of tix/extract.h.
 *
 * Input is scanned in windows of TIX__WINDOW bytes. Each window also holds
 * TIX__MARGIN bytes of context before and after the range it reports, so a
 * hit is decided on the same bytes whichever window it falls in, and is
 * reported by exactly one of them (the one whose range holds its offset).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "core/canon.h"
#include "extract/internal.h"

struct tix_scan {
    const tix_extractor *ex;
    tix_hit_fn fn;
    void *ud;
    uint8_t *buf;   /* input bytes [base, base + len) */
    size_t len, cap;
    uint64_t base;
    uint64_t next;  /* hits below this offset were reported */
    uint8_t *norm;  /* refanged copy of buf */
    uint8_t *u16;   /* a decoded UTF-16LE string */
    uint8_t *u16n;  /* ... refanged */
    struct tix__edits ed, ed16;
    struct tix__hits hits;
};

const char *tix_encoding_name(tix_encoding e)
{
    return e == TIX_ENC_UTF16LE ? "utf16le" : "ascii";
}

tix_err tix_extractor_new(tix_extractor **out, uint32_t types, tix_diag *d)
{
    tix_extractor *ex = calloc(1, sizeof *ex);
    if (ex == NULL)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    ex->types = types ? types & TIX_OBS_ALL : TIX_OBS_ALL;
    tix__simd_init();
    (void)tix__psl(); /* load the suffix list before threads share it */
    *out = ex;
    return TIX_EOK;
}

void tix_extractor_free(tix_extractor *ex)
{
    free(ex);
}

tix_err tix_scan_new(tix_scan **out, const tix_extractor *ex, tix_hit_fn fn,
                     void *ud, tix_diag *d)
{
    tix_scan *s = calloc(1, sizeof *s);
    if (s == NULL)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    s->ex = ex;
    s->fn = fn;
    s->ud = ud;
    s->cap = TIX__WINDOW + 2 * TIX__MARGIN;
    s->buf = malloc(s->cap);
    s->norm = malloc(s->cap);
    s->u16 = malloc(s->cap / 2 + 1);
    s->u16n = malloc(s->cap / 2 + 1);
    tix_buf_init(&s->hits.vals, 0);
    tix_buf_init(&s->hits.scratch, TIX_OBS_VALUE_MAX * 4);
    if (!s->buf || !s->norm || !s->u16 || !s->u16n) {
        tix_scan_free(s);
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    }
    *out = s;
    return TIX_EOK;
}

void tix_scan_free(tix_scan *s)
{
    if (s == NULL)
        return;
    free(s->buf);
    free(s->norm);
    free(s->u16);
    free(s->u16n);
    free(s->ed.v);
    free(s->ed16.v);
    tix__hits_free(&s->hits);
    free(s);
}

/* ---- one window --------------------------------------------------------- */

static int scan_stretch(tix_scan *s, const uint8_t *raw, size_t n,
                        size_t first_opener, uint8_t *norm,
                        struct tix__edits *ed, uint64_t base, unsigned stride,
                        tix_encoding enc, uint64_t lo, uint64_t hi)
{
    long nn = tix__refang_from(raw, n, first_opener, norm, ed);
    if (nn < 0)
        return -1;
    struct tix__text t = {
        .ex = s->ex,
        .p = nn ? norm : raw,
        .n = nn ? (size_t)nn : n,
        .ed = nn ? ed : NULL,
        .base = base,
        .stride = stride,
        .enc = enc,
        .lo = lo,
        .hi = hi,
        .out = &s->hits,
    };
    return tix__scan_text(&t);
}

static inline bool u16_unit(const uint8_t *b, size_t i, size_t n)
{
    return i + 1 < n && b[i + 1] == 0 &&
           ((b[i] >= 0x20 && b[i] < 0x7f) || b[i] == '\t' || b[i] == '\n' ||
            b[i] == '\r');
}

static inline bool u16_start(const uint8_t *b, size_t j, size_t n)
{
    return u16_unit(b, j, n) && u16_unit(b, j + 2, n) &&
           u16_unit(b, j + 4, n) && u16_unit(b, j + 6, n);
}

/* First j >= i where four printable UTF-16LE units start, or n. */
static size_t next_u16(const uint8_t *b, size_t i, size_t n)
{
    while (i + 65 <= n) {
        i = tix__next_u16_64(b, i, n);
        if (i + 65 > n)
            break;
        uint64_t w = tix__u16_64(b + i);
        while (w) {
            size_t j = i + (size_t)__builtin_ctzll(w);
            w &= w - 1;
            if (u16_start(b, j, n))
                return j;
        }
        i += 64;
    }
    for (; i + 8 <= n; i++)
        if (u16_start(b, i, n))
            return i;
    return n;
}

/* Find UTF-16LE strings (4+ printable ASCII units) in b[0..n), decode each
 * and scan it. */
static int scan_utf16(tix_scan *s, const uint8_t *b, size_t n, uint64_t lo,
                      uint64_t hi)
{
    size_t i = 0;
    while ((i = next_u16(b, i, n)) < n) {
        size_t rs = i;
        while (rs >= 2 && u16_unit(b, rs - 2, n))
            rs -= 2;
        size_t re = i;
        while (u16_unit(b, re, n))
            re += 2;
        uint64_t ro = s->base + rs, reo = s->base + re;
        if (reo > lo && ro < hi) {
            size_t m = (re - rs) / 2;
            for (size_t k = 0; k < m; k++)
                s->u16[k] = b[rs + 2 * k];
            bool z;
            size_t first = tix__prescan(s->u16, m, &z);
            if (scan_stretch(s, s->u16, m, first, s->u16n, &s->ed16, ro, 2,
                             TIX_ENC_UTF16LE, lo, hi) != 0)
                return -1;
        }
        i = re;
    }
    return 0;
}

/* Report the hits of buf[0..len) (input bytes [s->base, s->base + len))
 * whose offsets are in [lo, hi). */
static tix_err scan_buf(tix_scan *s, const uint8_t *buf, size_t len,
                        uint64_t lo, uint64_t hi, tix_diag *d)
{
    if (hi <= lo)
        return TIX_EOK;
    bool zero;
    size_t first = tix__prescan(buf, len, &zero);
    if (scan_stretch(s, buf, len, first, s->norm, &s->ed, s->base, 1,
                     TIX_ENC_ASCII, lo, hi) != 0)
        goto oom;
    if (zero && scan_utf16(s, buf, len, lo, hi) != 0)
        goto oom;
    s->next = hi;
    return tix__hits_flush(&s->hits, s->fn, s->ud, d);
oom:
    s->hits.n = 0;
    tix_buf_reset(&s->hits.vals);
    return tix_diag_set(d, TIX_ENOMEM, "out of memory");
}

/* The buffer is full: report what is safe and keep the context the next
 * window needs. */
static tix_err scan_window(tix_scan *s, uint64_t lo, uint64_t hi, tix_diag *d)
{
    return scan_buf(s, s->buf, s->len, lo, hi, d);
}

/* The end of what a window [base, base + len) may report: all of it at the
 * end of the input, else all but the context the next window needs; never
 * past end. */
static uint64_t report_end(uint64_t base, uint64_t len, bool eof, uint64_t end)
{
    uint64_t hi = eof ? base + len : base + len - TIX__MARGIN;
    return hi < end ? hi : end;
}

/* Hits below hi are reported: keep the context before hi that the next
 * window needs, drop the rest. */
static void keep_context(tix_scan *s, uint64_t hi)
{
    uint64_t keep_from = hi - TIX__MARGIN;
    size_t drop = (size_t)(keep_from - s->base);
    memmove(s->buf, s->buf + drop, s->len - drop);
    s->len -= drop;
    s->base = keep_from;
}

static tix_err slide(tix_scan *s, tix_diag *d)
{
    uint64_t hi = report_end(s->base, s->len, false, UINT64_MAX);
    tix_err rc = scan_window(s, s->next, hi, d);
    if (rc == TIX_EOK)
        keep_context(s, hi);
    return rc;
}

tix_err tix_scan_feed(tix_scan *s, const void *data, size_t len, tix_diag *d)
{
    const uint8_t *p = data;
    while (len) {
        size_t room = s->cap - s->len;
        size_t n = len < room ? len : room;
        memcpy(s->buf + s->len, p, n);
        s->len += n;
        p += n;
        len -= n;
        if (s->len == s->cap) {
            tix_err rc = slide(s, d);
            if (rc != TIX_EOK)
                return rc;
        }
    }
    return TIX_EOK;
}

static void reset(tix_scan *s)
{
    s->hits.n = 0;
    tix_buf_reset(&s->hits.vals);
    s->len = 0;
    s->base = 0;
    s->next = 0;
}

tix_err tix_scan_finish(tix_scan *s, tix_diag *d)
{
    tix_err rc = scan_window(s, s->next, s->base + s->len, d);
    reset(s);
    return rc;
}

static tix_err read_failed(tix_scan *s, tix_diag *d)
{
    tix_err rc = tix_diag_set(d, TIX_EIO, "%s", strerror(errno));
    reset(s);
    return rc;
}

tix_err tix_scan_fd(tix_scan *s, int fd, tix_diag *d)
{
    reset(s);
    for (;;) {
        ssize_t r = read(fd, s->buf + s->len, s->cap - s->len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return read_failed(s, d);
        if (r == 0)
            break;
        s->len += (size_t)r;
        if (s->len == s->cap) {
            tix_err rc = slide(s, d);
            if (rc != TIX_EOK) {
                reset(s);
                return rc;
            }
        }
    }
    return tix_scan_finish(s, d);
}

tix_err tix_scan_fd_range(tix_scan *s, int fd, uint64_t start, uint64_t end,
                          uint64_t size, tix_diag *d)
{
    if (end > size)
        end = size;
    reset(s);
    s->base = start > TIX__MARGIN ? start - TIX__MARGIN : 0;
    s->next = start;
    while (s->next < end) {
        /* fill the buffer from base + len */
        while (s->len < s->cap && s->base + s->len < size) {
            ssize_t r = pread(fd, s->buf + s->len, s->cap - s->len,
                              (off_t)(s->base + s->len));
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0)
                return read_failed(s, d);
            if (r == 0)
                break; /* the file shrank under us: treat as its end */
            s->len += (size_t)r;
        }
        bool eof = s->base + s->len >= size || s->len < s->cap;
        uint64_t hi = report_end(s->base, s->len, eof, end);
        tix_err rc = scan_window(s, s->next, hi, d);
        if (rc != TIX_EOK || eof || hi >= end) {
            reset(s);
            return rc;
        }
        keep_context(s, hi);
    }
    reset(s);
    return TIX_EOK;
}

tix_err tix_scan_mem_range(tix_scan *s, const void *data, uint64_t size,
                           uint64_t start, uint64_t end, tix_diag *d)
{
    const uint8_t *p = data;
    if (end > size)
        end = size;
    reset(s);
    uint64_t next = start;
    tix_err rc = TIX_EOK;
    while (next < end && rc == TIX_EOK) {
        /* a window as the streaming scan would hold it: context before,
         * TIX__WINDOW to report, context after */
        uint64_t base = next > TIX__MARGIN ? next - TIX__MARGIN : 0;
        uint64_t len = size - base < s->cap ? size - base : s->cap;
        uint64_t hi = report_end(base, len, base + len == size, end);
        s->base = base;
        rc = scan_buf(s, p + base, (size_t)len, next, hi, d);
        next = hi;
    }
    reset(s);
    return rc;
}

tix_err tix_extract_mem(const tix_extractor *ex, const void *data, size_t len,
                        tix_hit_fn fn, void *ud, tix_diag *d)
{
    tix_scan *s;
    tix_err rc = tix_scan_new(&s, ex, fn, ud, d);
    if (rc != TIX_EOK)
        return rc;
    rc = tix_scan_mem_range(s, data, len, 0, len, d);
    tix_scan_free(s);
    return rc;
}
