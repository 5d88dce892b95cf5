/* stix_pattern.c - recognise STIX 2.1 patterns, keep the equality tests.
 *
 * A recursive-descent parser over the whole STIX 2.1 pattern grammar
 * (cti-stix2-json-schemas pattern_grammar/STIXPattern.g4). While parsing it
 * notes the most significant construct tix cannot hold; values are kept only
 * when there is none, so a pattern is mapped entirely or not at all.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feeds/stix_pattern.h"

typedef enum {
    T_END, T_LBRACK, T_RBRACK, T_LPAREN, T_RPAREN, T_COLON, T_DOT, T_COMMA,
    T_STAR, T_OP, T_STRING, T_INT, T_FLOAT, T_HEX, T_BIN, T_TIME, T_BOOL,
    T_IDENT,
    /* keywords, in the order of kw_names */
    T_AND, T_OR, T_NOT, T_FOLLOWEDBY, T_LIKE, T_MATCHES, T_ISSUBSET,
    T_ISSUPERSET, T_EXISTS, T_IN, T_START, T_STOP, T_SECONDS, T_WITHIN,
    T_REPEATS, T_TIMES
} tok_kind;

static const char *const kw_names[] = {
    "AND", "OR", "NOT", "FOLLOWEDBY", "LIKE", "MATCHES", "ISSUBSET",
    "ISSUPERSET", "EXISTS", "IN", "START", "STOP", "SECONDS", "WITHIN",
    "REPEATS", "TIMES"};

typedef struct {
    tok_kind k;
    const char *p;  /* the token as written; for strings, between quotes */
    size_t n;
    size_t at, end; /* offsets of the token and just past it */
} tok;

/* Why a pattern cannot be mapped, most significant first: a combination of
 * observations says more about the pattern than one odd property does. */
enum { R_NONE, R_FOLLOWEDBY, R_AND, R_QUALIFIER, R_OPERATOR, R_PROPERTY };

#define MAX_DEPTH 64

typedef struct {
    const char *s;
    size_t n, pos;
    tok t;
    stix_pat *out;
    int rank;           /* of the reason in why, R_NONE when mappable */
    char *why;
    tix_err err;        /* EPARSE or ENOMEM, sticky */
    int depth;
} pp;

/* ---- lexer ------------------------------------------------------------ */

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static void syntax(pp *p, size_t at, const char *what)
{
    if (p->err)
        return;
    p->err = TIX_EPARSE;
    snprintf(p->why, STIX_PAT_WHY_MAX, "STIX pattern: %s at offset %zu", what, at);
}

static void skip_blanks(pp *p)
{
    for (;;) {
        while (p->pos < p->n && strchr(" \t\r\n\v\f", p->s[p->pos]) && p->s[p->pos])
            p->pos++;
        if (p->pos + 1 >= p->n || p->s[p->pos] != '/')
            return;
        if (p->s[p->pos + 1] == '/') {
            while (p->pos < p->n && p->s[p->pos] != '\n')
                p->pos++;
        } else if (p->s[p->pos + 1] == '*') {
            size_t start = p->pos;
            p->pos += 2;
            while (p->pos + 1 < p->n && !(p->s[p->pos] == '*' && p->s[p->pos + 1] == '/'))
                p->pos++;
            if (p->pos + 1 >= p->n) {
                syntax(p, start, "unterminated comment");
                p->pos = p->n;
                return;
            }
            p->pos += 2;
        } else {
            return;
        }
    }
}

/* A quoted literal starting at the quote s[*i]; only \' and \\ escape. */
static bool lex_quoted(pp *p, size_t *i)
{
    size_t start = *i;
    for ((*i)++; *i < p->n; (*i)++) {
        char c = p->s[*i];
        if (c == '\'')
            return true;
        if (c == '\\') {
            if (*i + 1 >= p->n || (p->s[*i + 1] != '\'' && p->s[*i + 1] != '\\')) {
                syntax(p, *i, "bad escape in string");
                return false;
            }
            (*i)++;
        }
    }
    syntax(p, start, "unterminated string");
    return false;
}

