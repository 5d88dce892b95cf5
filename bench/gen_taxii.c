/* gen_taxii.c - a store with one TAXII collection of N objects for
 * bench/taxii, and a partner to read it.
 *
 *   gen_taxii STORE N
 *
 * The collection "bench" holds N indicators (about 480 bytes of JSON
 * each, as `tix export` writes them) with the TLP mix of a real sharing
 * community: 50% clear, 25% green, 20% amber, 5% red. The partner
 * "bench-cert" is cleared for amber and named on no TLP:RED object, so
 * one object in twenty is never its to see and every page the server
 * answers has to leave some out. The partner's token goes to stdout as
 * "token: tix_..."; everything is deterministic but the token.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tix/buf.h"
#include "tix/share.h"
#include "tix/store.h"

static const char *const marking[] = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
};

static int die(const tix_diag *d)
{
    fprintf(stderr, "gen_taxii: %s\n", d->msg);
    return 1;
}

static tix_tlp tlp_of(uint64_t i)
{
    unsigned r = (unsigned)(i * 2654435761u % 100);
    return r < 50 ? TIX_TLP_CLEAR : r < 75 ? TIX_TLP_GREEN : r < 95 ? TIX_TLP_AMBER
                                                                    : TIX_TLP_RED;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gen_taxii STORE N\n");
        return 2;
    }
    uint64_t n = strtoull(argv[2], NULL, 10);
    tix_diag d = {0};
    tix_store *s = NULL;
    if (tix_store_open(&s, argv[1], TIX_STORE_CREATE, &d))
        return die(&d);
    char token[TIX_TOKEN_MAX];
    tix_collection c;
    if (tix_store_begin(s, &d) ||
        tix_collection_add(s, "bench", TIX_COLLECTION_STORE, NULL,
                           "Benchmark C&C indicators", NULL, &c, &d) ||
        tix_partner_add(s, "bench-cert", TIX_PARTNER_CERT, "DE", TIX_TLP_AMBER, token,
                        &d) ||
        tix_grant_add(s, "bench-cert", "bench", TIX_GRANT_READ, &d))
        return die(&d);

    tix_buf b;
    tix_buf_init(&b, TIX_BUF_MAX_DEFAULT);
    const int64_t t0 = INT64_C(1704067200000000); /* 2024-01-01, µs */
    for (uint64_t i = 0; i < n; i++) {
        char id[80], when[TIX_TIME_US_MAX];
        snprintf(id, sizeof id, "indicator--%08" PRIx64 "-%04x-4%03x-8%03x-%012" PRIx64,
                 i * 2654435761u & 0xffffffffu, (unsigned)(i >> 32) & 0xffff,
                 (unsigned)(i & 0xfff), (unsigned)(i >> 12 & 0xfff), i);
        int64_t t = t0 + (int64_t)i * 1000000;
        tix_time_format_us(t, when);
        tix_tlp tlp = tlp_of(i);
        tix_buf_reset(&b);
        tix_buf_addf(&b,
                       "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"%s\","
                       "\"created\":\"%s\",\"modified\":\"%s\","
                       "\"name\":\"PlumLoader C&C 10.%u.%u.%u\","
                       "\"indicator_types\":[\"malicious-activity\"],"
                       "\"pattern\":\"[ipv4-addr:value = '10.%u.%u.%u']\","
                       "\"pattern_type\":\"stix\",\"valid_from\":\"%s\","
                       "\"confidence\":%u,\"labels\":[\"plumloader\",\"c2\"],"
                       "\"object_marking_refs\":[\"%s\"]}",
                       id, when, when, (unsigned)(i >> 16 & 255), (unsigned)(i >> 8 & 255),
                       (unsigned)(i & 255), (unsigned)(i >> 16 & 255),
                       (unsigned)(i >> 8 & 255), (unsigned)(i & 255), when,
                       (unsigned)(50 + i % 50), marking[tlp]);
        if (b.err) {
            fprintf(stderr, "gen_taxii: out of memory\n");
            return 1;
        }
        tix_share_obj o = {.id = id, .type = "indicator", .version = t, .tlp = tlp,
                           .json = b.p, .len = b.len};
        if (tix_share_add(s, c.id, &o, NULL, NULL, &d))
            return die(&d);
    }
    if (tix_store_commit(s, &d))
        return die(&d);
    tix_buf_free(&b);
    tix_store_close(s);
    printf("collection: %s\ntoken: %s\n", c.uuid, token);
    return 0;
}
