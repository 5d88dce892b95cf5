/* cmd_collection.c - tix collection: what the TAXII server shares, as
 * saved queries over the store or as stores for what partners POST. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char *collection_usage =
    "usage: tix collection add NAME (--query 'TERMS' | --store) [--title T]\n"
    "                          [--description D]\n"
    "       tix collection list [--format text|jsonl]\n"
    "       tix collection refresh [NAME...]\n"
    "       tix collection rm NAME\n";

static void print_sync(const char *name, const tix_sync_stats *st)
{
    printf("collection %s: %llu objects (%llu new, %llu changed, %llu removed)\n", name,
           (unsigned long long)st->emitted, (unsigned long long)st->added,
           (unsigned long long)st->changed, (unsigned long long)st->removed);
}

static int add(int argc, char **argv)
{
    static const struct option opts[] = {
        {"query", required_argument, NULL, 'q'},
        {"store", no_argument, NULL, 's'},
        {"title", required_argument, NULL, 't'},
        {"description", required_argument, NULL, 'd'},
        {NULL, 0, NULL, 0},
    };
    const char *query = NULL, *title = NULL, *desc = NULL;
    bool store = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "q:st:d:", opts, NULL)) != -1) {
        switch (c) {
        case 'q': query = optarg; break;
        case 's': store = true; break;
        case 't': title = optarg; break;
        case 'd': desc = optarg; break;
        default: fputs(collection_usage, stderr); return 2;
        }
    }
    if (optind + 1 != argc || (!query == !store)) {
        if (optind + 1 == argc)
            cli_error("collection", "add needs --query 'TERMS' or --store");
        fputs(collection_usage, stderr);
        return 2;
    }
    if (query && !*query) {
        cli_error("collection", "--query must not be empty");
        return 2;
    }
    const char *name = argv[optind];
    tix_store *s;
    if (cli_open_store("collection", 0, &s))
        return 1;
    tix_diag d = TIX_DIAG_INIT;
    tix_collection col;
    tix_err e = tix_store_begin(s, &d);
    if (!e)
        e = tix_collection_add(s, name, store ? TIX_COLLECTION_STORE : TIX_COLLECTION_QUERY,
                               query, title, desc, &col, &d);
    /* A query collection is filled at once: a query that does not parse
     * is refused here, not at the server's first refresh. */
    tix_sync_stats st = {0};
    if (!e && query)
        e = tix_collection_refresh(s, name, query, cli_now(), &st, &d);
    if (!e)
        e = tix_store_commit(s, &d);
    else
        tix_store_rollback(s);
    if (!e) {
        printf("collection %s: %s (%s)\n", name, col.uuid, tix_collection_kind_name(col.kind));
        if (query)
            print_sync(name, &st);
    } else
        cli_error("collection", "%s", d.msg);
    tix_store_close(s);
    return e ? 1 : 0;
}

typedef struct {
    bool jsonl;
    tix_buf out;
} list_ctx;

static int on_coll(void *ud, const tix_collection *c)
{
    list_ctx *l = ud;
    tix_buf *b = &l->out;
    if (l->jsonl) {
        tix_buf_adds(b, "{\"id\":\"");
        tix_buf_adds(b, c->uuid);
        tix_buf_adds(b, "\",\"name\":\"");
        tix_buf_add_json(b, c->name, strlen(c->name));
        tix_buf_adds(b, "\",\"kind\":\"");
        tix_buf_adds(b, tix_collection_kind_name(c->kind));
        tix_buf_adds(b, "\",\"title\":\"");
        tix_buf_add_json(b, c->title, strlen(c->title));
        tix_buf_addf(b, "\",\"objects\":%llu,\"versions\":%llu,\"query\":",
                     (unsigned long long)c->objects, (unsigned long long)c->versions);
        if (c->query) {
            tix_buf_addc(b, '"');
            tix_buf_add_json(b, c->query, strlen(c->query));
            tix_buf_addc(b, '"');
        } else {
            tix_buf_adds(b, "null");
        }
        tix_buf_adds(b, "}\n");
    } else {
        tix_buf_addf(b, "%-36s  %-24s %-5s %9llu  %s\n", c->uuid, c->name,
                     tix_collection_kind_name(c->kind), (unsigned long long)c->objects,
                     c->query ? c->query : "-");
    }
    return 0;
}

