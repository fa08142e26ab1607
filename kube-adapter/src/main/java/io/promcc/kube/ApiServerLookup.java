package io.promcc.kube;

import static io.promcc.core.model.Quoting.quote;

import io.kubernetes.client.persister.FilePersister;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.credentials.TokenFileAuthentication;
import io.promcc.core.model.FileFailures;
import io.promcc.core.model.SizeBound;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the API server and the credentials as client-java's {@code ClientBuilder.standard()}
 * does ({@code --kubeconfig}, else the first file of {@code KUBECONFIG} if it exists, else
 * {@code ~/.kube/config} if it exists, else the in-cluster service account), but says where: a
 * lookup that finds nothing is refused naming every place looked at, where client-java would
 * fall back to {@code http://localhost:8080} and leave its user with "Connection refused"; and a
 * kubeconfig that cannot be used is named with its fault. In-cluster configuration is judged as
 * client-go's {@code rest.InClusterConfig} judges it: {@code KUBERNETES_SERVICE_HOST} and
 * {@code KUBERNETES_SERVICE_PORT} must be set, and the service account's token and CA readable.
 * Stateless.
 */
final class ApiServerLookup {
  /** The most bytes of a kubeconfig read (one with many embedded certificates is megabytes). */
  static final int MAX_BYTES = 16 << 20;

  private ApiServerLookup() {}

  /**
   * The configuration to use.
   *
   * @throws KubeClientException naming the places looked at when none holds a configuration, or
   *     the file or variable whose content cannot be used and why
   */
  static ApiServerConfig find(Optional<Path> kubeconfig, ClientLookup lookup) {
    if (kubeconfig.isPresent()) {
      return fromFile(kubeconfig.get(), "--kubeconfig", false);
    }
    List<String> looked = new ArrayList<>(List.of("--kubeconfig is not set"));
    String variable = lookup.get(ClientLookup.KUBECONFIG);
    if (variable.isEmpty()) {
      looked.add(ClientLookup.KUBECONFIG + " is not set");
    } else {
      // client-java reads the first file only (client-go merges them all); an empty first
      // entry names no file (client-java's new File("").exists() is false)
      String first = variable.split(File.pathSeparator, -1)[0];
      if (first.isEmpty()) {
        looked.add(ClientLookup.KUBECONFIG + " " + quote(variable) + " names no file first");
      } else if (Files.exists(Path.of(first))) {
        return fromFile(Path.of(first), ClientLookup.KUBECONFIG, true);
      } else {
        looked.add(ClientLookup.KUBECONFIG + " " + quote(first) + " does not exist");
      }
    }
    String home = lookup.get(ClientLookup.HOME);
    if (home.isEmpty()) {
      looked.add("HOME is not set (no ~/.kube/config)");
    } else {
      Path inHome = Path.of(home, ".kube", "config");
      if (Files.exists(inHome)) {
        return fromFile(inHome, "~/.kube/config", true);
      }
      looked.add(quote(inHome.toString()) + " (~/.kube/config) does not exist");
    }
    if (!lookup.get(ClientLookup.SERVICE_HOST).isEmpty()
        || !lookup.get(ClientLookup.SERVICE_PORT).isEmpty()) {
      return inCluster(lookup);
    }
    looked.add("and " + ClientLookup.SERVICE_HOST + " is not set (no in-cluster service "
        + "account)");
    throw new KubeClientException("no kubernetes api configuration found: "
        + String.join(", ", looked) + "; give --kubeconfig, or run promcc in a Pod with a "
        + "service account", null);
  }

  private static ApiServerConfig fromFile(Path file, String origin, boolean persist) {
    String named = "kubeconfig " + quote(file.toString()) + " (from " + origin + ")";
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
      throw new KubeClientException(named + " is not a kubeconfig: it is empty", null);
    }
    KubeConfig config;
    try {
      config = KubeConfig.loadKubeConfig(new StringReader(text));
    } catch (RuntimeException e) { // snakeyaml's, or a document that is not a mapping
      throw new KubeClientException(named + " is not a kubeconfig: " + firstLine(e), e);
    }
    String context = config.getCurrentContext();
    if (context == null || context.isEmpty()) {
      throw new KubeClientException(named + " has no current-context", null);
    }
    if (!config.setContext(context)) {
      throw new KubeClientException(named + " names current-context " + quote(context)
          + ", which is not one of its contexts (" + names(config.getContexts()) + ")", null);
    }
    if (config.getServer() == null) {
      throw new KubeClientException(named + ": the cluster of context " + quote(context)
          + " has no server (or is not one of its clusters)", null);
    }
    // certificate files and exec commands are relative to its folder: absolute, so that a file
    // named without one (in the working folder) has one, where KubeConfig would find none
    config.setFile(file.toAbsolutePath().toFile());
    if (persist) { // as ClientBuilder.standard() does: refreshed tokens are written back
      config.setPersistConfig(new FilePersister(file.toFile()));
    }
    try {
      ClientBuilder builder = ClientBuilder.kubeconfig(config);
      return new ApiServerConfig(builder.getBasePath(), "from " + origin + " "
          + quote(file.toString()) + " (context " + quote(context) + ")", builder);
    } catch (IOException | RuntimeException e) {
      throw new KubeClientException(named + " cannot be used: " + firstLine(e), e);
    }
  }

  private static ApiServerConfig inCluster(ClientLookup lookup) {
    String host = lookup.get(ClientLookup.SERVICE_HOST);
    String port = lookup.get(ClientLookup.SERVICE_PORT);
    String prefix = "in-cluster service account: ";
    if (host.isEmpty() || port.isEmpty()) { // client-go's condition and words
      throw new KubeClientException(prefix + ClientLookup.SERVICE_HOST + " and "
          + ClientLookup.SERVICE_PORT + " must be defined, found " + ClientLookup.SERVICE_HOST
          + "=" + quote(host) + " and " + ClientLookup.SERVICE_PORT + "=" + quote(port), null);
    }
    String server;
    try {
      server = new URI("https", null, host, Integer.parseInt(port), null, null, null).toString();
    } catch (NumberFormatException | URISyntaxException e) {
      throw new KubeClientException(prefix + "no https url from " + ClientLookup.SERVICE_HOST
          + "=" + quote(host) + " and " + ClientLookup.SERVICE_PORT + "=" + quote(port), e);
    }
    Path token = lookup.serviceAccountDir().resolve("token");
    Path ca = lookup.serviceAccountDir().resolve("ca.crt");
    byte[] caBytes;
    try {
      if (!Files.isReadable(token)) {
        throw new IOException("not readable");
      }
      caBytes = Files.readAllBytes(ca);
    } catch (IOException e) {
      throw new KubeClientException(prefix + ClientLookup.SERVICE_HOST + " is set, but "
          + quote(token.toString()) + " and " + quote(ca.toString()) + " are not both "
          + "readable files (is the service account token mounted? automountServiceAccountToken)",
          e);
    }
    ClientBuilder builder = new ClientBuilder().setBasePath(server)
        .setCertificateAuthority(caBytes)
        .setAuthentication(new TokenFileAuthentication(token.toString()));
    return new ApiServerConfig(server, "from the in-cluster service account ("
        + ClientLookup.SERVICE_HOST + ", " + ClientLookup.SERVICE_PORT + ", "
        + quote(token.toString()) + ")", builder);
  }

  private static String names(List<Object> contexts) {
    List<String> names = new ArrayList<>();
    if (contexts != null) {
      for (Object context : contexts) {
        if (context instanceof Map<?, ?> map && map.get("name") != null) {
          names.add(quote(String.valueOf(map.get("name"))));
        }
      }
    }
    return names.isEmpty() ? "it has none" : String.join(", ", names);
  }

  /** Whether a YAML text holds nothing but blank lines, comments and document markers. */
  private static boolean isEmpty(String text) {
    return text.lines().map(String::strip).allMatch(line -> line.isEmpty()
        || line.startsWith("#") || line.equals("---") || line.equals("..."));
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage()).strip();
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
