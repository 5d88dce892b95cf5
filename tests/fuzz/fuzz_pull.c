/* fuzz_pull.c - libFuzzer target for what a TAXII server's answers go
 * through before anything is stored: the envelope parser and the bundle
 * made of its objects, the discovery document, the error document, and
 * the timestamps of X-TAXII-Date-Added-Last. A parsed envelope's bundle
 * must parse back to the same objects; an error's text must be one line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pull/taxii.h"
#include "tix/pull.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    taxii_envelope env;
    tix_diag d = TIX_DIAG_INIT;
    tix_buf b = TIX_BUF_INIT(0);
    if (taxii_envelope_parse(p, size, &env, &d) == TIX_EOK) {
        if (taxii_bundle(&env, &b, &d) == TIX_EOK) {
            json_t *j = json_loadb(b.p, b.len, 0, NULL);
            json_t *objs = json_object_get(j, "objects");
            if (!j || !json_is_array(objs) ||
                (env.objects ? !json_equal(objs, env.objects) : json_array_size(objs) != 0))
                abort();
            json_decref(j);
        }
        taxii_envelope_free(&env);
    }
    tix_diag_clear(&d);
    (void)taxii_discovery_root(p, size, "https://taxii.example/taxii2/", &b, &d);
    tix_buf_reset(&b);
    taxii_error_text(p, size, &b);
    for (size_t i = 0; i < b.len; i++)
        if ((unsigned char)b.p[i] < 0x20)
            abort();
    /* the input as a header value: valid ones compare with themselves */
    char ts[TIX_PULL_TS_MAX];
    size_t n = size < sizeof ts - 1 ? size : sizeof ts - 1;
    memcpy(ts, p, n);
    ts[n] = 0;
    if (strlen(ts) == n && taxii_ts_valid(ts, sizeof ts) && taxii_ts_cmp(ts, ts) != 0)
        abort();
    tix_buf_free(&b);
    return 0;
}
