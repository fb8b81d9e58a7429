/* The help overlay's entries. */
#include "tui/help.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static struct help_entry *help_push(struct help_list *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->e = xrealloc(l->e, l->cap * sizeof *l->e);
    }
    l->e[l->n] = (struct help_entry){NULL, NULL, NULL};
    return &l->e[l->n++];
}

void help_heading(struct help_list *l, const char *text)
{
    help_push(l)->text = xstrdup(text);
}

void help_add(struct help_list *l, const char *keys, const char *text, const char *off)
{
    struct help_entry *e = help_push(l);

    e->keys = xstrdup(keys);
    e->text = xstrdup(text);
    e->off = off != NULL ? xstrdup(off) : NULL;
}

void help_add_keys(struct help_list *l, const struct help_key *keys)
{
    for (; keys != NULL && keys->keys != NULL; keys++) {
        help_add(l, keys->keys, keys->text, NULL);
    }
}

const struct help_entry *help_find(const struct help_list *l, const char *text)
{
    for (size_t i = 0; i < l->n; i++) {
        if (l->e[i].keys != NULL && strstr(l->e[i].text, text) != NULL) {
            return &l->e[i];
        }
    }
    return NULL;
}

void help_free(struct help_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->e[i].keys);
        free(l->e[i].text);
        free(l->e[i].off);
    }
    free(l->e);
    *l = (struct help_list){NULL, 0, 0};
}
