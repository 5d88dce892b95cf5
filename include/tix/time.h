/* tix/time.h - the timestamps feeds write, read as UTC seconds.
 *
 * Times are int64 seconds since the Unix epoch, UTC. 0 means "unknown";
 * feeds have no events from 1970.
 */
#ifndef TIX_TIME_H
#define TIX_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "tix/error.h"

/* Parse one timestamp as feeds write it:
 *   2024-05-23                      (midnight UTC)
 *   2024-05-23 07:04:24             (space or T; UTC unless a zone follows)
 *   2024-05-23T07:04:24.123Z        (fractions dropped)
 *   2024-05-23T07:04:24+02:00 / +0200 / " UTC" / " (UTC)"
 *   1716447864                      (Unix seconds, 9-11 digits)
 * Leading and trailing blanks are ignored. */
tix_err tix_time_parse(const char *s, size_t len, int64_t *out, tix_diag *d);

/* "2024-05-23T07:04:24Z" (20 characters plus NUL); "" for 0. */
#define TIX_TIME_MAX 32
void tix_time_format(int64_t t, char out[TIX_TIME_MAX]);

/* Seconds since the epoch now. */
int64_t tix_time_now(void);

#endif
