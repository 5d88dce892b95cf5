/* classifier.c - one thread's scanner over shared rules, and the config
 * extractor its matches call for.
 *
 * Scans run in libyara's fast mode: a family needs to know which rules
 * matched, not every place each string did; the extractors find their
 * configurations themselves. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yara.h>

#include "classify/rules_int.h"
#include "core/grow.h"
#include "tix/classify.h"

/* A scan that takes longer than this is given up (hostile rules or input). */
#define SCAN_TIMEOUT_S 120

struct tix_classifier {
    YR_SCANNER *scanner;
    tix_classification res;
    size_t capmatches, capfamilies;
    bool oom;
};

tix_err tix_classifier_new(const tix_rules *r, tix_classifier **out, tix_diag *d)
{
    *out = NULL;
    tix_classifier *c = calloc(1, sizeof *c);
    if (!c)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    if (yr_scanner_create(r->yr, &c->scanner) != ERROR_SUCCESS) {
        free(c);
        return tix_diag_set(d, TIX_ENOMEM, "libyara: cannot create a scanner");
    }
    yr_scanner_set_flags(c->scanner, SCAN_FLAGS_FAST_MODE);
    yr_scanner_set_timeout(c->scanner, SCAN_TIMEOUT_S);
    *out = c;
    return TIX_EOK;
}

void tix_classifier_free(tix_classifier *c)
{
    if (!c)
        return;
    if (c->scanner)
        yr_scanner_destroy(c->scanner);
    free(c->res.matches);
    free(c->res.families);
    free(c);
}

static const char *family_of(const YR_RULE *rule)
{
    const YR_META *m;
    yr_rule_metas_foreach(rule, m)
    {
        if (m->type == META_TYPE_STRING && strcmp(m->identifier, "family") == 0 &&
            m->string && *m->string)
            return m->string;
    }
    return rule->identifier;
}

static int on_scan(YR_SCAN_CONTEXT *ctx, int message, void *data, void *ud)
{
    (void)ctx;
    if (message != CALLBACK_MSG_RULE_MATCHING)
        return CALLBACK_CONTINUE;
    tix_classifier *c = ud;
    tix_classification *r = &c->res;
    const YR_RULE *rule = data;
    if (tix__grow(&r->matches, &c->capmatches, r->nmatches, sizeof *r->matches, 8) != 0) {
        c->oom = true;
        return CALLBACK_ABORT;
    }
    tix_rule_match *m = &r->matches[r->nmatches++];
    m->rule = rule->identifier;
    m->ns = rule->ns->name;
    m->family = family_of(rule);
    for (size_t i = 0; i < r->nfamilies; i++)
        if (strcasecmp(r->families[i], m->family) == 0)
            return CALLBACK_CONTINUE;
    if (tix__grow(&r->families, &c->capfamilies, r->nfamilies, sizeof *r->families, 4) != 0) {
        c->oom = true;
        return CALLBACK_ABORT;
    }
    r->families[r->nfamilies++] = m->family;
    return CALLBACK_CONTINUE;
}

/* The extractor to run: the one a matching built-in rule triggers, else
 * the one of a family some other rule named. */
static const tix_config_extractor *choose(const tix_classification *r)
{
    for (size_t i = 0; i < r->nmatches; i++)
        if (strcmp(r->matches[i].ns, TIX_RULES_BUILTIN_NS) == 0) {
            const tix_config_extractor *x = tix_config_extractor_by_rule(r->matches[i].rule);
            if (x)
                return x;
        }
    for (size_t i = 0; i < r->nfamilies; i++) {
        const tix_config_extractor *x = tix_config_extractor_by_family(r->families[i]);
        if (x)
            return x;
    }
    return NULL;
}

tix_err tix_classify(tix_classifier *c, const uint8_t *data, size_t len,
                     tix_classification **out, tix_diag *d)
{
    tix_classification *r = &c->res;
    r->nmatches = 0;
    r->nfamilies = 0;
    r->extractor = NULL;
    r->state = TIX_CFG_NONE;
    r->why[0] = 0;
    c->oom = false;
    *out = r;
    yr_scanner_set_callback(c->scanner, on_scan, c);
    int rc = yr_scanner_scan_mem(c->scanner, len ? data : (const uint8_t *)"", len);
    if (c->oom)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    if (rc == ERROR_SCAN_TIMEOUT)
        return tix_diag_set(d, TIX_ETOOBIG, "YARA scan gave up after %d s", SCAN_TIMEOUT_S);
    if (rc != ERROR_SUCCESS && rc != ERROR_TOO_MANY_MATCHES)
        return tix_diag_set(d, TIX_EIO, "YARA scan failed (libyara error %d)", rc);

    const tix_config_extractor *x = choose(r);
    if (!x)
        return TIX_EOK;
    r->extractor = x;
    memset(&r->config, 0, sizeof r->config);
    tix_diag why = TIX_DIAG_INIT;
    tix_err e = x->extract(data, len, &r->config, &why);
    if (!e && r->config.nc2 == 0)
        e = tix_diag_set(&why, TIX_EPARSE, "no C&C in the configuration");
    if (e) {
        r->state = TIX_CFG_FAILED;
        snprintf(r->why, sizeof r->why, "%s", why.msg[0] ? why.msg : tix_strerror(e));
    } else {
        r->state = TIX_CFG_OK;
    }
    return TIX_EOK;
}
