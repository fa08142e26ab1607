package io.promcc.kube;

import io.kubernetes.client.util.KubeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Several kubeconfig files made one as client-go's {@code ClientConfigLoadingRules.Load} makes
 * them: of the clusters, users and contexts the first file to define a name wins, and the whole
 * entry of that file is taken (no field of a later file's entry of that name is added);
 * {@code current-context} is the first file's that sets one. Relative paths of an entry
 * (a cluster's {@code certificate-authority}; a user's {@code client-certificate},
 * {@code client-key}, {@code tokenFile}, and an {@code exec} command naming a folder) are made
 * absolute against the folder of the file that defined it, as {@code ResolveLocalPaths} does,
 * since the entries of one context may come from files in different folders. Within one file,
 * the first entry of a name wins, as client-java finds it. Stateless.
 */
final class KubeconfigMerge {
  private static final Set<String> CLUSTER_PATHS = Set.of("certificate-authority");
  private static final Set<String> USER_PATHS =
      Set.of("client-certificate", "client-key", "tokenFile");

  private KubeconfigMerge() {}

  /** The merge of {@code files}, first first; its current context is not yet set. */
  static KubeConfig merge(List<KubeconfigFile> files) {
    KubeConfig merged = new KubeConfig(
        firstOfEachName(files, c -> c.getContexts(), "context", Set.of()),
        firstOfEachName(files, c -> c.getClusters(), "cluster", CLUSTER_PATHS),
        firstOfEachName(files, c -> c.getUsers(), "user", USER_PATHS));
    merged.setPreferences(files.get(0).config().getPreferences());
    return merged;
  }

  /** The first {@code current-context} that one of {@code files} sets, first first. */
  static Optional<String> currentContext(List<KubeconfigFile> files) {
    return files.stream().flatMap(file -> file.currentContext().stream()).findFirst();
  }

  /**
   * Makes the relative {@code tokenFile} of the user of {@code context} in {@code file}, read
   * alone, absolute against its folder, as client-go resolves it and as a merge does. Its other
   * paths client-java resolves against the file itself, but a {@code tokenFile} it reads from
   * the working folder, so that adding a second file to {@code KUBECONFIG} would change the
   * token. Only that user's entry is changed, in place: a refreshed token written back writes
   * the lists as they are.
   */
  @SuppressWarnings("unchecked") // the user's fields, as snakeyaml made them: a mutable map
  static void resolveTokenFile(KubeconfigFile file, String context) {
    Path folder = file.path().toAbsolutePath().getParent();
    body(file.config().getContexts(), context, "context")
        .flatMap(found -> found.get("user") instanceof String user ? Optional.of(user)
            : Optional.empty())
        .flatMap(user -> body(file.config().getUsers(), user, "user"))
        .ifPresent(user -> {
          if (user.get("tokenFile") instanceof String path) {
            ((Map<Object, Object>) user).put("tokenFile", resolved(path, folder));
          }
        });
  }

  /** The {@code body} map of the first entry of {@code entries} named {@code name}. */
  private static Optional<Map<?, ?>> body(List<Object> entries, String name, String body) {
    for (Object entry : KubeconfigFile.entries(entries)) {
      if (entry instanceof Map<?, ?> map && name.equals(map.get("name"))) {
        return map.get(body) instanceof Map<?, ?> found ? Optional.of(found) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static ArrayList<Object> firstOfEachName(List<KubeconfigFile> files,
      Function<KubeConfig, List<Object>> entries, String body, Set<String> paths) {
    Map<String, Object> byName = new LinkedHashMap<>();
    for (KubeconfigFile file : files) {
      Path folder = file.path().toAbsolutePath().getParent();
      for (Object entry : KubeconfigFile.entries(entries.apply(file.config()))) {
        if (entry instanceof Map<?, ?> map && map.get("name") instanceof String name
            && !byName.containsKey(name)) {
          byName.put(name, resolved(map, body, paths, folder));
        }
      }
    }
    return new ArrayList<>(byName.values());
  }

  /** A copy of {@code entry} whose {@code body}'s relative {@code paths} are absolute. */
  private static Map<Object, Object> resolved(Map<?, ?> entry, String body, Set<String> paths,
      Path folder) {
    Map<Object, Object> copy = new LinkedHashMap<>(entry);
    if (entry.get(body) instanceof Map<?, ?> fields) {
      Map<Object, Object> fieldsCopy = new LinkedHashMap<>(fields);
      for (String key : paths) {
        if (fields.get(key) instanceof String path) {
          fieldsCopy.put(key, resolved(path, folder));
        }
      }
      // an exec command is looked up in PATH unless it names a folder
      if (body.equals("user") && fields.get("exec") instanceof Map<?, ?> exec
          && exec.get("command") instanceof String command && command.contains("/")) {
        Map<Object, Object> execCopy = new LinkedHashMap<>(exec);
        execCopy.put("command", resolved(command, folder));
        fieldsCopy.put("exec", execCopy);
      }
      copy.put(body, fieldsCopy);
    }
    return copy;
  }

  private static String resolved(String path, Path folder) {
    return path.isEmpty() || folder == null || Path.of(path).isAbsolute() ? path
        : folder.resolve(path).normalize().toString();
  }
}
