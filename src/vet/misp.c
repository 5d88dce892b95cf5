/* misp.c - MISP warninglists (list.json) into tix lists.
 *
 * The format: an object with "name", "version", "description", "type"
 * (string, substring, hostname, cidr, regex), "list" (the entries) and
 * "matching_attributes" (MISP attribute types the list is meant for). A
 * file that is not that fails as a whole, with its name and where; an entry
 * the engine cannot use is dropped and counted, since upstream lists carry
 * a few odd lines and one of them must not cost the whole list.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/grow.h"
#include "ingest/file.h"
#include "vet/internal.h"

#define OBS_IP (TIX_OBS_BIT(TIX_OBS_IPV4) | TIX_OBS_BIT(TIX_OBS_IPV6))

/* MISP attribute types and the observables they hold; a composite type
 * (domain|ip, filename|md5) holds each of its halves that tix knows. */
static const struct {
    const char *attr;
    uint32_t types;
} attrs[] = {
    {"ip-src", OBS_IP},
    {"ip-dst", OBS_IP},
    {"ip-src|port", OBS_IP},
    {"ip-dst|port", OBS_IP},
    {"domain|ip", OBS_IP | TIX_OBS_BIT(TIX_OBS_DOMAIN)},
    {"domain", TIX_OBS_BIT(TIX_OBS_DOMAIN)},
    {"hostname", TIX_OBS_BIT(TIX_OBS_DOMAIN)},
    {"hostname|port", TIX_OBS_BIT(TIX_OBS_DOMAIN)},
    {"url", TIX_OBS_BIT(TIX_OBS_URL)},
    {"uri", TIX_OBS_BIT(TIX_OBS_URL)},
    {"link", TIX_OBS_BIT(TIX_OBS_URL)},
    {"email", TIX_OBS_BIT(TIX_OBS_EMAIL)},
    {"email-src", TIX_OBS_BIT(TIX_OBS_EMAIL)},
    {"email-dst", TIX_OBS_BIT(TIX_OBS_EMAIL)},
    {"target-email", TIX_OBS_BIT(TIX_OBS_EMAIL)},
    {"whois-registrant-email", TIX_OBS_BIT(TIX_OBS_EMAIL)},
    {"md5", TIX_OBS_BIT(TIX_OBS_MD5)},
    {"sha1", TIX_OBS_BIT(TIX_OBS_SHA1)},
    {"sha256", TIX_OBS_BIT(TIX_OBS_SHA256)},
    {"sha512", TIX_OBS_BIT(TIX_OBS_SHA512)},
    {"filename|md5", TIX_OBS_BIT(TIX_OBS_MD5)},
    {"filename|sha1", TIX_OBS_BIT(TIX_OBS_SHA1)},
    {"filename|sha256", TIX_OBS_BIT(TIX_OBS_SHA256)},
    {"filename|sha512", TIX_OBS_BIT(TIX_OBS_SHA512)},
    {"btc", TIX_OBS_BIT(TIX_OBS_BTC)},
    {"xmr", TIX_OBS_BIT(TIX_OBS_XMR)},
    {"vulnerability", TIX_OBS_BIT(TIX_OBS_CVE)},
    {"AS", TIX_OBS_BIT(TIX_OBS_ASN)},
};

static uint32_t attr_types(const char *a)
{
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
        if (strcmp(attrs[i].attr, a) == 0)
            return attrs[i].types;
    return 0; /* phone numbers, x509 fingerprints...: nothing tix vets */
}

static tix_err dup_str(json_t *root, const char *key, char **out, const char *where,
                       tix_diag *d)
{
    json_t *v = json_object_get(root, key);
    if (v == NULL || json_is_null(v))
        return TIX_EOK;
    if (!json_is_string(v))
        return tix_diag_set(d, TIX_EPARSE, "%s: \"%s\" is not a string", where, key);
    if ((*out = strdup(json_string_value(v))) == NULL)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    return TIX_EOK;
}

/* An entry is a string, or (as MISP also writes them) an object with a
 * "value" and an optional "comment", kept as the note. */
static tix_err entry_of(json_t *e, size_t i, const char **value, const char **note,
                        const char *where, tix_diag *d)
{
    *note = NULL;
    if (json_is_string(e)) {
        *value = json_string_value(e);
        return TIX_EOK;
    }
    json_t *v = json_is_object(e) ? json_object_get(e, "value") : NULL;
    json_t *c = json_is_object(e) ? json_object_get(e, "comment") : NULL;
    if (!json_is_string(v) || (c && !json_is_null(c) && !json_is_string(c)))
        return tix_diag_set(d, TIX_EPARSE, "%s: \"list\" entry %zu is not a string", where,
                            i);
    *value = json_string_value(v);
    *note = json_is_string(c) ? json_string_value(c) : NULL;
    return TIX_EOK;
}

