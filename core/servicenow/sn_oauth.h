/* OAuth 2 for ServiceNow ([servicenow] client_id and client_secret_file): a token from the
 * instance's /oauth_token.do, by the password grant when [servicenow] user is set (with its
 * password), else by client credentials; refreshed (refresh_token grant when one came, else
 * the first grant again) a minute before it expires, or at half its life when that is
 * shorter. The token goes into a buffer the requests' options point at (http_opts.bearer), and
 * nowhere else: never in the log, an error or the screen. Loop thread only. */
#ifndef GC_CORE_SERVICENOW_SN_OAUTH_H
#define GC_CORE_SERVICENOW_SN_OAUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/http.h"

struct gc_config;
struct loop;
struct sn_oauth;

/* Told after each attempt: ok, or why not (one line, sanitized, no secret). */
typedef void (*sn_oauth_fn)(bool ok, const char *why, void *arg);

struct sn_oauth_config {
    const char *token_url;     /* https://instance/oauth_token.do (copied) */
    const char *client_id;     /* copied */
    const char *client_secret; /* copied; wiped when freed */
    const char *user;          /* the password grant's; NULL: client credentials (copied) */
    const char *password;      /* copied; wiped when freed */
    const struct http_opts *tls; /* TLS and counters of the token requests (borrowed) */
    char *bearer;              /* where the token goes (borrowed; "" until the first) */
    size_t bearer_size;
};

struct sn_oauth *sn_oauth_new(struct loop *l, struct http *h, const struct sn_oauth_config *c,
                              sn_oauth_fn fn, void *arg);
/* [servicenow] client_id's OAuth for the requests to the instance at `base` made with *opts:
 * the client secret read (client_secret_file or its environment variable), the token asked of
 * base/oauth_token.do with opts' TLS (the password grant when [servicenow] user is set), and
 * *opts turned from user and password to the token in `bearer`. NULL with *err (caller frees)
 * when the secret cannot be read. Used by the ServiceNow source and the SLA's incidents. */
struct sn_oauth *sn_oauth_configure(struct loop *l, struct http *h, const struct gc_config *cfg,
                                    const char *base, struct http_opts *opts, char *bearer,
                                    size_t bearer_size, sn_oauth_fn fn, void *arg, char **err);

/* Asks for a token now; then keeps it fresh, and retries every 30 s while it is refused. */
void sn_oauth_start(struct sn_oauth *o);
/* Stops the request and the timers. */
void sn_oauth_stop(struct sn_oauth *o);
void sn_oauth_free(struct sn_oauth *o);

#endif
