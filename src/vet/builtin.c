/* builtin.c - lists tix knows without being told: addresses and names that
 * are nobody's infrastructure by standard, each with the registry entry or
 * RFC that says so.
 *
 * Sources: the IANA IPv4 and IPv6 Special-Purpose Address Registries and
 * the IPv4/IPv6 Multicast Address Space Registries (the note is the
 * registry's name for the block and its reference), and the IANA
 * Special-Use Domain Names registry for the names.
 */
#include <stdlib.h>
#include <string.h>

#include "tix/vet.h"

typedef struct {
    const char *entry, *note;
} fact;

static const fact ipv4_special[] = {
    {"0.0.0.0/8", "\"This network\", RFC 791 section 3.2"},
    {"0.0.0.0/32", "\"This host on this network\", RFC 1122 section 3.2.1.3"},
    {"10.0.0.0/8", "Private-Use, RFC 1918"},
    {"100.64.0.0/10", "Shared Address Space, RFC 6598"},
    {"127.0.0.0/8", "Loopback, RFC 1122 section 3.2.1.3"},
    {"169.254.0.0/16", "Link Local, RFC 3927"},
    {"172.16.0.0/12", "Private-Use, RFC 1918"},
    {"192.0.0.0/24", "IETF Protocol Assignments, RFC 6890 section 2.1"},
    {"192.0.0.0/29", "IPv4 Service Continuity Prefix, RFC 7335"},
    {"192.0.0.8/32", "IPv4 dummy address, RFC 7600"},
    {"192.0.0.9/32", "Port Control Protocol Anycast, RFC 7723"},
    {"192.0.0.10/32", "Traversal Using Relays around NAT Anycast, RFC 8155"},
    {"192.0.0.170/32", "NAT64/DNS64 Discovery, RFC 8880, RFC 7050 section 2.2"},
    {"192.0.0.171/32", "NAT64/DNS64 Discovery, RFC 8880, RFC 7050 section 2.2"},
    {"192.0.2.0/24", "Documentation (TEST-NET-1), RFC 5737"},
    {"192.31.196.0/24", "AS112-v4, RFC 7535"},
    {"192.52.193.0/24", "AMT, RFC 7450"},
    {"192.88.99.0/24", "Deprecated (6to4 Relay Anycast), RFC 7526"},
    {"192.168.0.0/16", "Private-Use, RFC 1918"},
    {"192.175.48.0/24", "Direct Delegation AS112 Service, RFC 7534"},
    {"198.18.0.0/15", "Benchmarking, RFC 2544"},
    {"198.51.100.0/24", "Documentation (TEST-NET-2), RFC 5737"},
    {"203.0.113.0/24", "Documentation (TEST-NET-3), RFC 5737"},
    {"224.0.0.0/4", "Multicast (IPv4 Multicast Address Space Registry), RFC 5771"},
    {"240.0.0.0/4", "Reserved, RFC 1112 section 4"},
    {"255.255.255.255/32", "Limited Broadcast, RFC 8190, RFC 919 section 7"},
};

static const fact ipv6_special[] = {
    {"::1/128", "Loopback Address, RFC 4291"},
    {"::/128", "Unspecified Address, RFC 4291"},
    {"::ffff:0:0/96", "IPv4-mapped Address, RFC 4291"},
    {"64:ff9b::/96", "IPv4-IPv6 Translat., RFC 6052"},
    {"64:ff9b:1::/48", "IPv4-IPv6 Translat. (local use), RFC 8215"},
    {"100::/64", "Discard-Only Address Block, RFC 6666"},
    {"2001::/23", "IETF Protocol Assignments, RFC 2928"},
    {"2001::/32", "TEREDO, RFC 4380, RFC 8190"},
    {"2001:1::1/128", "Port Control Protocol Anycast, RFC 7723"},
    {"2001:1::2/128", "Traversal Using Relays around NAT Anycast, RFC 8155"},
    {"2001:2::/48", "Benchmarking, RFC 5180"},
    {"2001:3::/32", "AMT, RFC 7450"},
    {"2001:4:112::/48", "AS112-v6, RFC 7535"},
    {"2001:10::/28", "Deprecated (previously ORCHID), RFC 4843"},
    {"2001:20::/28", "ORCHIDv2, RFC 7343"},
    {"2001:db8::/32", "Documentation, RFC 3849"},
    {"2002::/16", "6to4, RFC 3056"},
    {"2620:4f:8000::/48", "Direct Delegation AS112 Service, RFC 7534"},
    {"3fff::/20", "Documentation, RFC 9637"},
    {"5f00::/16", "Segment Routing (SRv6) SIDs, RFC 9602"},
    {"fc00::/7", "Unique-Local, RFC 4193, RFC 8190"},
    {"fe80::/10", "Link-Local Unicast, RFC 4291"},
    {"ff00::/8", "Multicast (IPv6 Multicast Address Space Registry), RFC 4291"},
};

