/* pattern.h - the vectorscan side of the vetter: substring and regex
 * entries compiled into block-mode databases. Not API.
 *
 * A database per observable type, holding the patterns of the lists that
 * apply to it; types whose pattern sets are (nearly) the same share one,
 * so a scan may report a pattern of a list that does not apply to the
 * value's type and the caller must check. A literal that holds
 * a byte no canonical value of a type can hold (a letter, for an IPv4
 * address) is left out of that type's database: the disposable-e-mail
 * list's 8,000 domains apply to IP addresses too (MISP's "domain|ip") and
 * would otherwise cost every address a scan.
 */
#ifndef TIX_VET_PATTERN_H
#define TIX_VET_PATTERN_H

#include <hs/hs.h>
#include <stddef.h>
#include <stdint.h>

#include "tix/vet.h"

typedef struct {
    const char *entry;     /* the list entry: a literal or /regex/flags */
    const char *list_name; /* for the reason it was dropped */
    uint32_t applies;      /* the list's types */
    uint8_t regex;         /* else a literal, matched without regard to case */
    uint8_t dropped;       /* vectorscan refused it */
} tix__vpat;

typedef struct {
    hs_database_t *db[TIX_OBS_COUNT]; /* NULL: no pattern for the type */
    uint8_t owns[TIX_OBS_COUNT];      /* shared ones are freed once */
    hs_scratch_t *scratch;
} tix__vpats;

/* Compile; a match reports the pattern's index in pats. A pattern
 * vectorscan refuses is dropped (and marked), counted in *dropped, the
 * first one's reason in reason (256 bytes). Fails only when out of memory
 * or when vectorscan fails for no pattern's fault. */
tix_err tix__vpats_build(tix__vpats *p, tix__vpat *pats, size_t n, size_t *dropped,
                         char *reason, tix_diag *d);
void tix__vpats_free(tix__vpats *p);

#endif
