/* cmd_lists.c - tix lists: the warninglists the store keeps, loading MISP
 * lists, the user's sinkhole entries and per-list policies. A change to
 * the lists re-vets the store, so verdicts never lag behind them. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char *lists_usage =
    "usage: tix lists [list]\n"
    "       tix lists load DIR|LIST.JSON...\n"
    "       tix lists show NAME\n"
    "       tix lists add NAME VALUE [--note TEXT]\n"
    "       tix lists rm NAME VALUE\n"
    "       tix lists policy NAME block|warn\n";

static int on_list(void *ud, const tix_list_rec *l)
{
    (void)ud;
    printf("%-42s %-8s %-9s %-5s %-15s %10lld %7llu\n", l->name,
           tix_list_origin_name(l->origin), tix_match_name(l->match),
           tix_policy_name(l->policy), l->kind ? tix_list_kind_name(l->kind) : "-",
           (long long)l->version, (unsigned long long)l->entries);
    return 0;
}

/* After a change of lists: re-vet everything, and say what it did. */
static int revet(tix_store *s)
{
    return cli_vet("lists", s, true, "the lists are stored") ? 1 : 0;
}

static int load(tix_store *s, int argc, char **argv)
{
    tix_diag d = TIX_DIAG_INIT;
    tix_list **ls = NULL;
    size_t n = 0;
    /* read every file before storing any: a broken one changes nothing */
    for (int i = 0; i < argc; i++) {
        size_t len = strlen(argv[i]);
        tix_list **more = NULL, *one = NULL;
        size_t m = 0, skipped = 0;
        char why[256] = "";
        tix_err e;
        if (len >= 5 && strcmp(argv[i] + len - 5, ".json") == 0) {
            e = tix_list_read_misp(argv[i], &one, &skipped, why, &d);
            if (!e && skipped)
                fprintf(stderr, "tix: lists: %s: %zu entries skipped (first: %s)\n",
                        argv[i], skipped, why);
            if (!e && !(more = malloc(sizeof *more)))
                e = tix_diag_set(&d, TIX_ENOMEM, "out of memory");
            if (!e) {
                more[0] = one;
                m = 1;
            } else {
                tix_list_free(one);
            }
        } else {
            e = tix_lists_read_dir(argv[i], &more, &m, &d);
        }
        tix_list **grown = e ? NULL : realloc(ls, (n + m) * sizeof *ls);
        if (e || !grown) {
            cli_error("lists", "%s; no list was stored", e ? d.msg : "out of memory");
            tix_lists_free(more, m);
            tix_lists_free(ls, n);
            return 1;
        }
        ls = grown;
        memcpy(ls + n, more, m * sizeof *ls);
        n += m;
        free(more);
    }
    uint64_t added = 0, updated = 0, same = 0, entries = 0;
    tix_err e = tix_store_begin(s, &d);
    for (size_t i = 0; !e && i < n; i++) {
        int outcome;
        tix_list_defaults(ls[i]);
        e = tix_store_list_put(s, ls[i], &outcome, &d);
        if (!e) {
            added += outcome == 1;
            updated += outcome == 2;
            same += outcome == 0;
            if (outcome)
                entries += ls[i]->n;
        }
    }
    if (!e)
        e = tix_store_commit(s, &d);
    tix_lists_free(ls, n);
    if (e) {
        tix_store_rollback(s);
        cli_error("lists", "%s; no list was stored", d.msg);
        return 1;
    }
    printf("lists: %zu read: %llu new, %llu updated, %llu unchanged (%llu entries stored)\n",
           n, (unsigned long long)added, (unsigned long long)updated,
           (unsigned long long)same, (unsigned long long)entries);
    return added || updated ? revet(s) : 0;
}

static int change(tix_store *s, const char *what, int argc, char **argv)
{
    static const struct option opts[] = {
        {"note", required_argument, NULL, 'n'},
        {NULL, 0, NULL, 0},
    };
    const char *note = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
        if (c != 'n' || strcmp(what, "add") != 0) {
            fputs(lists_usage, stderr);
            return 2;
        }
        note = optarg;
    }
    if (argc - optind != 2) {
        fputs(lists_usage, stderr);
        return 2;
    }
    const char *name = argv[optind], *value = argv[optind + 1];
    tix_diag d = TIX_DIAG_INIT;
    tix_err e = TIX_EOK;
    bool changed = false;
    /* the entry must be one the list can match: check it on a copy */
    tix_list *l = NULL;
    if (!(e = tix_store_begin(s, &d)) && !(e = tix_lists_store_builtins(s, &d)))
        e = tix_store_list_get(s, name, &l, &d);
    if (!e && l->origin == TIX_LIST_MISP)
        e = tix_diag_set(&d, TIX_EINVAL,
                         "'%s' is a MISP list; it changes with 'tix lists load' only",
                         name);
    if (!e && strcmp(what, "add") == 0 && !(e = tix_list_add(l, value, note, &d)))
        e = tix_store_list_entry_add(s, name, value, note, &changed, &d);
    else if (!e && strcmp(what, "rm") == 0)
        e = tix_store_list_entry_rm(s, name, value, &changed, &d);
    if (!e)
        e = tix_store_commit(s, &d);
    tix_list_free(l);
    if (e) {
        tix_store_rollback(s);
        cli_error("lists", "%s", d.msg);
        return 1;
    }
    printf("%s: %s %s\n", name, value,
           changed ? (strcmp(what, "add") == 0 ? "added" : "removed")
                   : (strcmp(what, "add") == 0 ? "was there already" : "was not there"));
    return changed ? revet(s) : 0;
}