static void lex_number(pp *p, size_t i)
{
    size_t start = i;
    if (p->s[i] == '+' || p->s[i] == '-')
        i++;
    while (i < p->n && is_digit(p->s[i]))
        i++;
    p->t.k = T_INT;
    if (i < p->n && p->s[i] == '.') {
        size_t f = ++i;
        while (i < p->n && is_digit(p->s[i]))
            i++;
        if (i == f) {
            syntax(p, start, "bad number");
            return;
        }
        p->t.k = T_FLOAT;
    } else if (i == start + (p->s[start] == '+' || p->s[start] == '-')) {
        syntax(p, start, "unexpected character");
        return;
    }
    p->t.p = p->s + start;
    p->t.n = i - start;
    p->pos = i;
}

static void lex_word(pp *p, size_t i)
{
    size_t start = i;
    while (i < p->n && (is_alpha(p->s[i]) || is_digit(p->s[i]) || p->s[i] == '-'))
        i++;
    p->t = (tok){T_IDENT, p->s + start, i - start, start, 0};
    p->pos = i;
    for (size_t k = 0; k < sizeof kw_names / sizeof kw_names[0]; k++)
        if (strlen(kw_names[k]) == p->t.n && memcmp(kw_names[k], p->t.p, p->t.n) == 0)
            p->t.k = (tok_kind)(T_AND + k);
    if ((p->t.n == 4 && memcmp(p->t.p, "true", 4) == 0) ||
        (p->t.n == 5 && memcmp(p->t.p, "false", 5) == 0))
        p->t.k = T_BOOL;
}

/* h'..', b'..' and t'..': a letter glued to a quoted literal. */
static bool lex_prefixed(pp *p, size_t i)
{
    static const struct { char c; tok_kind k; } pre[] = {
        {'h', T_HEX}, {'b', T_BIN}, {'t', T_TIME}};
    if (i + 1 >= p->n || p->s[i + 1] != '\'')
        return false;
    for (size_t k = 0; k < sizeof pre / sizeof pre[0]; k++) {
        if (p->s[i] != pre[k].c)
            continue;
        size_t j = i + 1;
        if (lex_quoted(p, &j)) {
            p->t = (tok){pre[k].k, p->s + i + 2, j - i - 2, i, 0};
            p->pos = j + 1;
        }
        return true;
    }
    return false;
}

static void lex_op(pp *p, size_t i)
{
    static const char *const ops[] = {"==", "!=", "<>", "<=", ">=", "=", "<", ">"};
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        size_t l = strlen(ops[k]);
        if (i + l <= p->n && memcmp(p->s + i, ops[k], l) == 0) {
            p->t = (tok){T_OP, p->s + i, l, i, 0};
            p->pos = i + l;
            return;
        }
    }
    syntax(p, i, "unexpected character");
}

static void next(pp *p)
{
    skip_blanks(p);
    size_t i = p->pos;
    p->t = (tok){T_END, p->s + i, 0, i, 0};
    if (p->err || i >= p->n)
        return;
    static const char punct[] = "[]():.,*";
    static const tok_kind pk[] = {T_LBRACK, T_RBRACK, T_LPAREN, T_RPAREN,
                                  T_COLON, T_DOT, T_COMMA, T_STAR};
    char c = p->s[i];
    const char *q = c ? strchr(punct, c) : NULL;
    if (q) {
        p->t = (tok){pk[q - punct], p->s + i, 1, i, 0};
        p->pos = i + 1;
    } else if (c == '\'') {
        size_t j = i;
        if (lex_quoted(p, &j)) {
            p->t = (tok){T_STRING, p->s + i + 1, j - i - 1, i, 0};
            p->pos = j + 1;
        }
    } else if (is_digit(c) || c == '+' || c == '-') {
        lex_number(p, i);
    } else if (is_alpha(c)) {
        if (!lex_prefixed(p, i))
            lex_word(p, i);
    } else {
        lex_op(p, i);
    }
    p->t.at = i;
    p->t.end = p->pos;
}

/* ---- what cannot be mapped -------------------------------------------- */

/* Keep "what" + arg[0..argn) as the reason unless a weightier one is known. */
static void note(pp *p, int rank, const char *what, const char *arg, size_t argn)
{
    if (p->rank != R_NONE && p->rank <= rank)
        return;
    p->rank = rank;
    snprintf(p->why, STIX_PAT_WHY_MAX, "%s%.*s", what,
             (int)(argn < STIX_PAT_WHY_MAX ? argn : STIX_PAT_WHY_MAX), arg);
}

static bool accept(pp *p, tok_kind k)
{
    if (p->err || p->t.k != k)
        return false;
    next(p);
    return true;
}

