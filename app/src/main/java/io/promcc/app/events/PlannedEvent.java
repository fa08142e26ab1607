package io.promcc.app.events;

import com.google.common.hash.Hashing;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.promcc.core.model.TextCut;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * An Event to publish: the Service, the reason and the message.
 *
 * @param uid the Service's uid, if known
 * @param identity what makes two Events the same: the reason and message of a rejection, the
 *     reason alone of a cluster waiting for its certificate (whose message counts the attempts
 *     and names the next one, so that each retry, and each replica, would otherwise publish an
 *     Event of its own)
 */
record PlannedEvent(String namespace, String name, Optional<String> uid, String reason,
    String message, String identity) {
  private static final String COMPONENT = "promcc";
  private static final int MAX_MESSAGE = 1024;

  /**
   * A stable name: the same rejection of the same Service always gets the same Event; a
   * Service deleted and created again (another uid) gets its own, which names it.
   */
  String eventName() {
    String hash = Hashing.sha256().hashString(identity + uid.map(u -> "\n" + u).orElse(""),
        StandardCharsets.UTF_8).toString().substring(0, 16);
    String base = name.length() > 200 ? name.substring(0, 200) : name;
    return base + ".promcc-" + hash;
  }

  /** What tells this Event from the others: its namespace and name. */
  String key() {
    return namespace + "/" + eventName();
  }

  /** The Warning Event, first seen {@code now}, reported by the replica {@code instance}. */
  CoreV1Event toEvent(OffsetDateTime now, String instance) {
    String text = message.length() > MAX_MESSAGE
        ? TextCut.cut(message, MAX_MESSAGE - 3) + "..." : message;
    return new CoreV1Event()
        .metadata(new V1ObjectMeta().name(eventName()).namespace(namespace))
        .involvedObject(new V1ObjectReference().apiVersion("v1").kind("Service")
            .namespace(namespace).name(name).uid(uid.orElse(null)))
        .reason(reason).message(text).type("Warning").count(1)
        .firstTimestamp(now).lastTimestamp(now)
        .source(new V1EventSource().component(COMPONENT))
        .reportingComponent(COMPONENT).reportingInstance(instance);
  }
}
