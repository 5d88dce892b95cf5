/* stix_pattern.h - the part of the STIX 2.1 patterning language tix can hold.
 *
 * tix stores observables, not detection logic, so only patterns that are a
 * plain disjunction of equality tests on one observable property each can be
 * taken as "any of these values is an indicator". The whole grammar is
 * recognised so that everything else is reported precisely (what construct
 * stands in the way) instead of being called a syntax error.
 */
#ifndef TIX_FEEDS_STIX_PATTERN_H
#define TIX_FEEDS_STIX_PATTERN_H

#include <stddef.h>

#include "tix/error.h"
#include "tix/observable.h"

typedef struct {
    tix_obs_type type;
    char *value;          /* unescaped, NUL-terminated; owned by the list */
    size_t len;
} stix_pat_value;

typedef struct {
    stix_pat_value *v;
    size_t n, cap;
} stix_pat;

#define STIX_PAT_WHY_MAX 128

/* Parse s[0..n) into out (which starts empty).
 *   TIX_EOK          out holds the values in pattern order;
 *   TIX_EUNSUPPORTED well-formed but beyond the mapped subset; why is a short
 *                    reason such as "STIX pattern with AND";
 *   TIX_EPARSE       not a STIX pattern; why says what and where;
 *   TIX_ENOMEM.
 * out is left empty on any failure. */
tix_err stix_pattern_parse(const char *s, size_t n, stix_pat *out,
                           char why[STIX_PAT_WHY_MAX]);
void stix_pattern_free(stix_pat *p);

/* The wallet type of a cryptocurrency-wallet value (as tix exports wallets:
 * docs/export.md): btc when it is a Bitcoin address, else xmr, which the
 * sink then checks. */
tix_obs_type stix_wallet_type(const char *v, size_t n);

#endif
