/* core/kubeconfig: being written. */
