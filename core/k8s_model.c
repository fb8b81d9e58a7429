/* core/k8s_model: being written. */
