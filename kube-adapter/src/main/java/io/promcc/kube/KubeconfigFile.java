package io.promcc.kube;

import static io.promcc.core.model.Quoting.quote;
import static java.util.Objects.requireNonNull;

import io.kubernetes.client.util.KubeConfig;
import io.promcc.core.model.FileFailures;
import io.promcc.core.model.SizeBound;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One kubeconfig file, read within bounds and parsed as client-java parses it, each fault named
 * with the file: a FIFO or device (never opened), more than {@link #MAX_BYTES}, a file that
 * cannot be read, an empty one (when read alone), one that is no kubeconfig. A byte that is not
 * UTF-8 is replaced, as client-java reads it. Not thread-safe: {@code config} is client-java's
 * mutable {@link KubeConfig}, which the lookup goes on to use (and sets the context and resolves
 * the token file of) for a file read alone; a merge only reads it.
 *
 * @param path the file as named
 * @param config the parsed file; its lists of clusters, users and contexts may be null
 */
record KubeconfigFile(Path path, KubeConfig config) {
  /** The most bytes of a kubeconfig read (one with many embedded certificates is megabytes). */
  static final int MAX_BYTES = 16 << 20;

  KubeconfigFile {
    requireNonNull(path, "path == null");
    requireNonNull(config, "config == null");
  }

  /**
   * Reads {@code file}, named by {@code origin} ({@code --kubeconfig}, {@code KUBECONFIG},
   * {@code ~/.kube/config}).
   *
   * @throws KubeClientException naming the file, where it was named and its fault
   */
  static KubeconfigFile read(Path file, String origin) {
    return readUnlessEmpty(file, origin).orElseThrow(() -> new KubeClientException(
        named(file, origin) + " is not a kubeconfig: it is empty", null));
  }

  /**
   * As {@link #read}, but an empty file (nothing but blank lines, comments and document
   * markers) is none, as client-go loads an empty file of several as an empty config.
   *
   * @throws KubeClientException naming the file, where it was named and its fault
   */
  static Optional<KubeconfigFile> readUnlessEmpty(Path file, String origin) {
    String named = named(file, origin);
    if (Files.exists(file) && !Files.isRegularFile(file)) { // a FIFO or device is never opened
      throw new KubeClientException(named + " is not a regular file", null);
    }
    String text;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new KubeClientException(named + " " + SizeBound.tooLarge(MAX_BYTES,
            Files.size(file)), null);
      }
      // as client-java reads it: a byte that is not UTF-8 is replaced, not refused
      text = new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new KubeClientException(named + " cannot be read (" + FileFailures.reason(e) + ")",
          e);
    }
    if (isEmpty(text)) { // KubeConfig's NullPointerException would say nothing of it
      return Optional.empty();
    }
    try {
      return Optional.of(new KubeconfigFile(file,
          KubeConfig.loadKubeConfig(new StringReader(text))));
    } catch (RuntimeException e) { // snakeyaml's, or a document that is not a mapping
      throw new KubeClientException(named + " is not a kubeconfig: " + firstLine(e), e);
    }
  }

  private static String named(Path file, String origin) {
    return "kubeconfig " + quote(file.toString()) + " (from " + origin + ")";
  }

  /** Its {@code current-context}, if it sets one. */
  Optional<String> currentContext() {
    return Optional.ofNullable(config.getCurrentContext()).filter(name -> !name.isEmpty());
  }

  /** Its clusters, users or contexts as parsed; empty where it has none. */
  static List<Object> entries(List<Object> parsed) {
    return parsed == null ? List.of() : new ArrayList<>(parsed);
  }

  /** Whether a YAML text holds nothing but blank lines, comments and document markers. */
  private static boolean isEmpty(String text) {
    return text.lines().map(String::strip).allMatch(line -> line.isEmpty()
        || line.startsWith("#") || line.equals("---") || line.equals("..."));
  }

  static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage()).strip();
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
