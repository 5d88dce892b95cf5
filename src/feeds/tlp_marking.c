/* tlp_marking.c - the STIX marking definitions that say a TLP level: the
 * four STIX 2.1 predefines (TLP 1.0, spec section 7.2.1.4) and the five of
 * FIRST's TLP 2.0 as the OASIS extension defines them. Bundles refer to
 * them by id without carrying them, so every reader and writer of STIX
 * needs the same table. */
#include <string.h>

#include "tix/feed.h"

static const char *const tlp2[] = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
};

static const struct {
    const char *id;
    tix_tlp tlp;
} tlp1[] = {
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", TIX_TLP_CLEAR},
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", TIX_TLP_GREEN},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", TIX_TLP_AMBER},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", TIX_TLP_RED},
};

const char *tix_tlp_marking_id(tix_tlp t)
{
    return tlp2[t < TIX_TLP_CLEAR ? TIX_TLP_CLEAR : t > TIX_TLP_RED ? TIX_TLP_RED : t];
}

tix_tlp tix_tlp_of_marking_id(const char *id)
{
    for (int t = TIX_TLP_CLEAR; t <= TIX_TLP_RED; t++)
        if (strcmp(id, tlp2[t]) == 0)
            return (tix_tlp)t;
    for (size_t i = 0; i < sizeof tlp1 / sizeof tlp1[0]; i++)
        if (strcmp(id, tlp1[i].id) == 0)
            return tlp1[i].tlp;
    return TIX_TLP_UNSET;
}
