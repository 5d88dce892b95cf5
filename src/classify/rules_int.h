/* rules_int.h - the compiled rule set. Not API. */
#ifndef TIX_CLASSIFY_RULES_INT_H
#define TIX_CLASSIFY_RULES_INT_H

#include <stddef.h>
#include <yara.h>

/* The namespace of the config extractors' own rules. */
#define TIX_RULES_BUILTIN_NS "tix"

struct tix_rules {
    YR_RULES *yr;
    size_t count;
};

#endif
