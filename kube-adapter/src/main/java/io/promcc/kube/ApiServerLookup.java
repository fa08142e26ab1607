package io.promcc.kube;

import static io.promcc.core.model.Quoting.quote;

import io.kubernetes.client.persister.FilePersister;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.credentials.TokenFileAuthentication;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the API server and the credentials where client-java's {@code ClientBuilder.standard()}
 * looks ({@code --kubeconfig}, else the files of {@code KUBECONFIG} that exist, else
 * {@code ~/.kube/config} if it exists, else the in-cluster service account), but says where: a
 * lookup that finds nothing is refused naming every place looked at, where client-java would
 * fall back to {@code http://localhost:8080} and leave its user with "Connection refused"; and a
 * kubeconfig that cannot be used is named with its fault. The files of {@code KUBECONFIG} are
 * merged as client-go merges them ({@link KubeconfigMerge}), where client-java reads the first
 * only. In-cluster configuration is judged as client-go's {@code rest.InClusterConfig} judges
 * it: {@code KUBERNETES_SERVICE_HOST} and {@code KUBERNETES_SERVICE_PORT} must be set, and the
 * service account's token and CA readable. The API server's proxy is its cluster's
 * {@code proxy-url} ({@link ApiServerProxy}), else the environment's ({@link EnvironmentProxy}),
 * as client-go chooses it, judged before the client is made; {@link #proxy} judges it alone
 * ({@link ApiServerProxyCheck}). Stateless.
 */
final class ApiServerLookup {
  private ApiServerLookup() {}

  /**
   * The configuration to use.
   *
   * @throws KubeClientException naming the places looked at when none holds a configuration, or
   *     the file or variable whose content cannot be used and why
   */
  static ApiServerConfig find(Optional<Path> kubeconfig, ClientLookup lookup) {
    Located located = locate(kubeconfig, lookup);
    return located.config(located.proxy());
  }

  /**
   * The proxy of the API server, judged as {@link #find} judges it, where the configuration is
   * found and read; empty where it is not ({@link #find} names why), or where no proxy is used.
   * Neither the client nor its credentials are made: no exec plugin runs.
   *
   * @throws KubeClientException naming the proxy that cannot be used, and why
   */
  static Optional<ApiServerProxy> proxy(Optional<Path> kubeconfig, ClientLookup lookup) {
    Located located;
    try {
      located = locate(kubeconfig, lookup);
    } catch (KubeClientException e) {
      return Optional.empty(); // not the proxy's problem: the client's making names it
    }
    return located.proxy().proxy();
  }

  /** A configuration found and read, up to its proxy and its client. */
  private interface Located {
    /** The proxy, as client-go chooses it. */
    EnvironmentProxy.Choice proxy();

    /** The configuration with {@code proxy}, its client's builder made. */
    ApiServerConfig config(EnvironmentProxy.Choice proxy);
  }

  private static Located locate(Optional<Path> kubeconfig, ClientLookup lookup) {
    if (kubeconfig.isPresent()) { // as client-go reads an explicit file: alone, never merged
      return fromFiles(List.of(kubeconfig.get()), "--kubeconfig", List.of(), false, lookup);
    }
    List<String> looked = new ArrayList<>(List.of("--kubeconfig is not set"));
    String variable = lookup.get(ClientLookup.KUBECONFIG);
    if (variable.isEmpty()) {
      looked.add(ClientLookup.KUBECONFIG + " is not set");
    } else {
      // as client-go's loading rules: empty entries name no file, a file named twice is read
      // once, missing files are skipped and the others merged
      Set<Path> named = new LinkedHashSet<>();
      for (String entry : variable.split(File.pathSeparator, -1)) {
        if (!entry.isEmpty()) {
          named.add(Path.of(entry));
        }
      }
      List<Path> existing = named.stream().filter(Files::exists).toList();
      List<Path> missing = named.stream().filter(file -> !Files.exists(file)).toList();
      if (!existing.isEmpty()) {
        return fromFiles(existing, ClientLookup.KUBECONFIG, missing, true, lookup);
      }
      looked.add(ClientLookup.KUBECONFIG + " " + (named.isEmpty() ? quote(variable)
          + " names no file" : doNotExist(missing)));
    }
    String home = lookup.get(ClientLookup.HOME);
    if (home.isEmpty()) {
      looked.add("HOME is not set (no ~/.kube/config)");
    } else {
      Path inHome = Path.of(home, ".kube", "config");
      if (Files.exists(inHome)) {
        return fromFiles(List.of(inHome), "~/.kube/config", List.of(), true, lookup);
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

  /**
   * The configuration of {@code files} (one, or those of {@code KUBECONFIG} that exist, merged
   * as client-go merges them), each read and judged on its own first; an empty one of several
   * adds nothing, as client-go reads it. Without a {@code proxy-url}, the proxy is the one of
   * {@code lookup}'s environment.
   */
  private static Located fromFiles(List<Path> files, String origin, List<Path> missing,
      boolean persist, ClientLookup lookup) {
    List<KubeconfigFile> read = new ArrayList<>();
    List<Path> empty = new ArrayList<>();
    if (files.size() == 1) {
      read.add(KubeconfigFile.read(files.get(0), origin));
    } else { // as client-go loads an empty file of several: as an empty config
      for (Path file : files) {
        KubeconfigFile.readUnlessEmpty(file, origin).ifPresentOrElse(read::add,
            () -> empty.add(file));
      }
      if (read.isEmpty()) {
        throw new KubeClientException("kubeconfig " + quote(files.get(0).toString())
            + merged(files) + " (from " + origin + ") is not a kubeconfig: each of its files "
            + "is empty", null);
      }
    }
    List<Path> used = read.stream().map(KubeconfigFile::path).toList();
    Path first = used.get(0);
    String named = "kubeconfig " + quote(first.toString()) + merged(used) + " (from " + origin
        + ")";
    KubeConfig config;
    if (read.size() == 1) {
      config = read.get(0).config();
    } else {
      config = KubeconfigMerge.merge(read);
    }
    String context = KubeconfigMerge.currentContext(read).orElse(null);
    if (context == null) {
      throw new KubeClientException(named + " has no current-context", null);
    }
    if (read.size() == 1) {
      KubeconfigMerge.resolveTokenFile(read.get(0), context);
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
    // named without one (in the working folder) has one, where KubeConfig would find none (a
    // merge has made its entries' paths absolute, each against its own file's folder)
    config.setFile(first.toAbsolutePath().toFile());
    // as ClientBuilder.standard() does: refreshed tokens are written back; never into one of
    // several files merged, which would receive the entries of all
    if (persist && read.size() == 1) {
      config.setPersistConfig(new FilePersister(first.toFile()));
    }
    String also = (empty.isEmpty() ? "" : "; " + quoted(empty) + (empty.size() == 1
        ? " is empty" : " are empty")) + (missing.isEmpty() ? "" : "; " + doNotExist(missing));
    String source = "from " + origin + " " + quote(first.toString()) + merged(used)
        + " (context " + quote(context);
    return new Located() {
      @Override
      public EnvironmentProxy.Choice proxy() {
        // client-java's reader ignores proxy-url: honoured (or refused) as client-go honours
        // it; the environment's proxy only where the cluster has no proxy-url
        Optional<ApiServerProxy> proxyUrl = ApiServerProxy.of(config, context, named);
        return proxyUrl.isPresent() ? new EnvironmentProxy.Choice(proxyUrl, Optional.empty())
            : EnvironmentProxy.forServer(basePath(config.getServer()), lookup);
      }

      @Override
      public ApiServerConfig config(EnvironmentProxy.Choice proxy) {
        ClientBuilder builder;
        try {
          builder = ClientBuilder.kubeconfig(config);
        } catch (IOException | RuntimeException e) {
          throw new KubeClientException(named + " cannot be used: "
              + KubeconfigFile.firstLine(e), e);
        }
        return new ApiServerConfig(builder.getBasePath(), source + proxy.said()
            .map(said -> "; " + said).orElse("") + also + ")", builder, proxy.proxy());
      }
    };
  }

  /**
   * The URL client-java's {@code ClientBuilder.kubeconfig} makes of a kubeconfig's
   * {@code server}: as written if it has a scheme, else https where it holds {@code :443}, else
   * http.
   */
  static String basePath(String server) {
    return server.contains("://") ? server
        : (server.contains(":443") ? "https://" : "http://") + server;
  }

  /** {@code " merged with \"b\", \"c\""} for the files after the first; empty for one. */
  private static String merged(List<Path> files) {
    return files.size() == 1 ? "" : " merged with " + quoted(files.subList(1, files.size()));
  }

  private static String doNotExist(List<Path> missing) {
    return quoted(missing) + (missing.size() == 1 ? " does not exist" : " do not exist");
  }

  private static String quoted(List<Path> files) {
    return String.join(", ", files.stream().map(file -> quote(file.toString())).toList());
  }

  private static Located inCluster(ClientLookup lookup) {
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
    String source = "from the in-cluster service account (" + ClientLookup.SERVICE_HOST + ", "
        + ClientLookup.SERVICE_PORT + ", " + quote(token.toString());
    return new Located() {
      @Override
      public EnvironmentProxy.Choice proxy() {
        // as client-go's rest.InClusterConfig: no proxy of its own, the environment's
        return EnvironmentProxy.forServer(server, lookup);
      }

      @Override
      public ApiServerConfig config(EnvironmentProxy.Choice proxy) {
        return new ApiServerConfig(server, source + proxy.said().map(said -> "; " + said)
            .orElse("") + ")", builder, proxy.proxy());
      }
    };
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
}
