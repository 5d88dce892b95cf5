/* time.c - the timestamp formats of feeds, MISP and STIX, as UTC seconds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tix/time.h"

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil), so no timezone state is touched. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* n digits at s[*i] into *v. */
static int digits(const char *s, size_t len, size_t *i, int n, int *v)
{
    int x = 0;
    for (int k = 0; k < n; k++, (*i)++) {
        if (*i >= len || !is_digit(s[*i]))
            return -1;
        x = x * 10 + (s[*i] - '0');
    }
    *v = x;
    return 0;
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static tix_err bad(tix_diag *d, const char *s, size_t len)
{
    return tix_diag_set(d, TIX_EPARSE, "not a timestamp: '%.*s'",
                        (int)(len > 40 ? 40 : len), s);
}

tix_err tix_time_parse(const char *s, size_t len, int64_t *out, tix_diag *d)
{
    while (len && (s[0] == ' ' || s[0] == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
        len--;
    if (!len)
        return bad(d, s, len);

    size_t i = 0;
    if (len >= 9 && len <= 11) {
        int all = 1;
        for (size_t k = 0; k < len; k++)
            all &= is_digit(s[k]);
        if (all) {
            *out = strtoll(s, NULL, 10);
            return TIX_EOK;
        }
    }
    int Y, M, D, h = 0, mi = 0, sec = 0;
    if (digits(s, len, &i, 4, &Y) || i >= len || s[i++] != '-' ||
        digits(s, len, &i, 2, &M) || i >= len || s[i++] != '-' ||
        digits(s, len, &i, 2, &D))
        return bad(d, s, len);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (Y < 1970 || M < 1 || M > 12 || D < 1 ||
        D > mdays[M - 1] + (M == 2 && leap(Y)))
        return bad(d, s, len);
    int64_t off = 0;
    if (i < len && (s[i] == ' ' || s[i] == 'T' || s[i] == 't')) {
        i++;
        if (digits(s, len, &i, 2, &h) || i >= len || s[i++] != ':' ||
            digits(s, len, &i, 2, &mi))
            return bad(d, s, len);
        if (i < len && s[i] == ':') {
            i++;
            if (digits(s, len, &i, 2, &sec))
                return bad(d, s, len);
        }
        if (h > 23 || mi > 59 || sec > 60)
            return bad(d, s, len);
        if (i < len && (s[i] == '.' || s[i] == ',')) {
            i++;
            size_t f = i;
            while (i < len && is_digit(s[i]))
                i++;
            if (i == f)
                return bad(d, s, len);
        }
        while (i < len && s[i] == ' ')
            i++;
        if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
            i++;
        } else if (i < len && (s[i] == '+' || s[i] == '-')) {
            int sign = s[i++] == '-' ? -1 : 1, oh, om = 0;
            if (digits(s, len, &i, 2, &oh))
                return bad(d, s, len);
            if (i < len && s[i] == ':')
                i++;
            if (i < len && digits(s, len, &i, 2, &om))
                return bad(d, s, len);
            if (oh > 23 || om > 59)
                return bad(d, s, len);
            off = sign * (oh * 3600 + om * 60);
        } else if (len - i == 3 && memcmp(s + i, "UTC", 3) == 0) {
            i += 3;
        } else if (len - i == 5 && memcmp(s + i, "(UTC)", 5) == 0) {
            i += 5;
        }
    }
    if (i != len)
        return bad(d, s, len);
    *out = days_from_civil(Y, (unsigned)M, (unsigned)D) * 86400 + h * 3600 +
           mi * 60 + (sec == 60 ? 59 : sec) - off;
    return TIX_EOK;
}

void tix_time_format(int64_t t, char out[TIX_TIME_MAX])
{
    if (t == 0) {
        out[0] = 0;
        return;
    }
    int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t rem = t - days * 86400;
    /* civil_from_days */
    int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned dd = doy - (153 * mp + 2) / 5 + 1;
    const unsigned mm = mp < 10 ? mp + 3 : mp - 9;
    y += mm <= 2;
    if (y < 0 || y > 9999) {
        out[0] = 0;
        return;
    }
    snprintf(out, TIX_TIME_MAX, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)y % 10000u,
             mm % 13u, dd % 32u, (unsigned)(rem / 3600) % 24u,
             (unsigned)(rem / 60 % 60), (unsigned)(rem % 60));
}

int64_t tix_time_now(void) { return (int64_t)time(NULL); }

int64_t tix_time_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void tix_time_format_us(int64_t us, char out[TIX_TIME_US_MAX])
{
    int64_t s = us / 1000000, f = us % 1000000;
    if (f < 0) {
        f += 1000000;
        s--;
    }
    char sec[TIX_TIME_MAX] = "1970-01-01T00:00:00Z"; /* tix_time_format's 0 is "" */
    if (s != 0)
        tix_time_format(s, sec);
    size_t n = strlen(sec);
    if (n == 0) {
        out[0] = 0;
        return;
    }
    snprintf(out, TIX_TIME_US_MAX, "%.*s.%06dZ", (int)(n - 1), sec, (int)f);
}

tix_err tix_time_parse_stix(const char *s, size_t len, int64_t *us, tix_diag *d)
{
    int y, mo, da, h, mi, se;
    size_t i = 0;
    if (len < 20 || len > 64 || digits(s, len, &i, 4, &y) || s[i++] != '-' ||
        digits(s, len, &i, 2, &mo) || s[i++] != '-' || digits(s, len, &i, 2, &da) ||
        s[i++] != 'T' || digits(s, len, &i, 2, &h) || s[i++] != ':' ||
        digits(s, len, &i, 2, &mi) || s[i++] != ':' || digits(s, len, &i, 2, &se))
        goto bad;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || da < 1 || da > mdays[mo - 1] + (mo == 2 && leap(y)) ||
        h > 23 || mi > 59 || se > 60)
        goto bad;
    int64_t frac = 0;
    if (s[i] == '.') {
        size_t nd = 0;
        for (i++; i < len - 1; i++, nd++) {
            if (!is_digit(s[i]))
                goto bad;
            if (nd < 6)
                frac = frac * 10 + (s[i] - '0');
        }
        if (nd == 0)
            goto bad;
        for (; nd < 6; nd++)
            frac *= 10;
    }
    if (i != len - 1 || s[i] != 'Z')
        goto bad;
    if (se == 60)
        se = 59; /* a leap second orders as the second before it */
    int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)da);
    *us = ((days * 86400) + h * 3600 + mi * 60 + se) * 1000000 + frac;
    return TIX_EOK;
bad:
    return tix_diag_set(d, TIX_EPARSE, "'%.*s' is not a timestamp "
                        "(YYYY-MM-DDTHH:MM:SS[.s]Z)", (int)(len > 64 ? 64 : len), s);
}
