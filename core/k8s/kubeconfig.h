/* kubeconfig: the files kubectl reads and merges (YAML, parsed with libyaml). */
#ifndef GC_CORE_KUBECONFIG_H
#define GC_CORE_KUBECONFIG_H

#include <stdbool.h>

/* What a source needs to reach one cluster, resolved from the selected context.
 * All strings are owned by the struct. Paths are made absolute relative to the directory of
 * the kubeconfig file that defined the cluster or user, as kubectl does. */
struct kube_target {
    char *context;   /* name of the context used */
    char *cluster;   /* cluster name */
    char *server;    /* https://host:port, no trailing slash */
    char *namespace; /* context namespace, NULL if none */
    char *ca_file;   /* certificate-authority path, NULL if none */
    char *ca_data;   /* certificate-authority-data, decoded PEM, NULL if none */
    bool insecure;   /* insecure-skip-tls-verify */
    char *token;     /* users[].user.token, or the content of tokenFile (see below) */
    char *username;  /* basic auth */
    char *password;
    char *client_cert;      /* client-certificate path */
    char *client_cert_data; /* client-certificate-data, decoded PEM */
    char *client_key;
    char *client_key_data;
};

/* Loads the kubeconfig as kubectl does and resolves `context` (if NULL or "": the
 * current-context). On success fills *out and returns 0. On failure returns -1, leaves *out
 * empty and sets *err (caller frees) to one line naming the file and the problem.
 *
 * Which files: `path` alone when given (--kubeconfig, [kubernetes] kubeconfig; it must exist);
 * else the files listed in $KUBECONFIG, separated by ':' (empty entries and files that do not
 * exist are skipped, a file listed twice is read once, at least one must exist); else
 * ~/.kube/config (it must exist).
 *
 * Merging, in list order: for clusters, users and contexts the first file that defines a name
 * wins, whole (a later entry of the same name is ignored, never merged field by field);
 * current-context comes from the first file that sets it to a non-empty value. Every file
 * read must parse: a file that exists but cannot be read or decoded fails the load even when
 * the context lives in another file. An empty file contributes nothing.
 *
 * Error lines look like "FILE:LINE: problem" when the problem is at a place in a file (LINE
 * counts from 1), else "kubeconfig FILE: problem", FILE being the file that defined the entry
 * at fault, or every file read, joined with ':', for a problem of the whole set:
 * "kubeconfig /x: no such file", "/x:3: not YAML: ...", "/x:4: contexts[1]: duplicate name a
 * (also contexts[0])", "kubeconfig /x:/y: context foo not found", "kubeconfig /y: context foo:
 * user bar uses exec, which is not supported", "/y:8: clusters[0].cluster.server: expected a
 * string, got a mapping". No message quotes a token, a password or key material.
 *
 * A token, username or password holding a CR or LF is refused (it goes into an HTTP
 * header); the message names the file and the user entry, never the value. A tokenFile's
 * content loses one line break at its end (LF or CR LF) and the spaces and tabs around it;
 * any other CR or LF refuses it (kubectl trims all white space instead).
 *
 * Like kubectl: tokenFile is read here (token wins when both are set); relative paths are
 * resolved against the directory of the file that defined them and must be readable; *-data
 * fields are base64-decoded and must decode to text (PEM). These are errors, as kubectl
 * refuses them too: insecure-skip-tls-verify together with a certificate authority; a
 * file path and its *-data field both set (certificate-authority, client-certificate,
 * client-key); a client certificate without a client key; token together with
 * username/password. Users with exec, auth-provider or impersonation (as, as-groups, ...) are
 * refused as not supported. Stricter than kubectl: a context's user that no file defines is
 * an error (kubectl goes on without credentials). The server must be an https:// or http://
 * URL. */
int kubeconfig_load(const char *path, const char *context, struct kube_target *out, char **err);

/* Frees the strings of *t (not t itself) and zeroes it. */
void kube_target_fini(struct kube_target *t);

/* The names of the contexts of the merged kubeconfig (same files as kubeconfig_load), for
 * completion: each name once, in the order of the files and of each file's list.
 * NULL-terminated, possibly empty; NULL when the files cannot be loaded (none exists, or one
 * cannot be read or parsed). Caller frees with kubeconfig_contexts_free(). */
char **kubeconfig_contexts(const char *path);
void kubeconfig_contexts_free(char **names);

#endif