static int list(int argc, char **argv)
{
    list_ctx l = {.out = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT)};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            if (strcmp(f, "jsonl") == 0)
                l.jsonl = true;
            else if (strcmp(f, "text") != 0) {
                cli_error("collection", "--format is text or jsonl");
                return 2;
            }
        } else {
            fputs(collection_usage, stderr);
            return 2;
        }
    }
    tix_store *s;
    if (cli_open_store("collection", TIX_STORE_READONLY, &s))
        return 1;
    tix_diag d = TIX_DIAG_INIT;
    if (!l.jsonl)
        tix_buf_addf(&l.out, "%-36s  %-24s %-5s %9s  %s\n", "ID", "NAME", "KIND", "OBJECTS",
                     "QUERY");
    tix_err e = tix_collection_each(s, true, on_coll, &l, &d);
    tix_store_close(s);
    int rc = 0;
    if (e) {
        cli_error("collection", "%s", d.msg);
        rc = 1;
    } else if (cli_write(stdout, l.out.p, l.out.len) || fflush(stdout)) {
        rc = 1;
    }
    tix_buf_free(&l.out);
    return rc;
}

static int rm(int argc, char **argv)
{
    if (argc != 2) {
        fputs(collection_usage, stderr);
        return 2;
    }
    tix_store *s;
    if (cli_open_store("collection", 0, &s))
        return 1;
    tix_diag d = TIX_DIAG_INIT;
    bool removed = false;
    tix_err e = tix_store_begin(s, &d);
    if (!e)
        e = tix_collection_rm(s, argv[1], &removed, &d);
    if (!e)
        e = tix_store_commit(s, &d);
    else
        tix_store_rollback(s);
    tix_store_close(s);
    if (e) {
        cli_error("collection", "%s", d.msg);
        return 1;
    }
    if (!removed) {
        cli_error("collection", "no collection %s", argv[1]);
        return 1;
    }
    printf("collection %s removed\n", argv[1]);
    return 0;
}

typedef struct {
    const char **names;
    size_t n;
} refresh_ctx;

/* Query collections' names first (a sync cannot run inside the walk). */
static int on_query_coll(void *ud, const tix_collection *c)
{
    refresh_ctx *r = ud;
    if (c->kind != TIX_COLLECTION_QUERY)
        return 0;
    const char **grown = realloc(r->names, (r->n + 1) * sizeof *grown);
    char *dup = grown ? strdup(c->name) : NULL;
    if (!grown || !dup) {
        free(dup);
        if (grown)
            r->names = grown;
        return 1;
    }
    r->names = grown;
    r->names[r->n++] = dup;
    return 0;
}

static int refresh(int argc, char **argv)
{
    tix_store *s;
    if (cli_open_store("collection", 0, &s))
        return 1;
    tix_diag d = TIX_DIAG_INIT;
    refresh_ctx r = {0};
    tix_err e = TIX_EOK;
    if (argc > 1) {
        for (int i = 1; i < argc && !e; i++) {
            tix_collection c;
            if ((e = tix_collection_get(s, argv[i], &c, &d)))
                break;
            if (c.kind != TIX_COLLECTION_QUERY)
                e = tix_diag_set(&d, TIX_EINVAL, "%s is a store collection: it has "
                                                 "no query to refresh", argv[i]);
            else
                e = on_query_coll(&r, &c) ? tix_diag_set(&d, TIX_ENOMEM, "out of memory")
                                          : TIX_EOK;
        }
    } else {
        e = tix_collection_each(s, false, on_query_coll, &r, &d);
        if (e == TIX_ESTOPPED)
            e = tix_diag_set(&d, TIX_ENOMEM, "out of memory");
    }
    /* each collection in its own transaction: one bad query spoils no other */
    int rc = e ? 1 : 0;
    if (e)
        cli_error("collection", "%s", d.msg);
    for (size_t i = 0; i < r.n && !e; i++) {
        tix_diag cd = TIX_DIAG_INIT;
        tix_collection c;
        tix_sync_stats st = {0};
        tix_err ce = tix_store_begin(s, &cd);
        if (!ce)
            ce = tix_collection_get(s, r.names[i], &c, &cd);
        if (!ce)
            ce = tix_collection_refresh(s, r.names[i], c.query, cli_now(), &st, &cd);
        if (!ce)
            ce = tix_store_commit(s, &cd);
        if (ce) {
            tix_store_rollback(s);
            cli_error("collection", "%s", cd.msg);
            rc = 1;
        } else {
            print_sync(r.names[i], &st);
        }
    }
    for (size_t i = 0; i < r.n; i++)
        free((char *)r.names[i]);
    free(r.names);
    tix_store_close(s);
    return rc;
}

int cmd_collection(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "list") == 0)
        return list(argc < 2 ? 1 : argc - 1, argv + (argc < 2 ? 0 : 1));
    if (strcmp(argv[1], "add") == 0)
        return add(argc - 1, argv + 1);
    if (strcmp(argv[1], "rm") == 0)
        return rm(argc - 1, argv + 1);
    if (strcmp(argv[1], "refresh") == 0)
        return refresh(argc - 1, argv + 1);
    fputs(collection_usage, stderr);
    return 2;
}
