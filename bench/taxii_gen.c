/* taxii_gen.c - the store bench/taxii serves.
 *
 *   taxii_gen DB N
 *
 * Makes DB (which must not exist) with one store collection "bench" of N
 * STIX 2.1 indicators (fixed seed; about 480 bytes each; TLP:CLEAR, GREEN
 * and AMBER, one in a hundred TLP:RED on a root the partner is named on),
 * in transactions of 50,000, and one partner "bench" (TLP:RED clearance,
 * read on "bench"). Prints "token: tix_..." and "collection: UUID".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tix/tix.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void die(const char *what, const tix_diag *d)
{
    fprintf(stderr, "taxii_gen: %s: %s\n", what, d->msg);
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: taxii_gen DB N\n");
        return 2;
    }
    const char *db = argv[1];
    long n = atol(argv[2]);
    if (n <= 0 || access(db, F_OK) == 0) {
        fprintf(stderr, "taxii_gen: N must be positive and %s must not exist\n", db);
        return 2;
    }
    tix_diag d = TIX_DIAG_INIT;
    tix_store *s;
    if (tix_store_open(&s, db, TIX_STORE_CREATE, &d))
        die("open", &d);
    tix_collection c;
    char token[TIX_TOKEN_MAX];
    const char *root = "ipv4-addr--0b0b0b0b-0000-5000-8000-000000000001";
    if (tix_store_begin(s, &d) ||
        tix_collection_add(s, "bench", TIX_COLLECTION_STORE, NULL, "Benchmark", NULL, &c, &d) ||
        tix_partner_add(s, "bench", TIX_PARTNER_CERT, "NG", TIX_TLP_RED, token, &d) ||
        tix_grant_add(s, "bench", "bench", TIX_GRANT_READ, &d) ||
        tix_red_allow(s, "bench", root, NULL, &d) || tix_store_commit(s, &d))
        die("setup", &d);
    static const char *const tlps[] = {
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    };
    char id[80], json[1024];
    for (long i = 0; i < n; i++) {
        if (i % 50000 == 0 && (i ? tix_store_commit(s, &d) : 0))
            die("commit", &d);
        if (i % 50000 == 0 && tix_store_begin(s, &d))
            die("begin", &d);
        uint64_t r = next();
        tix_tlp tlp = r % 100 == 0 ? TIX_TLP_RED : (tix_tlp)(r % 3);
        snprintf(id, sizeof id, "indicator--%08lx-%04x-4%03x-8%03x-%012llx", i,
                 (unsigned)(r >> 16) & 0xffff, (unsigned)(r >> 32) & 0xfff,
                 (unsigned)(r >> 44) & 0xfff, (unsigned long long)(r & 0xffffffffffffull));
        unsigned a = (unsigned)(r >> 8) & 255, b = (unsigned)(r >> 24) & 255;
        int len = snprintf(
            json, sizeof json,
            "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"%s\","
            "\"created\":\"2024-05-01T10:00:00.000Z\",\"modified\":\"2024-05-02T10:00:00.000Z\","
            "\"name\":\"C2 server 185.%u.%u.%ld\",\"description\":\"Command and control "
            "server of a banking trojan, seen in sample configurations\","
            "\"indicator_types\":[\"malicious-activity\"],\"pattern\":\"[ipv4-addr:value = "
            "'185.%u.%u.%ld']\",\"pattern_type\":\"stix\",\"valid_from\":"
            "\"2024-05-01T10:00:00Z\",\"confidence\":%u,\"object_marking_refs\":[\"%s\"]}",
            id, a, b, i % 256, a, b, i % 256, (unsigned)(r % 101),
            tlps[tlp == TIX_TLP_RED ? 3 : tlp]);
        tix_share_obj o = {.id = id, .type = "indicator", .version = 1714644000000000,
                           .tlp = tlp, .root = tlp == TIX_TLP_RED ? root : NULL,
                           .json = json, .len = (size_t)len};
        if (tix_share_add(s, c.id, &o, NULL, NULL, &d))
            die("add", &d);
    }
    if (tix_store_commit(s, &d))
        die("commit", &d);
    tix_store_close(s);
    printf("token: %s\ncollection: %s\n", token, c.uuid);
    return 0;
}