static void expect(pp *p, tok_kind k, const char *what)
{
    if (!accept(p, k))
        syntax(p, p->t.at, what);
}

/* ---- object paths ----------------------------------------------------- */

/* An object path, as the pieces that decide whether tix can hold it. */
typedef struct {
    const char *type;
    size_t type_n;
    tok comp[3];        /* the first three property components */
    size_t ncomp;       /* all of them, indexes included */
    bool indexed;       /* a [n] or [*] step */
    size_t at, end;     /* the path as written, for reasons */
} path;

static void path_component(path *x, tok t)
{
    if (x->ncomp < 3)
        x->comp[x->ncomp] = t;
    x->ncomp++;
}

static void parse_path(pp *p, path *x)
{
    memset(x, 0, sizeof *x);
    x->at = p->t.at;
    if (p->t.k != T_IDENT) {
        syntax(p, p->t.at, "expected an object type");
        return;
    }
    x->type = p->t.p;
    x->type_n = p->t.n;
    x->end = p->t.end;
    next(p);
    expect(p, T_COLON, "expected ':'");
    if (p->t.k != T_IDENT && p->t.k != T_STRING) {
        syntax(p, p->t.at, "expected a property name");
        return;
    }
    path_component(x, p->t);
    x->end = p->t.end;
    next(p);
    for (;;) {
        if (accept(p, T_DOT)) {
            if (p->t.k != T_IDENT && p->t.k != T_STRING) {
                syntax(p, p->t.at, "expected a property name");
                return;
            }
            path_component(x, p->t);
            x->end = p->t.end;
            next(p);
        } else if (accept(p, T_LBRACK)) {
            if (!accept(p, T_INT) && !accept(p, T_STAR))
                syntax(p, p->t.at, "expected an index or '*'");
            x->end = p->t.end;
            expect(p, T_RBRACK, "expected ']'");
            x->indexed = true;
            x->ncomp++;
        } else {
            break;
        }
    }
}

static bool tok_is(const tok *t, const char *s)
{
    return strlen(s) == t->n && memcmp(t->p, s, t->n) == 0;
}

static bool path_type_is(const path *x, const char *s)
{
    return strlen(s) == x->type_n && memcmp(x->type, s, x->type_n) == 0;
}

/* A hashes key as written ("SHA-256", 'sha256', MD5) to a tix type. */
static int hash_type(const tok *t)
{
    char k[16];
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (t->p[i] == '-')
            continue;
        if (n + 1 >= sizeof k)
            return -1;
        k[n++] = t->p[i];
    }
    k[n] = 0;
    static const struct { const char *name; tix_obs_type t; } h[] = {
        {"md5", TIX_OBS_MD5}, {"sha1", TIX_OBS_SHA1},
        {"sha256", TIX_OBS_SHA256}, {"sha512", TIX_OBS_SHA512}};
    for (size_t i = 0; i < sizeof h / sizeof h[0]; i++)
        if (strcasecmp(k, h[i].name) == 0)
            return (int)h[i].t;
    return -1;
}

/* The tix type a path holds, or -1. */
static int path_obs_type(const path *x)
{
    static const struct { const char *type; tix_obs_type t; } value_types[] = {
        {"ipv4-addr", TIX_OBS_IPV4}, {"ipv6-addr", TIX_OBS_IPV6},
        {"domain-name", TIX_OBS_DOMAIN}, {"url", TIX_OBS_URL},
        {"email-addr", TIX_OBS_EMAIL}};
    if (x->indexed)
        return -1;
    if (x->ncomp == 1 && x->comp[0].k == T_IDENT) {
        for (size_t i = 0; i < sizeof value_types / sizeof value_types[0]; i++)
            if (path_type_is(x, value_types[i].type) && tok_is(&x->comp[0], "value"))
                return (int)value_types[i].t;
        if (path_type_is(x, "autonomous-system") && tok_is(&x->comp[0], "number"))
            return TIX_OBS_ASN;
        /* tix's own SCO for wallets; keep_literal tells btc from xmr */
        if (path_type_is(x, "cryptocurrency-wallet") && tok_is(&x->comp[0], "value"))
            return TIX_OBS_BTC;
    }
    if (x->ncomp == 2 && path_type_is(x, "file") && x->comp[0].k == T_IDENT &&
        tok_is(&x->comp[0], "hashes"))
        return hash_type(&x->comp[1]);
    return -1;
}

/* ---- literals --------------------------------------------------------- */

