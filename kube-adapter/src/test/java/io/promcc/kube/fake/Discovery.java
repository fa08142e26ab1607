package io.promcc.kube.fake;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Discovery documents ({@code /version}, {@code /api}, {@code /apis}, resource lists). */
final class Discovery {
  private static final List<String> VERBS =
      List.of("create", "delete", "get", "list", "patch", "update", "watch");

  private Discovery() {}

  static JsonObject version() {
    JsonObject v = new JsonObject();
    v.addProperty("major", "1");
    v.addProperty("minor", "31");
    v.addProperty("gitVersion", "v1.31.0");
    v.addProperty("gitCommit", "0000000000000000000000000000000000000000");
    v.addProperty("gitTreeState", "clean");
    v.addProperty("buildDate", "2024-08-13T00:00:00Z");
    v.addProperty("goVersion", "go1.22.5");
    v.addProperty("compiler", "gc");
    v.addProperty("platform", "linux/amd64");
    return v;
  }

  static JsonObject apiVersions(InetSocketAddress address) {
    JsonObject o = new JsonObject();
    o.addProperty("kind", "APIVersions");
    JsonArray versions = new JsonArray();
    versions.add("v1");
    o.add("versions", versions);
    JsonArray cidrs = new JsonArray();
    JsonObject cidr = new JsonObject();
    cidr.addProperty("clientCIDR", "0.0.0.0/0");
    cidr.addProperty("serverAddress",
        address.getAddress().getHostAddress() + ":" + address.getPort());
    cidrs.add(cidr);
    o.add("serverAddressByClientCIDRs", cidrs);
    return o;
  }

  static JsonObject groupList() {
    JsonObject o = new JsonObject();
    o.addProperty("kind", "APIGroupList");
    o.addProperty("apiVersion", "v1");
    JsonArray groups = new JsonArray();
    groups().values().forEach(groups::add);
    o.add("groups", groups);
    return o;
  }

  static Optional<JsonObject> group(String name) {
    JsonObject group = groups().get(name);
    if (group == null) {
      return Optional.empty();
    }
    JsonObject copy = group.deepCopy();
    copy.addProperty("kind", "APIGroup");
    copy.addProperty("apiVersion", "v1");
    return Optional.of(copy);
  }

  static Optional<JsonObject> resourceList(String group, String version) {
    JsonArray resources = new JsonArray();
    for (ApiResource r : ApiResource.ALL) {
      if (r.group().equals(group) && r.version().equals(version)) {
        JsonObject entry = new JsonObject();
        entry.addProperty("name", r.plural());
        entry.addProperty("singularName", r.kind().toLowerCase(java.util.Locale.ROOT));
        entry.addProperty("namespaced", r.namespaced());
        entry.addProperty("kind", r.kind());
        JsonArray verbs = new JsonArray();
        VERBS.forEach(verbs::add);
        entry.add("verbs", verbs);
        resources.add(entry);
      }
    }
    if (resources.isEmpty()) {
      return Optional.empty();
    }
    JsonObject o = new JsonObject();
    o.addProperty("kind", "APIResourceList");
    o.addProperty("apiVersion", "v1");
    o.addProperty("groupVersion", group.isEmpty() ? version : group + "/" + version);
    o.add("resources", resources);
    return Optional.of(o);
  }

  private static Map<String, JsonObject> groups() {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    for (ApiResource r : ApiResource.ALL) {
      if (r.group().isEmpty() || out.containsKey(r.group())) {
        continue;
      }
      JsonObject gv = new JsonObject();
      gv.addProperty("groupVersion", r.apiVersion());
      gv.addProperty("version", r.version());
      JsonObject group = new JsonObject();
      group.addProperty("name", r.group());
      JsonArray versions = new JsonArray();
      versions.add(gv);
      group.add("versions", versions);
      group.add("preferredVersion", gv.deepCopy());
      out.put(r.group(), group);
    }
    return out;
  }
}
