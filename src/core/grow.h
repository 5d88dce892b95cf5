/* grow.h - room for one more element in a growable array. Not API. */
#ifndef TIX_CORE_GROW_H
#define TIX_CORE_GROW_H

#include <stddef.h>
#include <stdlib.h>

/* Make *v (of *cap elements of size elem) hold at least n + 1 elements,
 * doubling from first. Returns -1 on OOM, leaving *v and *cap as they
 * were. */
static inline int tix__grow(void *v, size_t *cap, size_t n, size_t elem,
                            size_t first)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : first;
    void *p = realloc(*(void **)v, c * elem);
    if (p == NULL)
        return -1;
    *(void **)v = p;
    *cap = c;
    return 0;
}

#endif
