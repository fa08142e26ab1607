package io.promcc.kube.fake;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * What {@link FakeKubeApi} serves at each path: version, health and metrics pages, discovery,
 * and per resource list, watch, get, create, update, patch, delete and the API-server proxy.
 * An {@link ApiError} thrown here is answered as the API server's {@code Status}. Thread-safe.
 */
final class Routes {
  private final ObjectStore store;
  private final Faults faults;
  private final MetricsPages metricsPages;
  private final Supplier<InetSocketAddress> address;
  private final Duration bookmarkInterval;
  private final Duration maxWatchTimeout;
  private final AtomicInteger proxyHits = new AtomicInteger();
  private volatile boolean unknownFields;

  /** @param address the server's, for discovery's {@code serverAddressByClientCIDRs} */
  Routes(ObjectStore store, Faults faults, MetricsPages metricsPages,
      Supplier<InetSocketAddress> address, Duration bookmarkInterval, Duration maxWatchTimeout,
      boolean unknownFields) {
    this.store = store;
    this.faults = faults;
    this.metricsPages = metricsPages;
    this.address = address;
    this.bookmarkInterval = bookmarkInterval;
    this.maxWatchTimeout = maxWatchTimeout;
    this.unknownFields = unknownFields;
  }

  /** Serves objects with fields no client model knows, or no longer. */
  void serveUnknownFields(boolean on) {
    unknownFields = on;
  }

  /** Requests answered through the API-server proxy. */
  int proxyHits() {
    return proxyHits.get();
  }

