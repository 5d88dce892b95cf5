/* cmd_partner.c - tix partner: the agencies, CERTs and vendors the TAXII
 * server answers, their clearance, their grants, and their tokens (shown
 * once, kept only as a hash). */
#include <getopt.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char *partner_usage =
    "usage: tix partner add NAME --kind police|cert|vendor --country CC\n"
    "                       --clearance clear|green|amber|amber+strict|red\n"
    "       tix partner token NAME\n"
    "       tix partner grant NAME COLLECTION read|write|read,write\n"
    "       tix partner revoke NAME [COLLECTION [read|write]]\n"
    "       tix partner allow-red NAME ID...\n"
    "       tix partner list [--format text|jsonl]\n";

/* Run one write in a transaction; report and return 1 on failure. */
typedef tix_err (*write_fn)(tix_store *s, void *ud, tix_diag *d);

static int in_txn(write_fn fn, void *ud)
{
    tix_store *s;
    if (cli_open_store("partner", 0, &s))
        return 1;
    tix_diag d = TIX_DIAG_INIT;
    tix_err e = tix_store_begin(s, &d);
    if (!e)
        e = fn(s, ud, &d);
    if (!e)
        e = tix_store_commit(s, &d);
    else
        tix_store_rollback(s);
    tix_store_close(s);
    if (e) {
        cli_error("partner", "%s", d.msg);
        return 1;
    }
    return 0;
}

/* The token goes to stdout once, as "token: tix_...": tools parse it. */
static int show_token(char token[TIX_TOKEN_MAX])
{
    int rc = printf("token: %s\n", token) < 0 || fflush(stdout) ? 1 : 0;
    OPENSSL_cleanse(token, TIX_TOKEN_MAX);
    return rc;
}

typedef struct {
    const char *name, *country;
    int kind;
    tix_tlp clearance;
    char token[TIX_TOKEN_MAX];
} add_args;

static tix_err do_add(tix_store *s, void *ud, tix_diag *d)
{
    add_args *a = ud;
    return tix_partner_add(s, a->name, (tix_partner_kind)a->kind, a->country, a->clearance,
                           a->token, d);
}

static int add(int argc, char **argv)
{
    static const struct option opts[] = {
        {"kind", required_argument, NULL, 'k'},
        {"country", required_argument, NULL, 'c'},
        {"clearance", required_argument, NULL, 'l'},
        {NULL, 0, NULL, 0},
    };
    add_args a = {.kind = -1, .clearance = TIX_TLP_UNSET};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:c:l:", opts, NULL)) != -1) {
        switch (c) {
        case 'k':
            if ((a.kind = tix_partner_kind_from_name(optarg)) < 0) {
                cli_error("partner", "--kind is police, cert or vendor");
                return 2;
            }
            break;
        case 'c': a.country = optarg; break;
        case 'l': {
            a.clearance = tix_tlp_parse(optarg, strlen(optarg));
            if (a.clearance == TIX_TLP_UNSET) {
                cli_error("partner", "--clearance is clear, green, amber, amber+strict or red");
                return 2;
            }
            break;
        }
        default: fputs(partner_usage, stderr); return 2;
        }
    }
    if (optind + 1 != argc || a.kind < 0 || !a.country || a.clearance == TIX_TLP_UNSET) {
        if (optind + 1 == argc)
            cli_error("partner", "add needs --kind, --country and --clearance");
        fputs(partner_usage, stderr);
        return 2;
    }
    a.name = argv[optind];
    if (in_txn(do_add, &a))
        return 1;
    fprintf(stderr, "tix: partner: %s added; the token below is shown only this once\n",
            a.name);
    return show_token(a.token);
}

typedef struct {
    const char *name;
    char token[TIX_TOKEN_MAX];
} token_args;

static tix_err do_token(tix_store *s, void *ud, tix_diag *d)
{
    token_args *a = ud;
    return tix_partner_rotate(s, a->name, a->token, d);
}

static int token(int argc, char **argv)
{
    if (argc != 2) {
        fputs(partner_usage, stderr);
        return 2;
    }
    token_args a = {.name = argv[1]};
    if (in_txn(do_token, &a))
        return 1;
    fprintf(stderr, "tix: partner: %s has a new token, shown only this once; the old one "
                    "no longer works\n",
            a.name);
    return show_token(a.token);
}