static bool is_literal(tok_kind k)
{
    return k == T_STRING || k == T_INT || k == T_FLOAT || k == T_HEX ||
           k == T_BIN || k == T_TIME || k == T_BOOL;
}

static void add_value(pp *p, tix_obs_type type, const char *v, size_t n)
{
    stix_pat *o = p->out;
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 8;
        stix_pat_value *nv = realloc(o->v, cap * sizeof *nv);
        if (!nv) {
            p->err = TIX_ENOMEM;
            return;
        }
        o->v = nv;
        o->cap = cap;
    }
    char *s = malloc(n + 1);
    if (!s) {
        p->err = TIX_ENOMEM;
        return;
    }
    memcpy(s, v, n);
    s[n] = 0;
    o->v[o->n++] = (stix_pat_value){type, s, n};
}

/* Keep literal t as a value of type when it is of the right kind. */
static void keep_literal(pp *p, int type, const tok *t)
{
    if (p->rank != R_NONE)
        return;  /* the pattern is not mapped: do not bother */
    if (type == TIX_OBS_ASN) {
        if (t->k != T_INT || t->p[0] == '-') {
            note(p, R_PROPERTY, "STIX pattern non-integer AS number", "", 0);
            return;
        }
        char as[32];
        size_t digits = t->n - (t->p[0] == '+');
        snprintf(as, sizeof as, "AS%.*s", (int)(digits < 20 ? digits : 20),
                 t->p + (t->p[0] == '+'));
        add_value(p, TIX_OBS_ASN, as, strlen(as));
        return;
    }
    if (t->k != T_STRING) {
        note(p, R_PROPERTY, "STIX pattern non-string value", "", 0);
        return;
    }
    char *u = malloc(t->n + 1);
    if (!u) {
        p->err = TIX_ENOMEM;
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (t->p[i] == '\\')
            i++;  /* the lexer let only \' and \\ through */
        u[n++] = t->p[i];
    }
    add_value(p, type == TIX_OBS_BTC ? stix_wallet_type(u, n) : (tix_obs_type)type, u, n);
    free(u);
}

tix_obs_type stix_wallet_type(const char *v, size_t n)
{
    tix_buf b = TIX_BUF_INIT(TIX_OBS_VALUE_MAX);
    bool btc = tix_obs_canon(TIX_OBS_BTC, v, n, &b, NULL) == TIX_EOK;
    tix_buf_free(&b);
    return btc ? TIX_OBS_BTC : TIX_OBS_XMR;
}

static void parse_set(pp *p, int type)
{
    expect(p, T_LPAREN, "expected '('");
    if (accept(p, T_RPAREN))
        return;
    do {
        if (!is_literal(p->t.k)) {
            syntax(p, p->t.at, "expected a literal");
            return;
        }
        if (type >= 0)
            keep_literal(p, type, &p->t);
        next(p);
    } while (accept(p, T_COMMA));
    expect(p, T_RPAREN, "expected ')'");
}

/* ---- comparison expressions ------------------------------------------- */

static void parse_cmp_or(pp *p);

/* objectPath NOT? op literal, after the path; only "=" and "IN" say "this
 * value", everything else tests something tix does not store. */
static void parse_comparison(pp *p, const path *x)
{
    int type = path_obs_type(x);
    if (type < 0)
        note(p, R_PROPERTY, "STIX pattern property ", x->type,
             x->end > x->at ? x->end - x->at : 0);
    bool neg = accept(p, T_NOT);
    tok op = p->t;
    if (op.k == T_OP) {
        next(p);
        if (!is_literal(p->t.k)) {
            syntax(p, p->t.at, "expected a literal");
            return;
        }
        bool eq = tok_is(&op, "=") || tok_is(&op, "==");
        if (neg || !eq)
            note(p, R_OPERATOR, neg ? "STIX pattern operator NOT " : "STIX pattern operator ",
                 op.p, op.n);
        else if (type >= 0)
            keep_literal(p, type, &p->t);
        next(p);
    } else if (op.k == T_IN) {
        next(p);
        if (neg)
            note(p, R_OPERATOR, "STIX pattern operator NOT ", "IN", 2);
        parse_set(p, neg ? -1 : type);
    } else if (op.k == T_LIKE || op.k == T_MATCHES || op.k == T_ISSUBSET ||
               op.k == T_ISSUPERSET) {
        note(p, R_OPERATOR, "STIX pattern operator ", op.p, op.n);
        next(p);
        expect(p, T_STRING, "expected a string");
    } else {
        syntax(p, op.at, "expected an operator");
    }
}