  void route(HttpExchange exchange, FakeRequest request) throws IOException {
    // clients differ on trailing slashes (client-java asks for "/version/")
    String path = request.path().length() > 1 ? request.path().replaceAll("/+$", "") : "/";
    List<String> parts = new ArrayList<>(Arrays.asList(path.replaceAll("^/+|/+$", "").split("/")));
    if (path.equals("/version")) {
      Answers.sendJson(exchange, 200, Discovery.version());
      return;
    }
    if (path.equals("/metrics")) {
      String page = "# HELP fake_apiserver_info The fake API server's own metrics page.\n"
          + "# TYPE fake_apiserver_info gauge\nfake_apiserver_info 1\n"
          + metricsPages.get(path).orElse("");
      Answers.send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
          page.getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (path.equals("/healthz") || path.equals("/readyz") || path.equals("/livez")) {
      Answers.send(exchange, 200, "text/plain", "ok".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (parts.get(0).equals("api")) {
      if (parts.size() == 1) {
        Answers.sendJson(exchange, 200, Discovery.apiVersions(address.get()));
        return;
      }
      if (parts.get(1).equals("v1")) {
        serveGroupVersion(exchange, request, "", "v1", parts.subList(2, parts.size()));
        return;
      }
    } else if (parts.get(0).equals("apis")) {
      if (parts.size() == 1) {
        Answers.sendJson(exchange, 200, Discovery.groupList());
        return;
      }
      if (parts.size() == 2) {
        Answers.sendJson(exchange, 200, Discovery.group(parts.get(1))
            .orElseThrow(Routes::noSuchPath));
        return;
      }
      serveGroupVersion(exchange, request, parts.get(1), parts.get(2),
          parts.subList(3, parts.size()));
      return;
    }
    throw noSuchPath();
  }

  private void serveGroupVersion(HttpExchange exchange, FakeRequest request, String group,
      String version, List<String> rest) throws IOException {
    if (rest.isEmpty()) {
      Answers.sendJson(exchange, 200, Discovery.resourceList(group, version)
          .orElseThrow(Routes::noSuchPath));
      return;
    }
    String namespace = null;
    List<String> tail = rest;
    if (rest.get(0).equals("namespaces") && rest.size() >= 3) {
      namespace = rest.get(1);
      tail = rest.subList(2, rest.size());
    }
    ApiResource resource = ApiResource.find(group, version, tail.get(0))
        .orElseThrow(Routes::noSuchPath);
    if (namespace != null && !resource.namespaced()) {
      throw noSuchPath();
    }
    if (tail.size() >= 3 && tail.get(2).equals("proxy") && (resource.equals(ApiResource.NODES)
        || resource.equals(ApiResource.PODS) || resource.equals(ApiResource.SERVICES))) {
      serveProxy(exchange, resource, namespace, tail.get(1),
          "/" + String.join("/", tail.subList(3, tail.size())), request.path());
      return;
    }
    if (tail.size() == 1) {
      serveCollection(exchange, request, resource, namespace);
    } else if (tail.size() == 2) {
      serveItem(exchange, request, resource, namespace, tail.get(1));
    } else {
      throw noSuchPath();
    }
  }

  private void serveCollection(HttpExchange exchange, FakeRequest request, ApiResource resource,
      String namespace) throws IOException {
    switch (request.method()) {
      case "GET" -> {
        Selector labels = Selector.labels(request.query().get("labelSelector"));
        Selector fields = Selector.fields(request.query().get("fieldSelector"));
        WatchListOptions.Mode mode = WatchListOptions.mode(request.query(), request.isWatch());
        if (request.isWatch()) {
          serveWatch(exchange, request, resource, namespace, labels, fields, mode);
          return;
        }
        // version and items are read atomically, so a watch from this version misses nothing
        ListPages.Page page = ListPages.page(store, resource, namespace, labels, fields,
            request.query(), faults.staleRevision());
        JsonObject list = new JsonObject();
        list.addProperty("kind", resource.kind() + "List");
        list.addProperty("apiVersion", resource.apiVersion());
        list.add("metadata", page.metadata());
        JsonArray items = new JsonArray();
        page.items().forEach(o -> items.add(served(o)));
        JsonElement next = page.metadata().get("continue");
        if (next == null || next.isJsonNull() || next.getAsString().isEmpty()) {
          // at the end of the list: on its last page only, as one list, however it is paged
          faults.itemsAddedTo(request).forEach(items::add);
        }
        list.add("items", items);
        Answers.sendJson(exchange, 200, served(list));
      }
      case "POST" -> {
        if (namespace == null && resource.namespaced()) {
          throw new ApiError(405, "MethodNotAllowed", "create needs a namespace");
        }
        Answers.sendJson(exchange, 201,
            served(store.create(resource, namespace, Answers.readBody(exchange))));
      }
      default -> throw new ApiError(405, "MethodNotAllowed",
          "the server does not allow this method on the requested resource");
    }
  }

  private void serveItem(HttpExchange exchange, FakeRequest request, ApiResource resource,
      String namespace, String name) throws IOException {
    if (resource.namespaced() && namespace == null) {
      throw noSuchPath();
    }
    switch (request.method()) {
      case "GET" -> Answers.sendJson(exchange, 200, served(store.get(resource, namespace, name)));
      case "PUT" -> {
        JsonObject body = Answers.readBody(exchange);
        String bodyName = Selector.fieldValue(body, "metadata.name");
        if (!bodyName.isEmpty() && !bodyName.equals(name)) {
          throw new ApiError(400, "BadRequest", "the name of the object (" + bodyName
              + ") does not match the name on the URL (" + name + ")");
        }
        StoreJson.metadata(body).addProperty("name", name);
        Answers.sendJson(exchange, 200, served(store.update(resource, namespace, body)));
      }
      case "PATCH" -> {
        PatchType type = PatchType.of(request.header("content-type").orElse(null))
            .orElseThrow(PatchType::unsupported);
        ObjectStore.Patched patched = store.patch(resource, namespace, name, type,
            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
            request.query().get("fieldManager"));
        Answers.sendJson(exchange, patched.created() ? 201 : 200, served(patched.object()));
      }
      case "DELETE" -> Answers.sendJson(exchange, 200,
          served(store.delete(resource, namespace, name)));
      default -> throw new ApiError(405, "MethodNotAllowed",
          "the server does not allow this method on the requested resource");
    }
  }

  private void serveWatch(HttpExchange exchange, FakeRequest request, ApiResource resource,
      String namespace, Selector labels, Selector fields, WatchListOptions.Mode mode)
      throws IOException {
    boolean bookmarks = "true".equals(request.query().get("allowWatchBookmarks"));
    Duration timeout = maxWatchTimeout;
    String timeoutSeconds = request.query().get("timeoutSeconds");
    if (timeoutSeconds != null && !timeoutSeconds.isEmpty()) {
      Duration asked = Duration.ofSeconds(Long.parseLong(timeoutSeconds));
      // 0 is no timeout asked for: the API server then picks its own (get.go), as here
      if (!asked.isZero() && asked.compareTo(timeout) < 0) {
        timeout = asked;
      }
    }
    StoreWatches.Subscription subscription;
    try {
      // before the headers, so a malformed resourceVersion is still answered with 400
      String version = request.query().get("resourceVersion");
      subscription = switch (mode) {
        // the bookmark ending the initial events goes only to a watch that allows bookmarks
        case INITIAL_EVENTS -> store.subscribeWithInitialEvents(resource, namespace, labels,
            fields, bookmarks);
        // no version (or "0") is the newest: the changes from now, without the objects
        case NO_INITIAL_EVENTS -> store.subscribe(resource, namespace, labels, fields,
            version == null || version.isEmpty() || version.equals("0")
                ? Long.toString(store.resourceVersion()) : version);
        case PLAIN -> store.subscribe(resource, namespace, labels, fields, version);
      };
    } catch (GoneException e) {
      // the API server answers 200 and then a 410 ERROR event, which clients rely on
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0);
      Answers.writeEvent(exchange.getResponseBody(), "ERROR",
          Answers.statusJson(new ApiError(410, "Expired", e.getMessage())));
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set("Cache-Control", "no-cache, private");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      while (true) {
        if (faults.watchesStalled()) {
          // a partition: say nothing, end nothing; the client's read timeout must notice
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
          if (Thread.interrupted()) {
            return;
          }
          continue;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        long wait = bookmarks ? Math.min(left, bookmarkInterval.toNanos()) : left;
        Object item = subscription.queue.poll(wait, TimeUnit.NANOSECONDS);
        if (item == null) {
          long version = bookmarks ? store.bookmarkVersion(subscription) : -1;
          if (version > 0) {
            Answers.writeEvent(out, "BOOKMARK", served(bookmark(resource, version, false)));
          }
        } else if (item instanceof StoreWatches.InitialEventsEnd end) {
          Answers.writeEvent(out, "BOOKMARK", served(bookmark(resource, end.revision(), true)));
        } else if (item instanceof StoreWatches.EndOfWatch end) {
          if (end.error() != null) {
            Answers.writeEvent(out, "ERROR", Answers.statusJson(end.error()));
          }
          return;
        } else if (item instanceof StoreWatches.WatchEvent event) {
          Answers.writeEvent(out, event.type(), served(event.object()));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      store.unsubscribe(subscription);
    }
  }

  /**
   * A bookmark at {@code version}; the one ending a streaming list's initial events carries the
   * annotation {@code k8s.io/initial-events-end: "true"}, which client-go waits for.
   */
  private static JsonObject bookmark(ApiResource resource, long version, boolean initialEnd) {
    JsonObject bookmark = new JsonObject();
    bookmark.addProperty("kind", resource.kind());
    bookmark.addProperty("apiVersion", resource.apiVersion());
    JsonObject meta = new JsonObject();
    meta.addProperty("resourceVersion", Long.toString(version));
    if (initialEnd) {
      JsonObject annotations = new JsonObject();
      annotations.addProperty("k8s.io/initial-events-end", "true");
      meta.add("annotations", annotations);
    }
    bookmark.add("metadata", meta);
    return bookmark;
  }

  private void serveProxy(HttpExchange exchange, ApiResource resource, String namespace,
      String target, String subPath, String fullPath) throws IOException {
    if (resource.equals(ApiResource.SERVICES)) {
      // a service proxy target may name the scheme first: [https:]name[:port]
      target = target.replaceFirst("^https?:", "");
    }
    int colon = target.lastIndexOf(':');
    String name = colon < 0 ? target : target.substring(0, colon);
    String port = colon < 0 ? "" : target.substring(colon + 1);
    store.get(resource, namespace, name); // 404 if the node or pod does not exist
    proxyHits.incrementAndGet();
    String labels = "kind=\"" + resource.kind().toLowerCase(java.util.Locale.ROOT) + "\",name=\""
        + name + "\",port=\"" + port + "\",path=\"" + subPath + "\"";
    String page = "# HELP fake_proxy_target_info A target reached through the fake API proxy.\n"
        + "# TYPE fake_proxy_target_info gauge\n"
        + "fake_proxy_target_info{" + labels + "} 1\n"
        + metricsPages.get(fullPath).orElse("");
    Answers.send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
        page.getBytes(StandardCharsets.UTF_8));
  }

  private static ApiError noSuchPath() {
    return new ApiError(404, "NotFound", "the server could not find the requested resource");
  }

  /** An object as served: with unknown fields when {@link #serveUnknownFields} is on. */
  private JsonObject served(JsonObject object) {
    return unknownFields ? UnknownFields.add(object) : object;
  }
}
