/* fuzz_taxii.c - libFuzzer target for the TAXII request handler.
 *
 * An input is a request, written as text:
 *   line 1      the method
 *   line 2      the request target (path and query)
 *   lines       headers ("Name: value") up to an empty line: Accept,
 *               Content-Type, Authorization, and X-Basic: NAME:TOKEN,
 *               which becomes Authorization: Basic base64(NAME:TOKEN)
 *   the rest    the body
 * A first byte '!' marks the body as over the size limit. In the target
 * and header values, @1 @2 @3 stand for the tokens of three partners and
 * @A @B @C for the uuids of three collections, so that seeds reach past
 * authentication and routing.
 *
 * The handler runs on a store in a temporary directory, made once: a store
 * collection A with objects of every TLP, a store collection B partners
 * write to, a query collection C. Partner 1 reads A, B and C (TLP:RED,
 * named on one root); partner 2 writes B (TLP:AMBER); partner 3 reads A at
 * TLP:CLEAR. Every answer must be JSON with a TAXII status; errors must be
 * TAXII error messages with their status; no answer may be a 5xx; and
 * nothing partner 3 is answered may name an object above TLP:CLEAR. */
#include <ftw.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tix/tix.h"

static char dir[256], db[320];
static bool expanded_three; /* expand() put partner three's token in */
static tix_taxii *srv;
static char tokens[3][TIX_TOKEN_MAX];
static char uuids[3][TIX_UUID_MAX];

#define SECRET_FMT "indicator--5ec4e700-0000-4000-8000-%012d"
#define ROOT_NAMED "ipv4-addr--0a0a0a0a-0000-5000-8000-000000000001"

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(p);
}

static void cleanup(void)
{
    tix_taxii_close(srv);
    srv = NULL;
    if (dir[0])
        nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void die(const char *what, const tix_diag *d)
{
    fprintf(stderr, "fuzz_taxii: %s: %s\n", what, d->msg);
    abort();
}

static tix_err produce(void *ud, tix_stix_obj_fn emit, void *emit_ud, tix_diag *d)
{
    (void)ud, (void)d;
    static char json[3][200], ids[3][80];
    for (int i = 0; i < 3; i++) {
        snprintf(ids[i], sizeof ids[i], "malware--c0c0c0c0-0000-4000-8000-%012d", i);
        snprintf(json[i], sizeof json[i],
                 "{\"type\":\"malware\",\"spec_version\":\"2.1\",\"id\":\"%s\","
                 "\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":"
                 "\"2024-01-01T00:00:00.000Z\",\"name\":\"m%d\",\"is_family\":true}",
                 ids[i], i);
        tix_stix_obj o = {.id = ids[i], .type = "malware", .created = 1704067200000,
                          .modified = 1704067200000, .tlp = (tix_tlp)(i * 2),
                          .root = i == 2 ? ROOT_NAMED : NULL, .json = json[i],
                          .len = strlen(json[i])};
        if (emit(emit_ud, &o))
            return TIX_ESTOPPED;
    }
    return TIX_EOK;
}

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/fuzz_taxii.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        abort();
    atexit(cleanup);
    snprintf(db, sizeof db, "%s/store.db", dir);
    tix_diag d = TIX_DIAG_INIT;
    tix_store *s;
    if (tix_store_open(&s, db, TIX_STORE_CREATE, &d) || tix_store_begin(s, &d))
        die("store", &d);
    static const char *names[3] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++) {
        tix_collection c;
        if (tix_collection_add(s, names[i], i == 2 ? TIX_COLLECTION_QUERY : TIX_COLLECTION_STORE,
                               i == 2 ? "family=Emotet" : NULL, NULL, NULL, &c, &d))
            die("collection", &d);
        memcpy(uuids[i], c.uuid, TIX_UUID_MAX);
        if (i == 0) {
            for (int k = 0; k < 10; k++) {
                char id[80], json[300];
                tix_tlp tlp = (tix_tlp)(k % 5);
                if (tlp == TIX_TLP_CLEAR)
                    snprintf(id, sizeof id, "indicator--c1ea0000-0000-4000-8000-%012d", k);
                else
                    snprintf(id, sizeof id, SECRET_FMT, k);
                snprintf(json, sizeof json,
                         "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"%s\","
                         "\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":"
                         "\"2024-01-0%dT00:00:00.000Z\"}",
                         id, 1 + k % 2);
                tix_share_obj o = {.id = id, .type = "indicator",
                                   .version = 1704067200000000 + (int64_t)(k % 2) * 86400000000,
                                   .tlp = tlp, .root = k == 4 ? ROOT_NAMED : NULL,
                                   .json = json, .len = strlen(json)};
                if (tix_share_add(s, c.id, &o, NULL, NULL, &d))
                    die("object", &d);
            }
        }
    }
    tix_sync_stats st;
    if (tix_collection_sync(s, "c", produce, NULL, &st, &d))
        die("sync", &d);
    static const struct {
        const char *name;
        tix_tlp clearance;
    } ps[3] = {{"one", TIX_TLP_RED}, {"two", TIX_TLP_AMBER}, {"three", TIX_TLP_CLEAR}};
    for (int i = 0; i < 3; i++)
        if (tix_partner_add(s, ps[i].name, TIX_PARTNER_CERT, "NG", ps[i].clearance, tokens[i],
                            &d))
            die("partner", &d);
    if (tix_grant_add(s, "one", "a", TIX_GRANT_READ, &d) ||
        tix_grant_add(s, "one", "b", TIX_GRANT_READ, &d) ||
        tix_grant_add(s, "one", "c", TIX_GRANT_READ, &d) ||
        tix_grant_add(s, "two", "b", TIX_GRANT_WRITE | TIX_GRANT_READ, &d) ||
        tix_grant_add(s, "three", "a", TIX_GRANT_READ, &d) ||
        tix_red_allow(s, "one", ROOT_NAMED, NULL, &d) || tix_store_commit(s, &d))
        die("grants", &d);
    tix_store_close(s);
    tix_taxii_opts o = {.store = db, .max_body = 1 << 16, .page_max = 20};
    if (tix_taxii_open(&srv, &o, &d))
        die("server", &d);
}