static tix_err from_json(json_t *root, const char *name, const char *where,
                         tix_list **out, size_t *skipped, char *skip_reason, tix_diag *d)
{
    if (!json_is_object(root))
        return tix_diag_set(d, TIX_EPARSE, "%s: not a JSON object", where);
    json_t *type = json_object_get(root, "type");
    json_t *list = json_object_get(root, "list");
    json_t *ma = json_object_get(root, "matching_attributes");
    json_t *version = json_object_get(root, "version");
    if (!json_is_string(type))
        return tix_diag_set(d, TIX_EPARSE, "%s: \"type\" is missing or not a string", where);
    int match = tix_match_from_name(json_string_value(type));
    if (match < 0)
        return tix_diag_set(d, TIX_EPARSE,
                            "%s: unknown \"type\" '%.40s' (string, substring, hostname, "
                            "cidr or regex)",
                            where, json_string_value(type));
    if (!json_is_array(list))
        return tix_diag_set(d, TIX_EPARSE, "%s: \"list\" is missing or not an array", where);
    if (ma && !json_is_null(ma) && !json_is_array(ma))
        return tix_diag_set(d, TIX_EPARSE, "%s: \"matching_attributes\" is not an array",
                            where);
    if (version && !json_is_null(version) && !json_is_integer(version))
        return tix_diag_set(d, TIX_EPARSE, "%s: \"version\" is not an integer", where);

    tix_list *l;
    tix_err rc = tix_list_new(&l, name, (tix_match_type)match, TIX_LIST_MISP, d);
    if (rc)
        return rc;
    if ((rc = dup_str(root, "name", &l->title, where, d)) ||
        (rc = dup_str(root, "description", &l->description, where, d)))
        goto fail;
    l->version = json_is_integer(version) ? (int64_t)json_integer_value(version) : 0;
    if (json_array_size(ma) > 0) {
        uint32_t applies = 0;
        for (size_t i = 0; i < json_array_size(ma); i++) {
            json_t *a = json_array_get(ma, i);
            if (!json_is_string(a)) {
                rc = tix_diag_set(d, TIX_EPARSE,
                                  "%s: \"matching_attributes\" entry %zu is not a string",
                                  where, i);
                goto fail;
            }
            applies |= attr_types(json_string_value(a));
        }
        l->applies = applies;
    }
    tix_list_defaults(l);

    size_t n = json_array_size(list);
    for (size_t i = 0; i < n; i++) {
        const char *value = NULL, *note = NULL;
        if ((rc = entry_of(json_array_get(list, i), i, &value, &note, where, d)))
            goto fail;
        tix_diag ed = TIX_DIAG_INIT;
        tix_err ae = tix_list_add(l, value, note, &ed);
        if (ae == TIX_EPARSE) {
            if (skipped) {
                if (*skipped == 0 && skip_reason)
                    snprintf(skip_reason, 256, "%.80s: \"list\" entry %zu: %.120s", where,
                             i, ed.msg);
                (*skipped)++;
            }
        } else if (ae) {
            rc = tix_diag_set(d, ae, "%s: %s", where, ed.msg);
            goto fail;
        }
    }
    *out = l;
    return TIX_EOK;
fail:
    tix_list_free(l);
    return rc;
}

tix_err tix_list_parse_misp(const char *json, size_t len, const char *name,
                            const char *where, tix_list **out, size_t *skipped,
                            char *skip_reason, tix_diag *d)
{
    *out = NULL;
    if (skipped)
        *skipped = 0;
    if (skip_reason)
        skip_reason[0] = '\0';
    if (where == NULL)
        where = name ? name : "list.json";
    if (name == NULL || *name == '\0')
        return tix_diag_set(d, TIX_EINVAL, "%s: a list needs a name", where);
    if (json == NULL && len)
        return tix_diag_set(d, TIX_EINVAL, "%s: no data", where);
    json_error_t je;
    json_t *root = json_loadb(json ? json : "", len, 0, &je);
    if (root == NULL)
        return tix_diag_set(d, TIX_EPARSE, "%s: byte %d (line %d, column %d): %s", where,
                            je.position, je.line, je.column, je.text);
    tix_err rc = from_json(root, name, where, out, skipped, skip_reason, d);
    json_decref(root);
    return rc;
}

/* "lists/akamai/list.json" is the list "akamai"; a file elsewhere is named
 * after itself, without ".json". */
