package io.promcc.app.settings;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.FileFailures;
import io.promcc.core.model.Quoting;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The namespace of the Lease, and where it came from for the start's log line. Without {@code
 * --lease-namespace} it is the Pod's, found as client-go's in-cluster config finds it: {@code
 * POD_NAMESPACE}, else the service account's namespace file, else {@code default} (where
 * deploy/rbac.yaml grants nothing, so that no Event would be published).
 *
 * @param name the namespace
 * @param origin {@code from <where>}, or {@code default: <why>}
 * @param setting what a problem with it names: the option (flag, variable or file key),
 *     {@code POD_NAMESPACE} or the service account's namespace file
 */
record LeaseNamespace(String name, String origin, String setting) {
  /** Where kubelet mounts the namespace of the Pod's service account. */
  static final Path SERVICE_ACCOUNT_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
  /** The most of the namespace file that is read: a namespace has at most 63 characters. */
  static final int MAX_FILE_BYTES = 1024;

  LeaseNamespace {
    requireNonNull(name, "name == null");
    requireNonNull(origin, "origin == null");
    requireNonNull(setting, "setting == null");
  }

  /**
   * The namespace {@code --lease-namespace} gives, else the Pod's.
   *
   * @param namespaceFile the service account's namespace file ({@link
   *     #SERVICE_ACCOUNT_NAMESPACE}); read only if the option and {@code POD_NAMESPACE} say none,
   *     within the bound of the start's other file checks: one that does not end (its volume
   *     hangs) is a problem naming it, added to {@code r}'s
   */
  static LeaseNamespace of(SettingsReader r, Map<String, String> env, Path namespaceFile) {
    if (r.has("lease-namespace")) {
      // the same settings from a flag, a variable or the file are equal: the option's name
      return new LeaseNamespace(r.text("lease-namespace").orElseThrow(),
          "from --lease-namespace", r.originOf("lease-namespace"));
    }
    String pod = env.get("POD_NAMESPACE");
    if (pod != null && !pod.isEmpty()) { // as client-go, an empty one counts as unset
      return new LeaseNamespace(pod, "from POD_NAMESPACE", "POD_NAMESPACE");
    }
    String field = "service account namespace file " + Quoting.quote(namespaceFile.toString());
    // on a volume (the service account's) that may hang: within the start's bound of its checks
    return r.unnamedFile(field, namespaceFile.toString(), text -> fromFile(namespaceFile, pod))
        .orElseGet(() -> defaultOne(pod, namespaceFile, "was not read"));
  }

  /** The namespace the file holds, else {@code default} saying why. */
  private static LeaseNamespace fromFile(Path namespaceFile, String pod) {
    String why;
    if (!Files.exists(namespaceFile)) {
      why = "does not exist";
    } else if (!Files.isRegularFile(namespaceFile)) {
      why = "is not a regular file"; // a FIFO in its place is never opened
    } else {
      try (InputStream in = Files.newInputStream(namespaceFile)) {
        byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        String text = new String(bytes, StandardCharsets.UTF_8).strip();
        if (bytes.length > MAX_FILE_BYTES) {
          why = "is larger than " + MAX_FILE_BYTES + " bytes";
        } else if (text.isEmpty()) {
          why = "is empty";
        } else {
          return new LeaseNamespace(text, "from " + namespaceFile,
              "service account namespace file " + Quoting.quote(namespaceFile.toString()));
        }
      } catch (IOException e) {
        why = "cannot be read (" + FileFailures.reason(e) + ")";
      }
    }
    return defaultOne(pod, namespaceFile, why);
  }

  private static LeaseNamespace defaultOne(String pod, Path namespaceFile, String why) {
    return new LeaseNamespace("default",
        "default: POD_NAMESPACE is " + (pod == null ? "not set" : "empty") + " and "
            + namespaceFile + " " + why,
        "--lease-namespace");
  }
}
