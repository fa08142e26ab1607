package io.promcc.kube.fake;

/**
 * A resourceVersion older than the {@link StoreHistory} keeps (compacted away, or beyond its
 * limit): a watch or a list from it is answered 410 Gone, as etcd's compaction makes the API
 * server answer.
 */
final class GoneException extends Exception {
  private static final long serialVersionUID = 1L;

  GoneException(String message) {
    super(message);
  }
}