/* Replace @1..@3 and @A..@C in s[0..n) into b. */
static void expand(tix_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '@' && i + 1 < n) {
            char c = s[i + 1];
            if (c >= '1' && c <= '3') {
                tix_buf_adds(b, tokens[c - '1']);
                expanded_three |= c == '3';
                i++;
                continue;
            }
            if (c >= 'A' && c <= 'C') {
                tix_buf_adds(b, uuids[c - 'A']);
                i++;
                continue;
            }
        }
        tix_buf_addc(b, s[i]);
    }
}

static void b64(tix_buf *out, const char *s, size_t n)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)s[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)(unsigned char)s[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)s[i + 2];
        tix_buf_addc(out, t[v >> 18]);
        tix_buf_addc(out, t[(v >> 12) & 63]);
        tix_buf_addc(out, i + 1 < n ? t[(v >> 6) & 63] : '=');
        tix_buf_addc(out, i + 2 < n ? t[v & 63] : '=');
    }
}

/* The next line of [*p, end) (without its LF) as a NUL-terminated copy
 * into b; NULL at the end. */
static const char *line(const char **p, const char *end, tix_buf *b)
{
    if (*p >= end)
        return NULL;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    const char *e = nl ? nl : end;
    tix_buf_reset(b);
    tix_buf_add(b, *p, (size_t)(e - *p));
    if (b->len && b->p[b->len - 1] == '\r')
        b->p[--b->len] = 0;
    *p = nl ? nl + 1 : end;
    return b->p ? b->p : "";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!srv)
        setup();
    const char *p = (const char *)data, *end = p + size;
    bool too_large = false;
    if (p < end && *p == '!') {
        too_large = true;
        p++;
    }
    tix_buf l = TIX_BUF_INIT(1 << 20), method = TIX_BUF_INIT(1 << 20),
            target = TIX_BUF_INIT(1 << 20), accept = TIX_BUF_INIT(1 << 20),
            ctype = TIX_BUF_INIT(1 << 20), auth = TIX_BUF_INIT(1 << 20),
            tmp = TIX_BUF_INIT(1 << 20), out = TIX_BUF_INIT(0);
    bool has_accept = false, has_ctype = false, has_auth = false, auth_three = false;
    const char *s = line(&p, end, &l);
    tix_buf_adds(&method, s ? s : "GET");
    s = line(&p, end, &l);
    if (s)
        expand(&target, s, strlen(s));
    else
        tix_buf_adds(&target, "/taxii2/");
    while ((s = line(&p, end, &l)) && *s) {
        const char *colon = strchr(s, ':');
        if (!colon)
            continue;
        const char *v = colon + 1;
        while (*v == ' ')
            v++;
        size_t kn = (size_t)(colon - s);
        tix_buf *dst = NULL;
        if (kn == 6 && strncasecmp(s, "accept", 6) == 0) {
            dst = &accept;
            has_accept = true;
        } else if (kn == 12 && strncasecmp(s, "content-type", 12) == 0) {
            dst = &ctype;
            has_ctype = true;
        } else if (kn == 13 && strncasecmp(s, "authorization", 13) == 0) {
            dst = &auth;
            has_auth = true;
        } else if (kn == 7 && strncasecmp(s, "x-basic", 7) == 0) {
            tix_buf_reset(&tmp);
            expanded_three = false;
            expand(&tmp, v, strlen(v));
            auth_three = expanded_three;
            tix_buf_reset(&auth);
            tix_buf_adds(&auth, "Basic ");
            b64(&auth, tmp.p ? tmp.p : "", tmp.len);
            has_auth = true;
            continue;
        }
        if (dst) {
            tix_buf_reset(dst);
            expanded_three = false;
            expand(dst, v, strlen(v));
            if (dst == &auth)
                auth_three = expanded_three;
        }
    }
    tix_taxii_request rq = {
        .method = method.p ? method.p : "",
        .target = target.p ? target.p : "",
        .accept = has_accept ? (accept.p ? accept.p : "") : NULL,
        .content_type = has_ctype ? (ctype.p ? ctype.p : "") : NULL,
        .authorization = has_auth ? (auth.p ? auth.p : "") : NULL,
        .body = p,
        .body_len = (size_t)(end - p),
        .body_too_large = too_large,
    };
    tix_taxii_response rs = {.body = &out};
    tix_taxii_handle(srv, &rq, &rs);

    if (rs.status < 200 || rs.status >= 500)
        abort();
    if (rs.body->len) {
        json_error_t je;
        json_t *j = json_loadb(rs.body->p, rs.body->len, 0, &je);
        if (!j || !rs.content_type || strcmp(rs.content_type, TIX_TAXII_MEDIA) != 0)
            abort();
        if (rs.status >= 400) {
            char want[8];
            snprintf(want, sizeof want, "%d", rs.status);
            const char *hs = json_string_value(json_object_get(j, "http_status"));
            if (!json_string_value(json_object_get(j, "title")) || !hs || strcmp(hs, want))
                abort();
        }
        json_decref(j);
    } else if (rs.status != 200) {
        abort(); /* only a DELETE answers without a body */
    }
    if (rs.status == 401 && !rs.authenticate)
        abort();
    /* partner three, at TLP:CLEAR, never sees what is above it */
    if (rs.status < 300 && auth_three && rs.body->len) {
        for (int k = 0; k < 10; k++) {
            char id[80];
            snprintf(id, sizeof id, SECRET_FMT, k);
            if (strstr(rs.body->p, id))
                abort();
        }
    }
    tix_buf_free(&l);
    tix_buf_free(&method);
    tix_buf_free(&target);
    tix_buf_free(&accept);
    tix_buf_free(&ctype);
    tix_buf_free(&auth);
    tix_buf_free(&tmp);
    tix_buf_free(&out);
    return 0;
}