static void parse_prop_test(pp *p)
{
    if (accept(p, T_LPAREN)) {
        if (++p->depth > MAX_DEPTH) {
            syntax(p, p->t.at, "nested too deeply");
            return;
        }
        parse_cmp_or(p);
        p->depth--;
        expect(p, T_RPAREN, "expected ')'");
        return;
    }
    if (accept(p, T_EXISTS)) {
        note(p, R_OPERATOR, "STIX pattern operator ", "EXISTS", 6);
        path x;
        parse_path(p, &x);
        return;
    }
    path x;
    parse_path(p, &x);
    if (!p->err)
        parse_comparison(p, &x);
}

static void parse_cmp_and(pp *p)
{
    parse_prop_test(p);
    while (accept(p, T_AND)) {
        note(p, R_AND, "STIX pattern with ", "AND", 3);
        parse_prop_test(p);
    }
}

static void parse_cmp_or(pp *p)
{
    parse_cmp_and(p);
    while (accept(p, T_OR))
        parse_cmp_and(p);
}

/* ---- observation expressions ------------------------------------------ */

static void parse_obs_seq(pp *p);

static void parse_qualifiers(pp *p)
{
    for (;;) {
        tok q = p->t;
        if (accept(p, T_START)) {
            expect(p, T_TIME, "expected t'...'");
            expect(p, T_STOP, "expected STOP");
            expect(p, T_TIME, "expected t'...'");
        } else if (accept(p, T_WITHIN)) {
            if (!accept(p, T_INT) && !accept(p, T_FLOAT))
                syntax(p, p->t.at, "expected a number");
            expect(p, T_SECONDS, "expected SECONDS");
        } else if (accept(p, T_REPEATS)) {
            expect(p, T_INT, "expected a number");
            expect(p, T_TIMES, "expected TIMES");
        } else {
            return;
        }
        note(p, R_QUALIFIER, "STIX pattern qualifier ", q.p, q.n);
    }
}

static void parse_obs(pp *p)
{
    if (++p->depth > MAX_DEPTH) {
        syntax(p, p->t.at, "nested too deeply");
        return;
    }
    if (accept(p, T_LBRACK)) {
        parse_cmp_or(p);
        expect(p, T_RBRACK, "expected ']'");
    } else if (accept(p, T_LPAREN)) {
        parse_obs_seq(p);
        expect(p, T_RPAREN, "expected ')'");
    } else {
        syntax(p, p->t.at, "expected '['");
    }
    p->depth--;
    parse_qualifiers(p);
}

static void parse_obs_and(pp *p)
{
    parse_obs(p);
    while (accept(p, T_AND)) {
        note(p, R_AND, "STIX pattern with ", "AND", 3);
        parse_obs(p);
    }
}

static void parse_obs_or(pp *p)
{
    parse_obs_and(p);
    while (accept(p, T_OR))
        parse_obs_and(p);
}

static void parse_obs_seq(pp *p)
{
    parse_obs_or(p);
    while (accept(p, T_FOLLOWEDBY)) {
        note(p, R_FOLLOWEDBY, "STIX pattern with ", "FOLLOWEDBY", 10);
        parse_obs_or(p);
    }
}

void stix_pattern_free(stix_pat *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i].value);
    free(p->v);
    p->v = NULL;
    p->n = p->cap = 0;
}

tix_err stix_pattern_parse(const char *s, size_t n, stix_pat *out,
                           char why[STIX_PAT_WHY_MAX])
{
    pp p = {.s = s, .n = n, .out = out, .why = why};
    why[0] = 0;
    next(&p);
    parse_obs_seq(&p);
    if (!p.err && p.t.k != T_END)
        syntax(&p, p.t.at, "unexpected text");
    tix_err e = p.err ? p.err : p.rank != R_NONE ? TIX_EUNSUPPORTED : TIX_EOK;
    if (e == TIX_ENOMEM)
        snprintf(why, STIX_PAT_WHY_MAX, "out of memory");
    if (!e && out->n == 0) {
        /* "[ipv4-addr:value IN ()]": nothing to hold */
        snprintf(why, STIX_PAT_WHY_MAX, "STIX pattern without values");
        e = TIX_EUNSUPPORTED;
    }
    if (e)
        stix_pattern_free(out);
    return e;
}
