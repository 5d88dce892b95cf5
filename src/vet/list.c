/* list.c - a named list of entries, each in its normal form. */
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "vet/internal.h"

tix_err tix_list_new(tix_list **out, const char *name, tix_match_type match,
                     tix_list_origin origin, tix_diag *d)
{
    *out = NULL;
    if (name == NULL || *name == '\0')
        return tix_diag_set(d, TIX_EINVAL, "a list needs a name");
    if ((unsigned)match >= TIX_MATCH_COUNT)
        return tix_diag_set(d, TIX_EINVAL, "list '%s': unknown match type %d", name,
                            (int)match);
    if ((unsigned)origin > TIX_LIST_USER)
        return tix_diag_set(d, TIX_EINVAL, "list '%s': unknown origin %d", name,
                            (int)origin);
    tix_list *l = calloc(1, sizeof *l);
    if (l == NULL || (l->name = strdup(name)) == NULL) {
        free(l);
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    }
    l->match = match;
    l->origin = origin;
    l->policy = TIX_POLICY_BLOCK;
    l->kind = TIX_LIST_KIND_NONE;
    l->applies = tix__vet_default_applies(match);
    *out = l;
    return TIX_EOK;
}

tix_err tix_list_add(tix_list *l, const char *entry, const char *note, tix_diag *d)
{
    if (l == NULL || entry == NULL)
        return tix_diag_set(d, TIX_EINVAL, "no list or no entry");
    char why[TIX_VET_WHY];
    char *e = NULL, *nt = NULL;
    int rc = tix__vet_normalise(l->match, entry, strlen(entry), &e, why);
    if (rc == -1)
        return tix_diag_set(d, TIX_EPARSE, "list '%s': entry '%.80s': %s", l->name, entry,
                            why);
    if (rc != 0)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    if (note && (nt = strdup(note)) == NULL)
        goto nomem;
    size_t cap = l->cap;
    if (tix__grow(&l->entries, &cap, l->n, sizeof *l->entries, 16) != 0)
        goto nomem;
    /* notes follow entries: grow it to the same capacity */
    if (cap != l->cap) {
        char **notes = realloc(l->notes, cap * sizeof *notes);
        if (notes == NULL) {
            /* entries grew, notes did not: keep the old capacity for both */
            goto nomem;
        }
        l->notes = notes;
        l->cap = cap;
    }
    l->entries[l->n] = e;
    l->notes[l->n] = nt;
    l->n++;
    return TIX_EOK;
nomem:
    free(e);
    free(nt);
    return tix_diag_set(d, TIX_ENOMEM, "out of memory");
}

void tix_list_free(tix_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->entries[i]);
        free(l->notes[i]);
    }
    free(l->entries);
    free(l->notes);
    free(l->name);
    free(l->title);
    free(l->description);
    free(l);
}

void tix_lists_free(tix_list **lists, size_t n)
{
    if (lists == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        tix_list_free(lists[i]);
    free(lists);
}