static const fact reserved_names[] = {
    {"test", "Reserved top-level name for testing, RFC 2606 section 2, RFC 6761 section 6.2"},
    {"example", "Reserved top-level name for examples, RFC 2606 section 2, RFC 6761 "
                "section 6.5"},
    {"invalid", "Reserved top-level name that is never valid, RFC 2606 section 2, RFC 6761 "
                "section 6.4"},
    {"localhost", "Loopback name, RFC 2606 section 2, RFC 6761 section 6.3"},
    {"example.com", "Reserved example domain, RFC 2606 section 3, RFC 6761 section 6.5"},
    {"example.net", "Reserved example domain, RFC 2606 section 3, RFC 6761 section 6.5"},
    {"example.org", "Reserved example domain, RFC 2606 section 3, RFC 6761 section 6.5"},
    {"local", "Multicast DNS, RFC 6762"},
    /* not "onion" (RFC 7686): an onion service is a real C&C that
     * partners must still receive, though no registrar can seize it */
    {"home.arpa", "Residential home networks, RFC 8375"},
    {"alt", "Alternative (non-DNS) name spaces, RFC 9476"},
    {"10.in-addr.arpa", "Reverse zone of private-use 10/8, RFC 6761 section 6.1"},
    {"16.172.in-addr.arpa", "Reverse zone of private-use 172.16/12, RFC 6761 section 6.1"},
    {"17.172.in-addr.arpa", "Reverse zone of private-use 172.16/12, RFC 6761 section 6.1"},
    {"18.172.in-addr.arpa", "Reverse zone of private-use 172.16/12, RFC 6761 section 6.1"},
    {"19.172.in-addr.arpa", "Reverse zone of private-use 172.16/12, RFC 6761 section 6.1"},
    {"20.172.in-addr.arpa", "Reverse zone of private-use 172.16/12, RFC 6761 section 6.1"},
    {"21.172.in-addr.arpa", "Reverse zone of private-use 172.16/12, RFC 6761 section 6.1"},
    {"22.172.in-addr.arpa", "Reverse zone of private-use 172.16/12, RFC 6761 section 6.1"},
    {"23.172.in-addr.arpa", "Reverse zone of private-use 172.16/12, RFC 6761 section 6.1"},
    {"24.172.in-addr.arpa", "Reverse zone of private-use 172.16/12, RFC 6761 section 6.1"},
    {"25.172.in-addr.arpa", "Reverse zone of private-use 172.16/12, RFC 6761 section 6.1"},
    {"26.172.in-addr.arpa", "Reverse zone of private-use 172.16/12, RFC 6761 section 6.1"},
    {"27.172.in-addr.arpa", "Reverse zone of private-use 172.16/12, RFC 6761 section 6.1"},
    {"28.172.in-addr.arpa", "Reverse zone of private-use 172.16/12, RFC 6761 section 6.1"},
    {"29.172.in-addr.arpa", "Reverse zone of private-use 172.16/12, RFC 6761 section 6.1"},
    {"30.172.in-addr.arpa", "Reverse zone of private-use 172.16/12, RFC 6761 section 6.1"},
    {"31.172.in-addr.arpa", "Reverse zone of private-use 172.16/12, RFC 6761 section 6.1"},
    {"168.192.in-addr.arpa", "Reverse zone of private-use 192.168/16, RFC 6761 section 6.1"},
    {"254.169.in-addr.arpa", "Reverse zone of link-local 169.254/16, RFC 6762 section 12"},
};

#define N(a) (sizeof a / sizeof a[0])

static const struct {
    const char *name, *title;
    tix_match_type match;
    uint32_t applies;
    const fact *facts;
    size_t n;
} builtins[] = {
    {"iana-ipv4-special", "IANA IPv4 Special-Purpose Address Registry and multicast",
     TIX_MATCH_CIDR, TIX_OBS_BIT(TIX_OBS_IPV4) | TIX_OBS_BIT(TIX_OBS_URL), ipv4_special,
     N(ipv4_special)},
    {"iana-ipv6-special", "IANA IPv6 Special-Purpose Address Registry and multicast",
     TIX_MATCH_CIDR, TIX_OBS_BIT(TIX_OBS_IPV6) | TIX_OBS_BIT(TIX_OBS_URL), ipv6_special,
     N(ipv6_special)},
    {"reserved-names", "Special-use and reserved domain names", TIX_MATCH_HOSTNAME,
     TIX_OBS_BIT(TIX_OBS_DOMAIN) | TIX_OBS_BIT(TIX_OBS_URL), reserved_names,
     N(reserved_names)},
    /* the user's: addresses, CIDRs, domains and name servers of sinkholes */
    {"sinkhole", "Sinkholes known to this installation", TIX_MATCH_HOSTNAME, 0, NULL, 0},
};

tix_err tix_lists_builtin(tix_list ***out, size_t *n, tix_diag *d)
{
    *out = NULL;
    *n = 0;
    size_t nb = N(builtins), made = 0;
    tix_list **lists = calloc(nb, sizeof *lists);
    if (lists == NULL)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    tix_err rc = TIX_EOK;
    for (; made < nb; made++) {
        tix_list *l;
        if ((rc = tix_list_new(&l, builtins[made].name, builtins[made].match,
                               TIX_LIST_BUILTIN, d)))
            goto fail;
        lists[made] = l;
        tix_list_defaults(l);
        if (builtins[made].applies)
            l->applies = builtins[made].applies;
        l->version = 1;
        l->title = strdup(builtins[made].title);
        if (l->title == NULL) {
            rc = tix_diag_set(d, TIX_ENOMEM, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < builtins[made].n; i++)
            if ((rc = tix_list_add(l, builtins[made].facts[i].entry,
                                   builtins[made].facts[i].note, d)))
                goto fail;
    }
    *out = lists;
    *n = nb;
    return TIX_EOK;
fail:
    tix_lists_free(lists, nb); /* calloc'd: unmade ones are NULL */
    return rc;
}
