/* json.h - building the report writers' JSON with jansson. Not API.
 *
 * Errors are sticky, as in tix_buf: a failed allocation sets *bad and the
 * writer checks once at the end.
 */
#ifndef TIX_REPORT_JSON_H
#define TIX_REPORT_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "tix/buf.h"

/* A JSON string of s (NULL: null). Bytes that are not well-formed UTF-8
 * (a note in a hand-made list) become U+FFFD: jansson refuses them. */
json_t *tix__json_str(const char *s);
/* A time as "2024-05-23T07:04:24Z" (ms: "...24.000Z", as STIX wants
 * created/modified); 0 is null. */
json_t *tix__json_time(int64_t t, bool ms);
/* o[key] = v, taking v; on failure (v NULL included) *bad = true. */
void tix__json_set(json_t *o, const char *key, json_t *v, bool *bad);
/* a[] += v, taking v; likewise. */
void tix__json_push(json_t *a, json_t *v, bool *bad);
/* The compact serialisation of v (keys in insertion order) appended to b,
 * then a newline; *bad on failure. */
void tix__json_emit(tix_buf *b, const json_t *v, bool *bad);

#endif
