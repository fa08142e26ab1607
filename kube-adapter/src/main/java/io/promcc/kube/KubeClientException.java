package io.promcc.kube;

import io.promcc.core.model.PromccException;

/** The Kubernetes client cannot be set up, e.g. an unreadable or invalid kubeconfig. */
public final class KubeClientException extends PromccException {
  private static final long serialVersionUID = 1L;

  public KubeClientException(String message, Throwable cause) {
    super(message, cause);
  }
}
