/* chars.c - character facts the scanner needs: which non-ASCII letters may
 * be part of an internationalised domain name, and which TLDs are also file
 * extensions. */
#include <string.h>

#include "core/canon.h"
#include "core/utf8.h"
#include "extract/token.h"

size_t tix__u8_name_letter(const uint8_t *p, size_t n)
{
    uint32_t cp;
    size_t len = tix__utf8_decode(p, n, &cp);
    if (len == 0)
        return 0;
    /* Letters of the scripts IDNs are written in; punctuation, symbols,
     * spaces and quotation marks (U+00A0-00BF, U+2000-206F, U+3000-303F,
     * U+FF00-FF20 ...) end a name, so “evil.com” loses its quotes.
     * libidn2 has the final word on what remains. */
    if (cp >= 0xC0 && cp <= 0x24F)
        return cp == 0xD7 || cp == 0xF7 ? 0 : len;
    if (cp >= 0x370 && cp <= 0x1FFF)
        return cp == 0x37E || cp == 0x387 || (cp >= 0x55A && cp <= 0x55F) ||
                       cp == 0x589 || cp == 0x5BE || cp == 0x5C0 ||
                       cp == 0x5C3 || cp == 0x5C6 || cp == 0x5F3 ||
                       cp == 0x5F4 || (cp >= 0x600 && cp <= 0x60F) ||
                       cp == 0x61B || cp == 0x61F || cp == 0x66A ||
                       cp == 0x66B || cp == 0x66C || cp == 0x66D ||
                       cp == 0x6D4 || cp == 0x964 || cp == 0x965 ||
                       cp == 0xE4F || cp == 0xE5A || cp == 0xE5B ||
                       cp == 0x10FB
                   ? 0
                   : len;
    if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x9FFF) ||
        (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF))
        return len;
    return 0;
}

/* Top-level domains that are also common file extensions: a bare two-label
 * name ending in one is far more often a file than a host in a report. */
bool tix__tld_is_file_ext(const char *tld, size_t n)
{
    if (n < 2 || n > 3)
        return false;
    char a = (char)tix__lower((unsigned char)tld[0]);
    char b = (char)tix__lower((unsigned char)tld[1]);
    if (n == 2) {
        switch (a) {
        case 'a': return b == 'c' || b == 'i';          /* ac ai */
        case 'c': return b == 'c' || b == 's';          /* cc cs */
        case 'm': return b == 'd' || b == 's';          /* md ms */
        case 'p': return b == 'l' || b == 'm' || b == 's' || b == 'y'; /* pl pm ps py */
        case 'r': return b == 's';                      /* rs */
        case 's': return b == 'c' || b == 'h' || b == 'o'; /* sc sh so */
        default: return false;
        }
    }
    char c = (char)tix__lower((unsigned char)tld[2]);
    return (a == 'z' && b == 'i' && c == 'p') || /* zip */
           (a == 'm' && b == 'o' && c == 'v') || /* mov */
           (a == 'a' && b == 'p' && c == 'p') || /* app */
           (a == 'o' && b == 'n' && c == 'e');   /* one */
}

/* Extensions of documents and programs sent as lures; a name whose
 * second-to-last label is one of them and whose last is a file extension
 * (invoice.pdf.zip) is a file. */
bool tix__is_doc_ext(const char *label, size_t n)
{
    static const char *const exts[] = {
        "7z", "bat", "cmd", "doc", "docm", "docx", "exe", "gif", "hta",
        "htm", "html", "img", "iso", "jpeg", "jpg", "js", "lnk", "msi",
        "pdf", "png", "ppt", "pptx", "rar", "rtf", "scr", "txt", "vbs",
        "xls", "xlsm", "xlsx", "zip",
    };
    if (n == 0 || n > 4)
        return false;
    char low[5];
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tix__lower((unsigned char)label[i]);
    low[n] = '\0';
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++)
        if (strcmp(low, exts[i]) == 0)
            return true;
    return false;
}

/* ---- the byte classes of the scanner */

uint16_t tix__cls[256];

void tix__cls_init(void)
{
    for (int c = 0; c < 256; c++) {
        uint8_t v = 0;
        if (tix__is_alnum((unsigned char)c))
            v |= C_ALNUM | C_NAME;
        if (c == '-')
            v |= C_NAME;
        if (c == '.')
            v |= C_DOT | C_V6;
        if (c >= 0x80)
            v |= C_HI;
        if (tix__is_hex((unsigned char)c) || c == ':')
            v |= C_V6;
        if (c >= '0' && c <= '9')
            v |= C_DIGIT;
        if (c >= 'A' && c <= 'Z')
            v |= C_UPPER;
        if (c >= 'a' && c <= 'z')
            v |= C_LOWER;
        uint16_t w = v;
        if (c >= 0xC3 && c <= 0xEF)
            w |= C_LEAD;
        if (c == '/')
            w |= C_SLASH;
        tix__cls[c] = w;
    }
}


/* Start of the host-name character that ends just before i, or i. */
size_t tix__name_char_back(const struct tix__text *t, size_t i)
{
    if (i == 0)
        return i;
    uint8_t c = t->p[i - 1];
    if (c < 0x80)
        return tix__is_alnum(c) || c == '-' ? i - 1 : i;
    size_t k = i - 1;
    while (k > 0 && i - k < 4 && (t->p[k] & 0xC0) == 0x80)
        k--;
    size_t len = tix__u8_name_letter(t->p + k, t->n - k);
    return len && k + len == i ? k : i;
}

