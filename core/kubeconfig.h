/* kubeconfig: the file kubectl reads (YAML, parsed with libyaml). */
#ifndef GC_CORE_KUBECONFIG_H
#define GC_CORE_KUBECONFIG_H

#include <stdbool.h>

/* What a source needs to reach one cluster, resolved from the selected context.
 * All strings are owned by the struct. Paths are made absolute relative to the
 * kubeconfig file's directory, as kubectl does. */
struct kube_target {
    char *context;          /* name of the context used */
    char *cluster;          /* cluster name */
    char *server;           /* https://host:port, no trailing slash */
    char *namespace;        /* context namespace, NULL if none */
    char *ca_file;          /* certificate-authority path, NULL if none */
    char *ca_data;          /* certificate-authority-data, decoded PEM, NULL if none */
    bool insecure;          /* insecure-skip-tls-verify */
    char *token;            /* users[].user.token, or the content of tokenFile (trimmed) */
    char *username;         /* basic auth */
    char *password;
    char *client_cert;      /* client-certificate path */
    char *client_cert_data; /* client-certificate-data, decoded PEM */
    char *client_key;
    char *client_key_data;
};

/* Loads the kubeconfig at `path` (if NULL: $KUBECONFIG's first file, else ~/.kube/config)
 * and resolves `context` (if NULL: current-context). On success fills *out and returns 0.
 * On failure returns -1 and sets *err (caller frees) to one line naming the file and the
 * problem: "kubeconfig /x: no such file", "/x:3: not YAML: ...", "context foo not found",
 * "context foo: user bar uses exec, which is not supported", "clusters[0].cluster.server:
 * expected a string".
 *
 * Error lines look like "kubeconfig FILE: problem", or "FILE:LINE: problem" when the problem
 * is at a place in the file (LINE counts from 1).
 *
 * $KUBECONFIG may list several files separated by ':'. kubectl merges them; this loader does
 * not (yet): it uses the first file of the list that exists and ignores the others. An unset
 * or empty $KUBECONFIG means ~/.kube/config.
 *
 * Like kubectl: tokenFile is read here (token wins when both are set); relative paths are
 * resolved against the directory of the kubeconfig file and must be readable; *-data fields
 * are base64-decoded and must decode to text (PEM); insecure-skip-tls-verify together with a
 * certificate authority, and token together with username/password, are errors. Users with
 * exec, auth-provider or impersonation (as, as-groups, ...) are refused as not supported.
 * The server must be an https:// or http:// URL. */
int kubeconfig_load(const char *path, const char *context, struct kube_target *out, char **err);

/* Frees the strings of *t (not t itself) and zeroes it. */
void kube_target_fini(struct kube_target *t);

/* The names of the contexts in the kubeconfig (same file choice as kubeconfig_load), for
 * completion. NULL-terminated; NULL when the file cannot be read. Free with
 * kubeconfig_contexts_free(). */
char **kubeconfig_contexts(const char *path);
void kubeconfig_contexts_free(char **names);

#endif
