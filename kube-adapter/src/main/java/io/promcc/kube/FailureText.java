package io.promcc.kube;

import static io.promcc.core.model.Quoting.quote;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.ApiException;
import io.promcc.core.model.TextCut;
import io.promcc.core.model.UrlText;
import java.io.InterruptedIOException;
import java.security.cert.CertPathBuilderException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How a failed call to the API server is worded in a source's failure and the elector's log: what
 * the server answered, or the root cause of a call that got no answer. Stateless.
 */
final class FailureText {
  /** A call that OkHttp ended at its deadline (a Lease call's, a list's). */
  static final String CALL_TIMEOUT = "the call did not end within its deadline (timeout)";

  /**
   * A TLS handshake that the CA promcc was given for the API server did not verify: said with
   * where that CA comes from, where the JVM's words were shown as they are.
   */
  static final String UNTRUSTED = "the api server's tls certificate is not signed by the ca "
      + "promcc was given for it (the kubeconfig cluster's certificate-authority, or in a pod "
      + "the service account's ca.crt)";

  private FailureText() {}

  /**
   * Whether {@code e} is OkHttp's end of a call past its call timeout: an
   * {@link InterruptedIOException} of that class itself (a read timeout is a
   * {@link java.net.SocketTimeoutException}), "timeout".
   */
  private static boolean isCallTimeout(Throwable e) {
    return e.getClass() == InterruptedIOException.class && "timeout".equals(e.getMessage());
  }

  /**
   * What went wrong, for an operator: the status, the server's reason and message (a
   * {@code Status} object's, or a plain-text body's first line), and what to do for 401 and 403;
   * for a success whose body could not be read, why (one line), never that body; for a call
   * OkHttp ended at its deadline, {@link #CALL_TIMEOUT}; for a tls certificate of the api server
   * the ca given did not verify, {@link #UNTRUSTED}; for a call that got no answer (a connection
   * refused, a name that does not resolve, a timeout, a connection closed), {@link NoAnswerText}'s
   * words for "the api server"; else the root cause's type and message
   * (an {@link ApiException}'s status instead, see {@link #apiStatus}).
   * Causes may form a cycle ({@code initCause} refuses only an exception as its own cause): the
   * root is then the last cause not seen before.
   */
  static String describe(Throwable e) {
    return describeAt(e, "the api server");
  }

  /**
   * As {@link #describe(Throwable)}, the API server named by {@code server}, its URL without
   * user information, where a call got no answer: a connection refused, a host name that does
   * not resolve, no answer in time, a connection closed ({@link NoAnswerText}).
   */
  static String describe(Throwable e, String server) {
    return describeAt(e, "the api server " + quote(UrlText.withoutUserInfo(server)));
  }

  private static String describeAt(Throwable e, String server) {
    if (e instanceof ApiException api && api.getCode() >= 200 && api.getCode() < 300) {
      // a success whose body could not be read (TolerantJson): that body is no Status but what
      // was asked for, a Secret's keys perhaps, so only why it could not be read is shown
      // the first line only: Gson adds a second, a link to its troubleshooting guide; the
      // server answered, so Gson's EOFException for JSON that ends short is no connection closed
      return "http status " + api.getCode() + ", but its body cannot be read"
          + (api.getCause() == null ? ""
              : ": " + withoutGsonAdvice(rootCause(api, Optional.empty())));
    }
    if (e instanceof ApiException api && api.getCode() > 0) {
      return describeStatus(api.getCode(), api.getResponseBody());
    }
    return rootCause(e, Optional.of(server));
  }

  /**
   * Gson's message for JSON it refuses, without what it advises a developer: its first line
   * only (the second links its troubleshooting guide), "malformed JSON" for "Use
   * JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", and no "in strict
   * mode", a setting an operator has no say in; where it is, kept.
   */
  static String withoutGsonAdvice(String message) {
    return message.lines().findFirst().orElse("")
        .replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON",
            "malformed JSON")
        .replace(" in strict mode", "");
  }

  /**
   * The root cause of {@code e}, worded; {@code server} names the API server for a call that
   * got no answer ({@link NoAnswerText}), empty where it answered (a body that cannot be read).
   */
  private static String rootCause(Throwable e, Optional<String> server) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
      chain.add(t);
    }
    Throwable root = chain.get(chain.size() - 1);
    if (chain.stream().anyMatch(FailureText::isCallTimeout)) {
      // OkHttp ends a call past its deadline by closing its socket: the root cause then says
      // "Socket closed", as if the server had closed it
      return CALL_TIMEOUT;
    }
    if (root instanceof ApiException api) {
      return "ApiException: " + apiStatus(api);
    }
    if (root instanceof CertPathBuilderException) {
      // the JVM's words, "PKIX path building failed: ...", without its class names
      return UNTRUSTED + " (PKIX path building failed"
          + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
    }
    Optional<String> noAnswer = server.flatMap(named -> NoAnswerText.describe(chain, named));
    if (noAnswer.isPresent()) {
      return noAnswer.get();
    }
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  /**
   * An {@link ApiException} a caller wrapped, by its status: its {@code getMessage()} holds the
   * whole answer, body and headers (a Secret's keys, for a 200), so it is never shown; with no
   * status (no answer), only the message it was made with, the first line of that.
   */
  private static String apiStatus(ApiException api) {
    int code = api.getCode();
    if (code >= 200 && code < 300) {
      return "http status " + code;
    }
    if (code > 0) {
      return describeStatus(code, api.getResponseBody());
    }
    String made = api.getMessage() == null ? "" : api.getMessage().lines().findFirst()
        .orElse("").replaceFirst("^Message: ", "");
    return made.isEmpty() || made.equals("null") ? "no http status" : made;
  }

  /** {@code http status <code> (<reason>): <message>[; <hint>]}. */
  static String describeStatus(int code, String body) {
    return "http status " + code + describeReason(code, body);
  }

  /**
   * What follows the status in {@link #describeStatus}: {@code  (<reason>): <message>[; <hint>]},
   * each part only if known; empty if none is. {@code code} 0 for none (no reason is then
   * guessed, no hint given).
   */
  static String describeReason(int code, String body) {
    String reason = null;
    String message = null;
    if (body != null && !body.isBlank()) {
      try {
        JsonObject status = JsonParser.parseString(body).getAsJsonObject();
        reason = text(status, "reason");
        message = text(status, "message");
      } catch (RuntimeException notAStatus) {
        message = body.strip().lines().findFirst().orElse("");
      }
    }
    if (reason == null || reason.isEmpty()) {
      reason = switch (code) {
        case 401 -> "Unauthorized";
        case 403 -> "Forbidden";
        case 404 -> "NotFound";
        case 429 -> "TooManyRequests";
        case 500 -> "InternalError";
        case 503 -> "ServiceUnavailable";
        case 504 -> "Timeout";
        default -> null;
      };
    }
    StringBuilder out = new StringBuilder();
    if (reason != null) {
      out.append(" (").append(reason).append(')');
    }
    if (message != null && !message.isEmpty()) {
      out.append(": ").append(message.length() > 300 ? TextCut.cut(message, 300) + "..."
          : message);
    }
    if (code == 401) {
      out.append("; the api server refused the client's credentials (an expired or revoked "
          + "token or client certificate?)");
    } else if (code == 403) {
      out.append("; the controller's service account lacks this permission (see the rbac "
          + "manifest deploy/rbac.yaml)");
    }
    return out.toString();
  }

  private static String text(JsonObject object, String member) {
    return object.has(member) && object.get(member).isJsonPrimitive()
        ? object.get(member).getAsString() : null;
  }
}