static char *name_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (slash && strcmp(base, "list.json") == 0) {
        const char *end = slash;
        while (end > path && end[-1] == '/')
            end--;
        const char *start = end;
        while (start > path && start[-1] != '/')
            start--;
        if (end > start)
            return strndup(start, (size_t)(end - start));
    }
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".json") == 0)
        n -= 5;
    return strndup(base, n ? n : strlen(base));
}

tix_err tix_list_read_misp(const char *path, tix_list **out, size_t *skipped,
                           char *skip_reason, tix_diag *d)
{
    *out = NULL;
    if (skipped)
        *skipped = 0;
    if (skip_reason)
        skip_reason[0] = '\0';
    if (path == NULL)
        return tix_diag_set(d, TIX_EINVAL, "no path");
    char *name = NULL;
    in_file f;
    tix_err rc = in_file_open(&f, path, d);
    if (rc)
        return rc;
    if ((name = name_of(path)) == NULL)
        rc = tix_diag_set(d, TIX_ENOMEM, "out of memory");
    else
        rc = tix_list_parse_misp(f.data, f.len, name, path, out, skipped, skip_reason, d);
    free(name);
    in_file_close(&f);
    return rc;
}

/* ---- a folder of lists ------------------------------------------------ */

typedef struct {
    char *name, *path;
} found;

static int found_cmp(const void *a, const void *b)
{
    return strcmp(((const found *)a)->name, ((const found *)b)->name);
}

/* Every sub/<name>/list.json; a folder that cannot be opened has none. */
static tix_err scan(const char *dir, found **f, size_t *n, size_t *cap, tix_diag *d)
{
    DIR *dp = opendir(dir);
    if (dp == NULL)
        return TIX_EOK;
    tix_err rc = TIX_EOK;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        tix_buf p = TIX_BUF_INIT(0);
        tix_buf_addf(&p, "%s/%s/list.json", dir, de->d_name);
        struct stat st;
        if (p.err || stat(p.p, &st) != 0 || !S_ISREG(st.st_mode)) {
            tix_buf_free(&p);
            continue;
        }
        char *name = strdup(de->d_name);
        if (name == NULL || tix__grow(f, cap, *n, sizeof **f, 64) != 0) {
            free(name);
            tix_buf_free(&p);
            rc = tix_diag_set(d, TIX_ENOMEM, "out of memory");
            break;
        }
        (*f)[*n].name = name;
        (*f)[*n].path = tix_buf_detach(&p, NULL);
        (*n)++;
    }
    closedir(dp);
    return rc;
}

tix_err tix_lists_read_dir(const char *dir, tix_list ***out, size_t *n, tix_diag *d)
{
    *out = NULL;
    *n = 0;
    if (dir == NULL)
        return tix_diag_set(d, TIX_EINVAL, "no folder");
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return tix_diag_set(d, TIX_ENOTFOUND, "%s: not a folder", dir);
    found *f = NULL;
    size_t nf = 0, cap = 0;
    tix_list **lists = NULL;
    size_t nl = 0;
    tix_buf sub = TIX_BUF_INIT(0);
    tix_buf_addf(&sub, "%s/lists", dir);
    tix_err rc = sub.err ? tix_diag_set(d, sub.err, "out of memory") : TIX_EOK;
    if (!rc)
        rc = scan(dir, &f, &nf, &cap, d);
    if (!rc)
        rc = scan(sub.p, &f, &nf, &cap, d);
    if (rc)
        goto out;
    if (nf == 0) {
        rc = tix_diag_set(d, TIX_ENOTFOUND, "%s: no <name>/list.json or lists/<name>/list.json",
                          dir);
        goto out;
    }
    qsort(f, nf, sizeof *f, found_cmp);
    for (size_t i = 1; i < nf; i++)
        if (strcmp(f[i].name, f[i - 1].name) == 0) {
            rc = tix_diag_set(d, TIX_EINVAL, "%s: two lists called '%s' (%s, %s)", dir,
                              f[i].name, f[i - 1].path, f[i].path);
            goto out;
        }
    if ((lists = calloc(nf, sizeof *lists)) == NULL) {
        rc = tix_diag_set(d, TIX_ENOMEM, "out of memory");
        goto out;
    }
    for (; nl < nf; nl++)
        if ((rc = tix_list_read_misp(f[nl].path, &lists[nl], NULL, NULL, d)))
            goto out;
out:
    for (size_t i = 0; i < nf; i++) {
        free(f[i].name);
        free(f[i].path);
    }
    free(f);
    tix_buf_free(&sub);
    if (rc) {
        tix_lists_free(lists, nl);
        return rc;
    }
    *out = lists;
    *n = nl;
    return TIX_EOK;
}
