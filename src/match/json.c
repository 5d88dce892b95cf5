/* json.c - one JSON text per line: checked against the grammar (RFC 8259)
 * without building anything, every string value (not the keys) handed to
 * the token scanner. A string without escapes is scanned where it is; one
 * with escapes is decoded into the context's scratch buffer first. */
#include <string.h>

#include "core/canon.h"
#include "match/internal.h"

#define MAX_DEPTH 1024

static int hexval(unsigned char ch)
{
    if (tix__is_digit(ch))
        return ch - '0';
    ch |= 0x20;
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

static bool u4(const char *s, size_t n, size_t i, unsigned *out)
{
    if (i + 4 > n)
        return false;
    unsigned v = 0;
    for (size_t k = 0; k < 4; k++) {
        int h = hexval((unsigned char)s[i + k]);
        if (h < 0)
            return false;
        v = v << 4 | (unsigned)h;
    }
    *out = v;
    return true;
}

static void put_utf8(tix_buf *b, unsigned cp)
{
    char u[4];
    size_t k;
    if (cp < 0x80) {
        u[0] = (char)cp;
        k = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3f));
        k = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        k = 3;
    } else {
        u[0] = (char)(0xf0 | cp >> 18);
        u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
        u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        k = 4;
    }
    tix_buf_add(b, u, k);
}

/* The string at s[*i] (its opening quote). A value is scanned for
 * indicators; a key only checked. */
static bool string(tix__mt_ctx *c, const char *s, size_t n, size_t *i, bool value,
                   const char **why)
{
    size_t start = *i + 1, k = start;
    bool esc = false;
    for (;;) {
        if (k >= n) {
            *why = "unterminated string";
            *i = n;
            return false;
        }
        unsigned char ch = (unsigned char)s[k];
        if (ch == '"')
            break;
        if (ch < 0x20) {
            *why = "control character in a string";
            *i = k;
            return false;
        }
        if (ch == '\\') {
            esc = true;
            if (k + 1 >= n) {
                *why = "unterminated string";
                *i = n;
                return false;
            }
            unsigned char e = (unsigned char)s[k + 1];
            if (e == 'u') {
                unsigned v;
                if (!u4(s, n, k + 2, &v)) {
                    *why = "bad \\u escape";
                    *i = k;
                    return false;
                }
                k += 6;
                continue;
            }
            if (!strchr("\"\\/bfnrt", e) || e == 0) {
                *why = "bad escape";
                *i = k;
                return false;
            }
            k += 2;
            continue;
        }
        k++;
    }
    *i = k + 1;
    if (!value || c->stop)
        return true;
    if (!esc) {
        tix__mt_tokens(c, s + start, k - start);
        return true;
    }
    tix_buf *b = &c->scratch;
    tix_buf_reset(b);
    for (size_t j = start; j < k;) {
        if (s[j] != '\\') {
            size_t r = j;
            while (r < k && s[r] != '\\')
                r++;
            tix_buf_add(b, s + j, r - j);
            j = r;
            continue;
        }
        char e = s[j + 1];
        if (e != 'u') {
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            tix_buf_addc(b, to[strchr(from, e) - from]);
            j += 2;
            continue;
        }
        unsigned v = 0, lo;
        u4(s, n, j + 2, &v); /* checked above */
        j += 6;
        if (v >= 0xd800 && v < 0xdc00 && j + 6 <= k && s[j] == '\\' && s[j + 1] == 'u' &&
            u4(s, n, j + 2, &lo) && lo >= 0xdc00 && lo < 0xe000) {
            v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
            j += 6;
        } else if (v >= 0xd800 && v < 0xe000) {
            v = 0xfffd; /* a lone surrogate */
        }
        put_utf8(b, v);
    }
    if (b->err) { /* out of memory: scan what is there, undecoded */
        tix__mt_tokens(c, s + start, k - start);
        return true;
    }
    tix__mt_tokens(c, b->p, b->len);
    return true;
}

static bool digits(const char *s, size_t n, size_t *i)
{
    size_t k = *i;
    while (k < n && tix__is_digit((unsigned char)s[k]))
        k++;
    if (k == *i)
        return false;
    *i = k;
    return true;
}

static bool number(const char *s, size_t n, size_t *i)
{
    if (s[*i] == '-')
        ++*i;
    if (*i < n && s[*i] == '0')
        ++*i;
    else if (!digits(s, n, i))
        return false;
    if (*i < n && s[*i] == '.') {
        ++*i;
        if (!digits(s, n, i))
            return false;
    }
    if (*i < n && (s[*i] | 0x20) == 'e') {
        ++*i;
        if (*i < n && (s[*i] == '+' || s[*i] == '-'))
            ++*i;
        if (!digits(s, n, i))
            return false;
    }
    return true;
}

static size_t ws(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    return i;
}

bool tix__mt_json(tix__mt_ctx *c, const char *s, size_t n, const char **why, size_t *at)
{
    uint64_t obj[MAX_DEPTH / 64]; /* one bit per open container: 1 object */
    unsigned depth = 0;
    size_t i = 0;
    *why = NULL;

value:
    i = ws(s, n, i);
    if (i >= n) {
        *why = "unexpected end of line";
        goto fail;
    }
    switch (s[i]) {
    case '{':
    case '[': {
        bool is_obj = s[i] == '{';
        if (depth == MAX_DEPTH) {
            *why = "nested too deeply";
            goto fail;
        }
        if (is_obj)
            obj[depth / 64] |= 1ull << (depth % 64);
        else
            obj[depth / 64] &= ~(1ull << (depth % 64));
        depth++;
        i = ws(s, n, i + 1);
        if (i < n && s[i] == (is_obj ? '}' : ']')) {
            depth--;
            i++;
            goto after;
        }
        if (is_obj)
            goto key;
        goto value;
    }
    case '"':
        if (!string(c, s, n, &i, true, why))
            goto fail;
        goto after;
    case 't':
        if (n - i >= 4 && memcmp(s + i, "true", 4) == 0) {
            i += 4;
            goto after;
        }
        break;
    case 'f':
        if (n - i >= 5 && memcmp(s + i, "false", 5) == 0) {
            i += 5;
            goto after;
        }
        break;
    case 'n':
        if (n - i >= 4 && memcmp(s + i, "null", 4) == 0) {
            i += 4;
            goto after;
        }
        break;
    default:
        if (s[i] == '-' || tix__is_digit((unsigned char)s[i])) {
            if (!number(s, n, &i)) {
                *why = "bad number";
                goto fail;
            }
            goto after;
        }
    }
    *why = "unexpected character";
    goto fail;

key:
    i = ws(s, n, i);
    if (i >= n || s[i] != '"') {
        *why = "expected a member name";
        goto fail;
    }
    if (!string(c, s, n, &i, false, why))
        goto fail;
    i = ws(s, n, i);
    if (i >= n || s[i] != ':') {
        *why = "expected ':'";
        goto fail;
    }
    i++;
    goto value;

after:
    i = ws(s, n, i);
    if (depth == 0) {
        if (i < n) {
            *why = "text after the value";
            goto fail;
        }
        return true;
    }
    {
        bool in_obj = (obj[(depth - 1) / 64] >> ((depth - 1) % 64)) & 1;
        if (i < n && s[i] == ',') {
            i++;
            if (in_obj)
                goto key;
            goto value;
        }
        if (i < n && s[i] == (in_obj ? '}' : ']')) {
            depth--;
            i++;
            goto after;
        }
        *why = in_obj ? "expected ',' or '}'" : "expected ',' or ']'";
    }
fail:
    *at = i;
    return false;
}
