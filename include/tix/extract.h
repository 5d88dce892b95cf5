/* tix/extract.h - indicators out of text and binaries.
 *
 * The extractor finds every observable in a byte stream: ASCII/UTF-8 text and
 * UTF-16LE strings, defanged forms refanged, each hit with the byte offset of
 * its first byte in the input. It streams: memory stays constant whatever the
 * input size, and a hit that straddles an internal buffer boundary is
 * reported exactly once, as if the input had been scanned in one piece.
 */
#ifndef TIX_EXTRACT_H
#define TIX_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tix/error.h"
#include "tix/observable.h"

typedef enum { TIX_ENC_ASCII, TIX_ENC_UTF16LE } tix_encoding;

const char *tix_encoding_name(tix_encoding e); /* "ascii", "utf16le" */

typedef struct {
    tix_obs_type type;
    const char *value; /* canonical, NUL-terminated; valid during callback */
    size_t value_len;
    uint64_t offset;   /* byte offset of the hit's first byte in the input */
    uint64_t raw_len;  /* bytes the hit spans in the input */
    tix_encoding encoding;
    bool defanged;     /* the input spelled it in a defanged form */
} tix_hit;

/* Called for every hit, in increasing offset order within one call of the
 * scanner. Return 0 to go on, non-zero to stop (the scan then returns
 * TIX_ESTOPPED). */
typedef int (*tix_hit_fn)(void *ud, const tix_hit *hit);

/* Immutable, shareable between threads once built. */
typedef struct tix_extractor tix_extractor;

/* types: a mask of TIX_OBS_BIT(); 0 means all. */
tix_err tix_extractor_new(tix_extractor **out, uint32_t types, tix_diag *d);
void tix_extractor_free(tix_extractor *ex); /* NULL is a no-op */

/* A streaming scan; one per thread. */
typedef struct tix_scan tix_scan;

tix_err tix_scan_new(tix_scan **out, const tix_extractor *ex, tix_hit_fn fn,
                     void *ud, tix_diag *d);
void tix_scan_free(tix_scan *s); /* NULL is a no-op */

/* Feed the next len bytes of the stream (any split is fine). */
tix_err tix_scan_feed(tix_scan *s, const void *data, size_t len, tix_diag *d);
/* The stream ended: report what is left. The scan can then be reused for a
 * new stream, whose offsets start again at 0. */
tix_err tix_scan_finish(tix_scan *s, tix_diag *d);

/* Read fd to its end and scan it (no copy beyond the scan's own window).
 * I/O errors are reported with TIX_EIO and errno's text. */
tix_err tix_scan_fd(tix_scan *s, int fd, tix_diag *d);

/* Scan bytes [start, end) of a seekable fd whose total size is size,
 * reporting only hits that begin in that range, with context read from
 * around it. Ranges that tile a file give exactly the hits of one scan of the
 * whole file; this is how one file is shared among threads. */
tix_err tix_scan_fd_range(tix_scan *s, int fd, uint64_t start, uint64_t end,
                          uint64_t size, tix_diag *d);

/* Scan bytes [start, end) of the size bytes at data, with context from
 * around them; offsets relative to data. */
tix_err tix_scan_mem_range(tix_scan *s, const void *data, uint64_t size,
                           uint64_t start, uint64_t end, tix_diag *d);

/* One-shot scan of a buffer held in memory, offsets relative to data. */
tix_err tix_extract_mem(const tix_extractor *ex, const void *data, size_t len,
                        tix_hit_fn fn, void *ud, tix_diag *d);

#endif
