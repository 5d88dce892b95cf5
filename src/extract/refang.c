/* refang.c - read defanged spellings ("evil[.]com", "john(at)x.org") as
 * what they stand for, remembering where each replacement was made so hits
 * keep the offsets of the original bytes. */
#include <stdlib.h>
#include <string.h>


#include "core/canon.h"
#include "core/grow.h"
#include "extract/internal.h"

/* Next index >= i holding one of [ ( { \\ , or n. */
static size_t next_opener(const uint8_t *p, size_t i, size_t n)
{
    i = tix__next_opener64(p, i, n);
    if (i + 65 <= n)
        return i;
    for (; i < n; i++)
        if (p[i] == '[' || p[i] == '(' || p[i] == '{' || p[i] == '\\')
            return i;
    return n;
}

static bool word_byte(uint8_t c)
{
    return tix__is_alnum(c) || c >= 0x80;
}

static bool ieq(const uint8_t *p, size_t avail, const char *s)
{
    size_t n = strlen(s);
    if (avail < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (tix__lower(p[i]) != (uint8_t)s[i])
            return false;
    return true;
}

/* The defanged spelling that starts at p[i] (an opener): sets *rawlen and
 * the replacement. Returns false when there is none. */
static bool match_at(const uint8_t *p, size_t i, size_t n, size_t *rawlen,
                     const char **rep)
{
    static const struct {
        char open;
        const char *body; /* after the opener, including the closer */
        const char *rep;
    } forms[] = {
        {'[', ".]", "."},    {'(', ".)", "."},    {'{', ".}", "."},
        {'[', "dot]", "."},  {'(', "dot)", "."},  {'{', "dot}", "."},
        {'[', ":]", ":"},    {'[', "://]", "://"},
        {'[', "@]", "@"},    {'(', "@)", "@"},    {'[', "at]", "@"},
        {'(', "at)", "@"},   {'{', "at}", "@"},
    };
    uint8_t c = p[i];
    if (c == '\\') {
        /* "evil\.com", as in regular expressions */
        if (i + 1 < n && p[i + 1] == '.' && i > 0 && word_byte(p[i - 1]) &&
            i + 2 < n && word_byte(p[i + 2])) {
            *rawlen = 2;
            *rep = ".";
            return true;
        }
        return false;
    }
    if (i + 2 >= n)
        return false;
    uint8_t c1 = tix__lower(p[i + 1]);
    if (c1 != '.' && c1 != 'd' && c1 != ':' && c1 != '@' && c1 != 'a')
        return false;
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
        if (forms[k].open != (char)c || forms[k].body[0] != (char)c1)
            continue;
        if (ieq(p + i + 1, n - i - 1, forms[k].body)) {
            *rawlen = 1 + strlen(forms[k].body);
            *rep = forms[k].rep;
            return true;
        }
    }
    return false;
}

static int push_edit(struct tix__edits *ed, uint32_t q, uint32_t qend,
                     uint32_t shift)
{
    if (tix__grow(&ed->v, &ed->cap, ed->n, sizeof *ed->v, 64) != 0)
        return -1;
    ed->v[ed->n++] = (struct tix__edit){q, qend, shift};
    return 0;
}

long tix__refang(const uint8_t *raw, size_t n, uint8_t *out,
                 struct tix__edits *ed)
{
    return tix__refang_from(raw, n, next_opener(raw, 0, n), out, ed);
}

long tix__refang_from(const uint8_t *raw, size_t n, size_t first,
                      uint8_t *out, struct tix__edits *ed)
{
    ed->n = 0;
    size_t i = first;
    if (i >= n)
        return 0;
    size_t copied = 0; /* raw bytes before this are in out */
    size_t q = 0;      /* bytes written to out */
    uint32_t shift = 0;
    while (i < n) {
        size_t rawlen;
        const char *rep;
        if (!match_at(raw, i, n, &rawlen, &rep)) {
            i = next_opener(raw, i + 1, n);
            continue;
        }
        size_t start = i, end = i + rawlen;
        /* The replaced text must sit between word bytes (or a scheme and a
         * slash for "[://]"), with at most one space on either side, which
         * is then part of the defanged spelling: "evil [.] com". */
        size_t ls = start, re = end;
        if (ls > copied && raw[ls - 1] == ' ' && re < n && raw[re] == ' ')
            ls--, re++;
        bool ok = ls > 0 && word_byte(raw[ls - 1]) && re < n &&
                  (word_byte(raw[re]) || raw[re] == '/' || raw[re] == '[');
        if (!ok || ls < copied) {
            i = next_opener(raw, i + 1, n);
            continue;
        }
        memcpy(out + q, raw + copied, ls - copied);
        q += ls - copied;
        size_t rl = strlen(rep);
        memcpy(out + q, rep, rl);
        shift += (uint32_t)((re - ls) - rl);
        if (push_edit(ed, (uint32_t)q, (uint32_t)(q + rl), shift) != 0)
            return -1;
        q += rl;
        copied = re;
        i = next_opener(raw, re, n);
    }
    if (ed->n == 0)
        return 0;
    memcpy(out + q, raw + copied, n - copied);
    q += n - copied;
    return (long)q;
}