static int policy(tix_store *s, int argc, char **argv)
{
    if (argc != 3) {
        fputs(lists_usage, stderr);
        return 2;
    }
    int p = tix_policy_from_name(argv[2]);
    if (p < 0) {
        cli_error("lists", "a policy is block or warn, not '%s'", argv[2]);
        return 2;
    }
    tix_diag d = TIX_DIAG_INIT;
    tix_err e = tix_store_begin(s, &d);
    if (!e)
        e = tix_store_list_set_policy(s, argv[1], (tix_policy)p, &d);
    if (!e)
        e = tix_store_commit(s, &d);
    if (e) {
        tix_store_rollback(s);
        cli_error("lists", "%s", d.msg);
        return 1;
    }
    printf("%s: policy %s\n", argv[1], argv[2]);
    return 0;
}

static int show(tix_store *s, const char *name)
{
    tix_diag d = TIX_DIAG_INIT;
    tix_list *l;
    if (tix_store_list_get(s, name, &l, &d)) {
        cli_error("lists", "%s", d.msg);
        return 1;
    }
    printf("%s (%s, %s match, policy %s%s%s, version %lld, %zu entries)\n", l->name,
           tix_list_origin_name(l->origin), tix_match_name(l->match),
           tix_policy_name(l->policy), l->kind ? ", kind " : "",
           l->kind ? tix_list_kind_name(l->kind) : "", (long long)l->version, l->n);
    if (l->title)
        printf("  %s\n", l->title);
    printf("  applies to:");
    for (int t = 0; t < TIX_OBS_COUNT; t++)
        if (l->applies & TIX_OBS_BIT(t))
            printf(" %s", tix_obs_name((tix_obs_type)t));
    printf("\n");
    for (size_t i = 0; i < l->n; i++)
        printf("  %s%s%s\n", l->entries[i], l->notes && l->notes[i] ? "  # " : "",
               l->notes && l->notes[i] ? l->notes[i] : "");
    tix_list_free(l);
    return 0;
}

int cmd_lists(int argc, char **argv)
{
    const char *what = argc >= 2 ? argv[1] : "list";
    tix_store *s;
    bool ro = strcmp(what, "list") == 0 || strcmp(what, "show") == 0;
    if (strcmp(what, "list") && strcmp(what, "show") && strcmp(what, "load") &&
        strcmp(what, "add") && strcmp(what, "rm") && strcmp(what, "policy")) {
        fputs(lists_usage, stderr);
        return 2;
    }
    if (strcmp(what, "load") == 0 && argc < 3) {
        cli_error("lists", "load needs a folder of MISP warninglists or list.json files");
        return 2;
    }
    if (strcmp(what, "show") == 0 && argc != 3) {
        fputs(lists_usage, stderr);
        return 2;
    }
    if (cli_open_store("lists", ro ? TIX_STORE_READONLY : 0, &s))
        return 1;
    int status;
    if (strcmp(what, "list") == 0) {
        tix_diag d = TIX_DIAG_INIT;
        printf("%-42s %-8s %-9s %-5s %-15s %10s %7s\n", "NAME", "ORIGIN", "MATCH",
               "POLICY", "KIND", "VERSION", "ENTRIES");
        status = tix_store_list_each(s, on_list, NULL, &d) ? 1 : 0;
        if (status)
            cli_error("lists", "%s", d.msg);
    } else if (strcmp(what, "show") == 0) {
        status = show(s, argv[2]);
    } else if (strcmp(what, "load") == 0) {
        status = load(s, argc - 2, argv + 2);
    } else if (strcmp(what, "policy") == 0) {
        status = policy(s, argc - 1, argv + 1);
        if (!status)
            status = revet(s);
    } else {
        status = change(s, what, argc - 1, argv + 1);
    }
    tix_store_close(s);
    if (fflush(stdout) != 0)
        status = 1;
    return status;
}
