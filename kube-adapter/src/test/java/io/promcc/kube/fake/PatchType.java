package io.promcc.kube.fake;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The patch types the API server accepts for built-in resources, by request content type. */
public enum PatchType {
  /** RFC 6902 operations. */
  JSON("application/json-patch+json"),
  /** RFC 7386: objects merge, {@code null} deletes, lists are replaced. */
  MERGE("application/merge-patch+json"),
  /** Kubernetes' strategic merge: lists with a merge key merge element by element. */
  STRATEGIC("application/strategic-merge-patch+json"),
  /** Server-side apply: YAML (or JSON), creates the object if it is missing. */
  APPLY("application/apply-patch+yaml");

  private final String contentType;

  PatchType(String contentType) {
    this.contentType = contentType;
  }

  /** The request content type of this patch type. */
  public String contentType() {
    return contentType;
  }

  /** The patch type of a {@code Content-Type} header (parameters such as charset ignored). */
  public static Optional<PatchType> of(String contentTypeHeader) {
    if (contentTypeHeader == null) {
      return Optional.empty();
    }
    int semicolon = contentTypeHeader.indexOf(';');
    String bare = (semicolon < 0 ? contentTypeHeader : contentTypeHeader.substring(0, semicolon))
        .trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(t -> t.contentType.equals(bare)).findFirst();
  }

  /** The API server's 415 answer for any other content type. */
  static ApiError unsupported() {
    return new ApiError(415, "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: "
            + Arrays.stream(values()).map(PatchType::contentType)
                .collect(Collectors.joining(", ")));
  }
}
