/* token_email.c - e-mail addresses. */
#include <stdlib.h>
#include <string.h>

#include "extract/token.h"


size_t tix__on_at(struct tix__text *t, size_t i, int *err)
{
    const uint8_t *p = t->p;
    size_t s = i;
    while (s > 0 && tix__email_local_char(p[s - 1]) && i - s <= 64)
        s--;
    if (i - s > 64)
        return i + 1;
    while (s < i && p[s] == '.')
        s++;
    if (s == i)
        return i + 1;
    size_t e = i + 1;
    for (;;) {
        size_t len = at(t, e) == '.' ? 1 : name_char(t, e);
        if (len == 0 || e - i > 255)
            break;
        e += len;
    }
    while (e > i + 1 && (p[e - 1] == '.' || p[e - 1] == '-'))
        e--;
    if (e == i + 1 || at(t, e) == '@' || at(t, e) == '_')
        return i + 1;
    if (tix__try_hit(t, TIX_OBS_EMAIL, tix__canon_email, s, e, false, err))
        return e;
    return i + 1;
}
