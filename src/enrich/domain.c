/* domain.c - the registered (registrable) domain of a name, per the public
 * suffix list libtix already loads for the extractor. */
#include <stdbool.h>
#include <string.h>

#include "core/canon.h"
#include "tix/enrich.h"

size_t tix_registered_domain(const char *name, size_t n, char *out, size_t cap)
{
    char z[256];
    if (cap)
        out[0] = '\0';
    if (name == NULL)
        return 0;
    if (n && name[n - 1] == '.')
        n--; /* the root */
    if (n == 0 || n >= sizeof z)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == '\0')
            return 0;
        z[i] = (char)tix__lower(c);
    }
    z[n] = '\0';
    /* libpsl reads a name under an unknown top-level label by the implicit
     * "*" rule ("foo.notatld" would be registrable); tix does not. */
    const char *tld = memrchr(z, '.', n);
    tld = tld ? tld + 1 : z;
    size_t tn = (size_t)(z + n - tld);
    bool known = tn < 24 ? (tix__tld_flags(tld, tn) & TIX_TLD_KNOWN) != 0
                         : psl_is_public_suffix2(tix__psl(), tld,
                                                 PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE) != 0;
    if (!known)
        return 0;
    const char *reg = psl_registrable_domain(tix__psl(), z);
    if (reg == NULL)
        return 0;
    size_t len = (size_t)(z + n - reg);
    if (len < cap)
        memcpy(out, reg, len + 1);
    return len;
}
