/* Kubernetes label and field selectors: parse once per request, match many objects.
 * Labels: k=v, k==v, k!=v, k, !k, k in (a,b), k notin (a,b); commas AND requirements.
 * Fields: k=v, k==v, k!=v. */
#ifndef GC_SIM_K8S_SELECTOR_H
#define GC_SIM_K8S_SELECTOR_H

#include <stdbool.h>
#include <stddef.h>

enum selector_op { SEL_EQ, SEL_NEQ, SEL_EXISTS, SEL_NOT_EXISTS, SEL_IN, SEL_NOTIN };

struct selector_req {
    char *key;
    int op;
    size_t n_values;
    char **values;
};

struct selector {
    size_t n;
    struct selector_req *reqs;
};

/* Parses text (NULL or "" selects everything) into out, which the caller releases with
 * selector_free() whatever the result. Returns 0, or -1 with a message in err. */
int selector_parse_labels(const char *text, struct selector *out, char *err, size_t errsize);
int selector_parse_fields(const char *text, struct selector *out, char *err, size_t errsize);
void selector_free(struct selector *s);

/* True when every requirement holds for the n key/value pairs. */
bool selector_match(const struct selector *s, const char *const *keys, const char *const *vals,
                    size_t n);

#endif
