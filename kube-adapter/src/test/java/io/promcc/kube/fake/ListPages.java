package io.promcc.kube.fake;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A list request as the API server's etcd store answers it (k8s.io/apiserver storage/etcd3):
 * with {@code limit}, at most that many items and a {@code metadata.continue} token while keys
 * are left; a continued list reads at the first page's resourceVersion, so every page shows
 * one consistent state and carries that version; a token whose version was compacted away is
 * answered 410 {@code Expired} with a token that continues at the current state, as etcd3's
 * {@code handleCompactedErrorForPaging}. Stateless; the caller's store is locked while reading.
 */
final class ListPages {
  private static final String TOKEN_VERSION = "meta.k8s.io/v1";
  /** A token's version that means "continue at the current state" (an inconsistent remainder). */
  private static final long LATEST = -1;
  private static final String INCONSISTENT_CONTINUE = "The provided continue parameter is too "
      + "old to display a consistent list result. You can start a new list without the "
      + "continue parameter, or use the continue token in this response to retrieve the "
      + "remainder of the results. Continuing with the provided token results in an "
      + "inconsistent list - objects that were created, modified, or deleted between the time "
      + "the first chunk was returned and now may show up in the list.";

  private ListPages() {}

  /** A list's {@code metadata} and its items. */
  record Page(JsonObject metadata, List<JsonObject> items) {}

  /**
   * One page of a list; {@code staleRevision}, if present, is the revision a list that accepts
   * any version ({@code resourceVersion=0}, no continue token) is answered at, as by a watch
   * cache that is behind.
   *
   * @throws ApiError 400 for a malformed {@code limit} or continue token, or a continue with a
   *     resourceVersion; 410 Expired for a token whose resourceVersion was compacted
   */
  static Page page(ObjectStore store, ApiResource resource, String namespace, Selector labels,
      Selector fields, Map<String, String> query, Optional<Long> staleRevision) {
    long limit = limit(query.get("limit"));
    String token = query.getOrDefault("continue", "");
    String resourceVersion = query.getOrDefault("resourceVersion", "");
    String prefix = namespace == null ? "" : namespace + "/";
    long atRevision = LATEST;
    String start = "";
    if (!token.isEmpty()) {
      if (!resourceVersion.isEmpty() && !resourceVersion.equals("0")) {
        throw new ApiError(400, "BadRequest",
            "specifying resource version is not allowed when using continue");
      }
      JsonObject decoded = decode(token);
      atRevision = decoded.get("rv").getAsLong();
      start = prefix + decoded.get("start").getAsString();
    } else if (resourceVersion.equals("0") && staleRevision.isPresent()) {
      atRevision = staleRevision.get();
    }
    synchronized (store) {
      long revision = atRevision == LATEST ? store.resourceVersion() : atRevision;
      TreeMap<String, JsonObject> objects;
      try {
        objects = store.objectsAt(resource, namespace, revision);
      } catch (GoneException e) {
        if (token.isEmpty()) {
          throw new IllegalStateException("the stale cache's revision was compacted", e);
        }
        throw new ApiError(410, "Expired", INCONSISTENT_CONTINUE,
            encode(LATEST, start.substring(prefix.length())));
      }
      NavigableMap<String, JsonObject> range = objects.tailMap(start, true);
      List<JsonObject> items = new ArrayList<>();
      String lastKey = null;
      boolean more = false;
      for (Map.Entry<String, JsonObject> entry : range.entrySet()) {
        if (limit > 0 && items.size() >= limit) {
          more = true;
          break;
        }
        lastKey = entry.getKey();
        if (ObjectStore.matches(entry.getValue(), namespace, labels, fields)) {
          items.add(entry.getValue());
        }
      }
      JsonObject metadata = new JsonObject();
      metadata.addProperty("resourceVersion", Long.toString(revision));
      if (more) {
        // the next page starts just after the last key read, as etcd3's "lastKey + \x00"
        metadata.addProperty("continue",
            encode(revision, lastKey.substring(prefix.length()) + "\u0000"));
        if (labels.toString().isEmpty() && fields.toString().isEmpty()) {
          metadata.addProperty("remainingItemCount", range.tailMap(lastKey, false).size());
        }
      }
      return new Page(metadata, items);
    }
  }

  private static long limit(String value) {
    if (value == null || value.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new ApiError(400, "BadRequest", "invalid limit \"" + value + "\"");
    }
  }

  /** etcd3's token: unpadded base64url of {@code {"v":..,"rv":..,"start":..}}. */
  private static String encode(long revision, String start) {
    JsonObject token = new JsonObject();
    token.addProperty("v", TOKEN_VERSION);
    token.addProperty("rv", revision);
    token.addProperty("start", start);
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(token.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static JsonObject decode(String token) {
    JsonObject decoded;
    try {
      decoded = JsonParser.parseString(new String(Base64.getUrlDecoder().decode(token),
          StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (IllegalArgumentException | JsonParseException | IllegalStateException e) {
      throw invalidToken("continue key is not valid: " + e.getMessage());
    }
    if (!decoded.has("v") || !TOKEN_VERSION.equals(decoded.get("v").getAsString())) {
      throw invalidToken("continue key is not valid: server does not recognize this encoded key");
    }
    if (!decoded.has("start") || decoded.get("start").getAsString().isEmpty()) {
      throw invalidToken("continue key is not valid: encoded start key empty");
    }
    if (!decoded.has("rv") || decoded.get("rv").getAsLong() == 0
        || decoded.get("rv").getAsLong() < LATEST) {
      throw invalidToken("continue key is not valid: incorrect encoded start resourceVersion "
          + "(version meta.k8s.io/v1)");
    }
    return decoded;
  }

  private static ApiError invalidToken(String why) {
    return new ApiError(400, "BadRequest", "invalid continue token: " + why);
  }
}
