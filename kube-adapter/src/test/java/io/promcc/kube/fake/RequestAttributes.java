package io.promcc.kube.fake;

/**
 * What a request asks for, in the terms RBAC uses: verb ({@code list}, {@code watch},
 * {@code get}, {@code create}, {@code update}, {@code patch}, {@code delete}), API group,
 * resource, namespace (empty: cluster scope) and name (empty: a collection).
 */
record RequestAttributes(String verb, String group, String resource, String namespace,
    String name) {

  static RequestAttributes of(FakeRequest request) {
    String[] parts = request.path().replaceAll("^/+|/+$", "").split("/");
    String group = "";
    int at = 2; // after api/v1
    if (parts.length > 0 && parts[0].equals("apis")) {
      group = parts.length > 1 ? parts[1] : "";
      at = 3; // after apis/<group>/<version>
    }
    String namespace = "";
    if (parts.length > at + 2 && parts[at].equals("namespaces")) {
      namespace = parts[at + 1];
      at += 2;
    }
    String resource = parts.length > at ? parts[at] : "";
    String name = parts.length > at + 1 ? parts[at + 1] : "";
    String verb = switch (request.method()) {
      case "GET" -> request.isWatch() ? "watch" : name.isEmpty() ? "list" : "get";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> request.method().toLowerCase(java.util.Locale.ROOT);
    };
    return new RequestAttributes(verb, group, resource, namespace, name);
  }
}