static int parse_rights(const char *s, unsigned *out)
{
    *out = 0;
    if (strcmp(s, "read") == 0)
        *out = TIX_GRANT_READ;
    else if (strcmp(s, "write") == 0)
        *out = TIX_GRANT_WRITE;
    else if (strcmp(s, "read,write") == 0 || strcmp(s, "write,read") == 0)
        *out = TIX_GRANT_READ | TIX_GRANT_WRITE;
    return *out ? 0 : -1;
}

typedef struct {
    const char *name, *coll;
    unsigned rights;
    bool removed;
} grant_args;

static tix_err do_grant(tix_store *s, void *ud, tix_diag *d)
{
    grant_args *a = ud;
    return tix_grant_add(s, a->name, a->coll, a->rights, d);
}

static int grant(int argc, char **argv)
{
    grant_args a = {0};
    if (argc != 4 || parse_rights(argv[3], &a.rights)) {
        if (argc == 4)
            cli_error("partner", "a grant is read, write or read,write");
        fputs(partner_usage, stderr);
        return 2;
    }
    a.name = argv[1];
    a.coll = argv[2];
    if (in_txn(do_grant, &a))
        return 1;
    printf("%s may %s collection %s\n", a.name,
           a.rights == TIX_GRANT_READ    ? "read"
           : a.rights == TIX_GRANT_WRITE ? "write to"
                                         : "read and write to",
           a.coll);
    return 0;
}

static tix_err do_revoke(tix_store *s, void *ud, tix_diag *d)
{
    grant_args *a = ud;
    if (!a->coll)
        return tix_partner_disable(s, a->name, d);
    return tix_grant_rm(s, a->name, a->coll, a->rights, &a->removed, d);
}

static int revoke(int argc, char **argv)
{
    grant_args a = {0};
    if (argc < 2 || argc > 4 || (argc == 4 && parse_rights(argv[3], &a.rights))) {
        fputs(partner_usage, stderr);
        return 2;
    }
    a.name = argv[1];
    a.coll = argc >= 3 ? argv[2] : NULL;
    if (in_txn(do_revoke, &a))
        return 1;
    if (!a.coll) {
        printf("%s revoked: its token no longer works\n", a.name);
        return 0;
    }
    if (!a.removed) {
        cli_error("partner", "%s held no such grant on %s", a.name, a.coll);
        return 1;
    }
    printf("%s: grant on %s revoked\n", a.name, a.coll);
    return 0;
}

typedef struct {
    const char *name;
    char **ids;
    int n;
    int added;
} red_args;

static tix_err do_red(tix_store *s, void *ud, tix_diag *d)
{
    red_args *a = ud;
    for (int i = 0; i < a->n; i++) {
        bool added;
        tix_err e = tix_red_allow(s, a->name, a->ids[i], &added, d);
        if (e)
            return e;
        a->added += added;
    }
    return TIX_EOK;
}

static int allow_red(int argc, char **argv)
{
    if (argc < 3) {
        fputs(partner_usage, stderr);
        return 2;
    }
    red_args a = {.name = argv[1], .ids = argv + 2, .n = argc - 2};
    if (in_txn(do_red, &a))
        return 1;
    printf("%s named on %d TLP:RED id%s (%d new)\n", a.name, a.n, a.n == 1 ? "" : "s",
           a.added);
    return 0;
}

typedef struct {
    bool jsonl;
    tix_store *s;
    tix_buf out;
    tix_buf grants;
} list_ctx;

static int on_grant(void *ud, const tix_grant *g)
{
    tix_buf *b = ud;
    if (b->len)
        tix_buf_addc(b, ' ');
    tix_buf_adds(b, g->collection);
    tix_buf_adds(b, g->rights == (TIX_GRANT_READ | TIX_GRANT_WRITE) ? ":read,write"
                    : g->rights == TIX_GRANT_WRITE                  ? ":write"
                                                                    : ":read");
    return 0;
}

/* Partners are listed first, then each one's grants: the store hands out
 * one listing at a time. */
typedef struct {
    char name[65];
    tix_partner p;
} prow;

typedef struct {
    prow *v;
    size_t n, cap;
    bool oom;
} prows;

