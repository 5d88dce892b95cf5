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

/* Microseconds since the epoch now: TAXII's date_added. */
int64_t tix_time_now_us(void);
/* "2024-05-23T07:04:24.123456Z" (µs; TIX_TIME_US_MAX with the NUL); "" when
 * the year is outside 0-9999. */
#define TIX_TIME_US_MAX 32
void tix_time_format_us(int64_t us, char out[TIX_TIME_US_MAX]);
/* Exactly a STIX/TAXII timestamp "YYYY-MM-DDTHH:MM:SS[.fraction]Z" to µs
 * (digits past the sixth dropped); TIX_EPARSE for any other form. */
tix_err tix_time_parse_stix(const char *s, size_t len, int64_t *us, tix_diag *d);
/* Seconds since the epoch now. */
int64_t tix_time_now(void);

#endif
