/* policy.c - the names of the vetting enums, and what a list's name says
 * of its kind and policy. */
#include <string.h>

#include "tix/vet.h"

static int find(const char *const *names, int n, const char *name)
{
    if (name == NULL)
        return -1;
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

static const char *const match_names[] = {
#define X(e, n) n,
    TIX_MATCH_MAP(X)
#undef X
};

const char *tix_match_name(tix_match_type m)
{
    return (unsigned)m < TIX_MATCH_COUNT ? match_names[m] : NULL;
}

int tix_match_from_name(const char *name)
{
    return find(match_names, TIX_MATCH_COUNT, name);
}

static const char *const policy_names[] = {"block", "warn"};

const char *tix_policy_name(tix_policy p)
{
    return (unsigned)p <= TIX_POLICY_WARN ? policy_names[p] : NULL;
}

int tix_policy_from_name(const char *name)
{
    return find(policy_names, 2, name);
}

static const char *const origin_names[] = {"builtin", "misp", "user"};

const char *tix_list_origin_name(tix_list_origin o)
{
    return (unsigned)o <= TIX_LIST_USER ? origin_names[o] : NULL;
}

int tix_list_origin_from_name(const char *name)
{
    return find(origin_names, 3, name);
}

static const char *const kind_names[] = {
#define X(e, n) n,
    TIX_LIST_KIND_MAP(X)
#undef X
};

const char *tix_list_kind_name(tix_list_kind k)
{
    return (unsigned)k < TIX_LIST_KIND_COUNT ? kind_names[k] : NULL;
}

int tix_list_kind_from_name(const char *name)
{
    return find(kind_names, TIX_LIST_KIND_COUNT, name);
}

/* What each list name means, first match wins; a name ending in '*' is a
 * prefix. A list not named here is benign and blocks: it names things that
 * are known and harmless (top sites, scanners, public resolvers, CA
 * certificates, empty-file hashes), so an indicator on it is a false
 * positive.
 *
 * warn, not block, when the listed thing is shared by its owner with
 * whoever pays or signs up, so that a real C&C may live there: the
 * indicator stays actionable, the flag says that a seizure goes through the
 * provider and that blocking it hits the provider's other customers. */
static const struct {
    const char *name;
    tix_list_kind kind;
    tix_policy policy;
} table[] = {
    /* built into tix: never anyone's infrastructure */
    {"iana-ipv4-special", TIX_LIST_KIND_SPECIAL, TIX_POLICY_BLOCK},
    {"iana-ipv6-special", TIX_LIST_KIND_SPECIAL, TIX_POLICY_BLOCK},
    {"reserved-names", TIX_LIST_KIND_RESERVED, TIX_POLICY_BLOCK},
    /* an address already taken over by the good side: acting on it only
     * tells the owner of infected machines what the sinkhole sees */
    {"sinkhole", TIX_LIST_KIND_SINKHOLE, TIX_POLICY_BLOCK},
    {"sinkholes", TIX_LIST_KIND_SINKHOLE, TIX_POLICY_BLOCK},
    /* MISP's copies of the special-purpose registries */
    {"rfc1918", TIX_LIST_KIND_SPECIAL, TIX_POLICY_BLOCK},
    {"rfc3849", TIX_LIST_KIND_SPECIAL, TIX_POLICY_BLOCK},
    {"rfc5735", TIX_LIST_KIND_SPECIAL, TIX_POLICY_BLOCK},
    {"rfc6598", TIX_LIST_KIND_SPECIAL, TIX_POLICY_BLOCK},
    {"multicast", TIX_LIST_KIND_SPECIAL, TIX_POLICY_BLOCK},
    {"ipv6-linklocal", TIX_LIST_KIND_SPECIAL, TIX_POLICY_BLOCK},
    {"rfc6761", TIX_LIST_KIND_RESERVED, TIX_POLICY_BLOCK},
    /* rentable compute: anyone's server may be there */
    {"amazon-aws", TIX_LIST_KIND_CLOUD, TIX_POLICY_WARN},
    {"google-gcp", TIX_LIST_KIND_CLOUD, TIX_POLICY_WARN},
    /* application ids, not address space */
    {"microsoft-azure-appid", TIX_LIST_KIND_BENIGN, TIX_POLICY_BLOCK},
    {"microsoft-azure*", TIX_LIST_KIND_CLOUD, TIX_POLICY_WARN},
    {"oracle-oci", TIX_LIST_KIND_CLOUD, TIX_POLICY_WARN},
    {"ovh-cluster", TIX_LIST_KIND_CLOUD, TIX_POLICY_WARN},
    {"tenable-cloud-*", TIX_LIST_KIND_CLOUD, TIX_POLICY_WARN},
    {"palo-alto-networks-cortex-cloud", TIX_LIST_KIND_CLOUD, TIX_POLICY_WARN},
    /* Living Off Trusted Sites: services attackers host on, a subdomain
     * of them is often the attacker's own */
    {"lots-project", TIX_LIST_KIND_CLOUD, TIX_POLICY_WARN},
    /* Zscaler is a security proxy, not hosting: its addresses are its
     * customers' egress, where no C&C lives, so a hit is benign */
    {"zscaler", TIX_LIST_KIND_BENIGN, TIX_POLICY_BLOCK},
    /* content delivery: the origin behind the edge may be anyone's */
    {"akamai", TIX_LIST_KIND_CDN, TIX_POLICY_WARN},
    {"cloudflare", TIX_LIST_KIND_CDN, TIX_POLICY_WARN},
    {"fastly", TIX_LIST_KIND_CDN, TIX_POLICY_WARN},
    {"stackpath", TIX_LIST_KIND_CDN, TIX_POLICY_WARN},
    {"bunny-net", TIX_LIST_KIND_CDN, TIX_POLICY_WARN},
    /* a subdomain anyone can register: the name under it is the actor's */
    {"dynamic-dns", TIX_LIST_KIND_DYNDNS, TIX_POLICY_WARN},
    /* the short link (or the link page) is the actor's, the host is not */
    {"url-shortener", TIX_LIST_KIND_SHORTENER, TIX_POLICY_WARN},
    {"link-in-bio", TIX_LIST_KIND_SHORTENER, TIX_POLICY_WARN},
    /* benign, but the thing on them can still be the actor's: a throwaway
     * mailbox, a VPN exit, a university host, a parked (soon re-sold) name */
    {"disposable-email", TIX_LIST_KIND_BENIGN, TIX_POLICY_WARN},
    {"vpn-ipv4", TIX_LIST_KIND_BENIGN, TIX_POLICY_WARN},
    {"vpn-ipv6", TIX_LIST_KIND_BENIGN, TIX_POLICY_WARN},
    {"university_domains", TIX_LIST_KIND_BENIGN, TIX_POLICY_WARN},
    {"parking-domain", TIX_LIST_KIND_BENIGN, TIX_POLICY_WARN},
    {"parking-domain-ns", TIX_LIST_KIND_BENIGN, TIX_POLICY_WARN},
};

static int name_matches(const char *pattern, const char *name)
{
    size_t n = strlen(pattern);
    if (n && pattern[n - 1] == '*')
        return strncmp(pattern, name, n - 1) == 0;
    return strcmp(pattern, name) == 0;
}

void tix_list_defaults(tix_list *l)
{
    if (l == NULL || l->name == NULL)
        return;
    l->kind = TIX_LIST_KIND_BENIGN;
    l->policy = TIX_POLICY_BLOCK;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (name_matches(table[i].name, l->name)) {
            l->kind = table[i].kind;
            l->policy = table[i].policy;
            return;
        }
    }
}