static int on_partner(void *ud, const tix_partner *p)
{
    prows *r = ud;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        prow *v = realloc(r->v, cap * sizeof *v);
        if (!v) {
            r->oom = true;
            return 1;
        }
        r->v = v;
        r->cap = cap;
    }
    prow *x = &r->v[r->n++];
    snprintf(x->name, sizeof x->name, "%s", p->name);
    x->p = *p;
    x->p.name = x->name;
    memset(x->p.token_sha256, 0, sizeof x->p.token_sha256); /* never shown */
    return 0;
}

static int list(int argc, char **argv)
{
    list_ctx l = {.out = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT), .grants = TIX_BUF_INIT(0)};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            if (strcmp(f, "jsonl") == 0)
                l.jsonl = true;
            else if (strcmp(f, "text") != 0) {
                cli_error("partner", "--format is text or jsonl");
                return 2;
            }
        } else {
            fputs(partner_usage, stderr);
            return 2;
        }
    }
    if (cli_open_store("partner", TIX_STORE_READONLY, &l.s))
        return 1;
    tix_diag d = TIX_DIAG_INIT;
    prows rows = {0};
    tix_err e = tix_partner_each(l.s, on_partner, &rows, &d);
    if (rows.oom)
        e = tix_diag_set(&d, TIX_ENOMEM, "out of memory");
    if (!l.jsonl)
        tix_buf_addf(&l.out, "%-24s %-7s %-2s  %-12s %-8s %-20s %4s  %s\n", "NAME", "KIND",
                     "CC", "CLEARANCE", "STATUS", "CREATED", "RED", "GRANTS");
    for (size_t i = 0; !e && i < rows.n; i++) {
        const tix_partner *p = &rows.v[i].p;
        tix_buf_reset(&l.grants);
        if ((e = tix_grant_each(l.s, p->name, on_grant, &l.grants, &d)))
            break;
        char created[TIX_TIME_MAX];
        tix_time_format(p->created, created);
        tix_buf *b = &l.out;
        const char *gr = l.grants.len ? l.grants.p : "";
        if (l.jsonl) {
            tix_buf_adds(b, "{\"name\":\"");
            tix_buf_add_json(b, p->name, strlen(p->name));
            tix_buf_addf(b, "\",\"kind\":\"%s\",\"country\":\"%s\",\"clearance\":\"%s\","
                            "\"status\":\"%s\",\"created\":\"%s\",\"red_names\":%llu,"
                            "\"grants\":\"",
                         tix_partner_kind_name(p->kind), p->country,
                         tix_tlp_name(p->clearance), p->disabled ? "revoked" : "active",
                         created, (unsigned long long)p->red_names);
            tix_buf_add_json(b, gr, strlen(gr));
            tix_buf_adds(b, "\"}\n");
        } else {
            tix_buf_addf(b, "%-24s %-7s %-2s  %-12s %-8s %-20s %4llu  %s\n", p->name,
                         tix_partner_kind_name(p->kind), p->country,
                         tix_tlp_name(p->clearance), p->disabled ? "revoked" : "active",
                         created, (unsigned long long)p->red_names, gr[0] ? gr : "-");
        }
    }
    tix_store_close(l.s);
    free(rows.v);
    int rc = 0;
    if (e) {
        cli_error("partner", "%s", d.msg);
        rc = 1;
    } else if (cli_write(stdout, l.out.p, l.out.len) || fflush(stdout)) {
        rc = 1;
    }
    tix_buf_free(&l.out);
    tix_buf_free(&l.grants);
    return rc;
}

int cmd_partner(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "list") == 0)
        return list(argc < 2 ? 1 : argc - 1, argv + (argc < 2 ? 0 : 1));
    const char *sub = argv[1];
    argc--, argv++;
    if (strcmp(sub, "add") == 0)
        return add(argc, argv);
    if (strcmp(sub, "token") == 0)
        return token(argc, argv);
    if (strcmp(sub, "grant") == 0)
        return grant(argc, argv);
    if (strcmp(sub, "revoke") == 0)
        return revoke(argc, argv);
    if (strcmp(sub, "allow-red") == 0)
        return allow_red(argc, argv);
    fputs(partner_usage, stderr);
    return 2;
}
