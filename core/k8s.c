/* core/k8s: not yet written. */
