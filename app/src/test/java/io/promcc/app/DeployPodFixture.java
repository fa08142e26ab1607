package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapVolumeSource;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1KeyToPath;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.kubernetes.client.openapi.models.V1VolumeProjection;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.SettingsLoader;
import io.promcc.core.model.Problems;
import io.promcc.kube.DeployManifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The manifests of deploy/ and promcc as started in a Pod of deploy/statefulset.yaml.
 *
 * <p>Each Pod's file system is rebuilt under a temporary folder: every volume the container
 * mounts is created there (ConfigMaps with their data), and mount paths in the arguments and the
 * settings file are moved below it, so that checks for existing files run as in the container.
 */
abstract class DeployPodFixture {
  static final String TOKEN_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";
  /** The operator's guide to deploy/. */
  static final Path OPERATIONS = DeployManifests.DIRECTORY.resolveSibling("docs")
      .resolve("operations.md");
  /** What Kubernetes publishes in every namespace. */
  static final Map<String, Map<String, String>> KUBERNETES_CONFIG_MAPS =
      Map.of("kube-root-ca.crt", Map.of("ca.crt", "the host cluster's CA\n"));

  @TempDir Path temp;
  DeployManifests manifests;
  V1StatefulSet statefulSet;
  V1PodSpec pod;
  V1Container promcc;
  String namespace;

  @BeforeEach
  void load() throws IOException {
    manifests = DeployManifests.load();
    statefulSet = manifests.only(V1StatefulSet.class);
    pod = statefulSet.getSpec().getTemplate().getSpec();
    promcc = container("promcc");
    namespace = statefulSet.getMetadata().getNamespace();
  }

  /** promcc as started in Pod {@code ordinal}. */
  final class StartedPod {
    final int ordinal;
    final Path root;
    final Map<String, String> env = new TreeMap<>();
    final List<String> args = new ArrayList<>();

    StartedPod(int ordinal, UnaryOperator<String> settingsEdit) throws IOException {
      this(ordinal, settingsEdit, Map.of());
    }

    /**
     * @param created ConfigMaps of the Pod's namespace that are not in deploy/, by name: those
     *     an operator creates as docs/operations.md tells, with their data
     */
    StartedPod(int ordinal, UnaryOperator<String> settingsEdit,
        Map<String, Map<String, String>> created) throws IOException {
      this.ordinal = ordinal;
      this.root = Files.createDirectories(temp.resolve("pod-" + ordinal));
      env.put("HOSTNAME", podName()); // set by the container runtime
      for (V1EnvVar variable : promcc.getEnv()) {
        env.put(variable.getName(), valueOf(variable));
      }
      for (V1VolumeMount mount : promcc.getVolumeMounts()) {
        Path at = Files.createDirectories(inside(mount.getMountPath()));
        V1Volume volume = volume(mount.getName());
        List<ConfigMapFiles> sources = new ArrayList<>();
        if (volume.getConfigMap() != null) {
          V1ConfigMapVolumeSource map = volume.getConfigMap();
          sources.add(new ConfigMapFiles(map.getName(), map.getItems(), map.getOptional()));
        }
        if (volume.getProjected() != null) {
          volume.getProjected().getSources().stream().map(V1VolumeProjection::getConfigMap)
              .filter(Objects::nonNull).forEach(map -> sources.add(
                  new ConfigMapFiles(map.getName(), map.getItems(), map.getOptional())));
        }
        for (ConfigMapFiles source : sources) {
          for (Map.Entry<String, String> file : source.files(created).entrySet()) {
            String text = relocated(file.getValue());
            if (source.name().equals("promcc-settings")) {
              text = settingsEdit.apply(text);
            }
            Files.writeString(at.resolve(file.getKey()), text);
          }
        }
      }
      for (String arg : promcc.getArgs()) {
        args.add(relocated(expanded(arg)));
      }
    }

    String podName() {
      return statefulSet.getMetadata().getName() + "-" + ordinal;
    }

    private String valueOf(V1EnvVar variable) {
      if (variable.getValue() != null) {
        return expanded(variable.getValue());
      }
      String field = variable.getValueFrom().getFieldRef().getFieldPath();
      return switch (field) {
        case "metadata.name" -> podName();
        case "metadata.namespace" -> namespace;
        case "metadata.labels['apps.kubernetes.io/pod-index']" -> String.valueOf(ordinal);
        case "status.podIP" -> "10.0.0." + (10 + ordinal);
        default -> throw new AssertionError("no value for field " + field + " in this test");
      };
    }

    /** Kubernetes' expansion of {@code $(NAME)} in args: defined names only, {@code $$} is $. */
    String expanded(String text) {
      Matcher m = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(text);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String replacement = m.group().equals("$$") ? "$"
            : env.getOrDefault(m.group(1), m.group());
        m.appendReplacement(out, Matcher.quoteReplacement(replacement));
      }
      return m.appendTail(out).toString();
    }

    Path inside(String absolute) {
      return root.resolve(absolute.substring(1));
    }

    /** The path as the container sees it. */
    String outside(Path path) {
      return "/" + root.relativize(path);
    }

    /** Mount paths in {@code text} moved below {@link #root}, in one pass. */
    String relocated(String text) {
      String mounts = promcc.getVolumeMounts().stream().map(V1VolumeMount::getMountPath)
          .sorted(Comparator.comparing(String::length).reversed()).map(Pattern::quote)
          .collect(Collectors.joining("|"));
      Matcher m = Pattern.compile("(?<![\\w./-])(" + mounts + ")(?=/|$|[\\s\"'])",
          Pattern.MULTILINE).matcher(text);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(out, Matcher.quoteReplacement(inside(m.group(1)).toString()));
      }
      return m.appendTail(out).toString();
    }

    /** Parses the arguments with promcc's command line and loads the settings. */
    RunSettings settings(Problems problems) {
      CommandLine cli = Main.commandLine(env);
      ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));
      ParseResult run = parsed.subcommand();
      // run, or check in deploy/upgrade-check's Job
      assertEquals(promcc.getArgs().get(0), run.commandSpec().name(), "the container's command");
      return SettingsLoader.load(RunSettings.TABLE,
          SettingsCommandSpec.flags(run, RunSettings.TABLE), env, problems);
    }
  }

  /** The files a ConfigMap, or one source of a projected volume, puts into a volume. */
  private final class ConfigMapFiles {
    private final String name;
    private final List<V1KeyToPath> items;
    private final boolean optional;

    ConfigMapFiles(String name, List<V1KeyToPath> items, Boolean optional) {
      this.name = name;
      this.items = items == null ? List.of() : items;
      this.optional = Boolean.TRUE.equals(optional);
    }

    String name() {
      return name;
    }

    /** As the kubelet makes them; a Pod whose required ConfigMap or key is missing fails. */
    Map<String, String> files(Map<String, Map<String, String>> created) {
      Map<String, String> data = created.containsKey(name) ? created.get(name)
          : KUBERNETES_CONFIG_MAPS.containsKey(name) ? KUBERNETES_CONFIG_MAPS.get(name)
          : manifests.all(V1ConfigMap.class).stream()
              .filter(m -> m.getMetadata().getNamespace().equals(namespace)
                  && m.getMetadata().getName().equals(name))
              .map(V1ConfigMap::getData).findFirst().orElse(null);
      if (data == null) {
        assertTrue(optional, "the Pod does not start: no ConfigMap " + name);
        return Map.of();
      }
      if (items.isEmpty()) {
        return new TreeMap<>(data);
      }
      Map<String, String> files = new TreeMap<>();
      for (V1KeyToPath item : items) {
        assertTrue(optional || data.containsKey(item.getKey()),
            "the Pod does not start: ConfigMap " + name + " has no key " + item.getKey());
        Optional.ofNullable(data.get(item.getKey())).ifPresent(v -> files.put(item.getPath(), v));
      }
      return files;
    }
  }

  V1Container container(String name) {
    return pod.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name));
  }

  V1Volume volume(String name) {
    return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  static V1VolumeMount mountOf(V1Container container, String path) {
    return container.getVolumeMounts().stream()
        .filter(m -> path.equals(m.getMountPath()) || path.startsWith(m.getMountPath() + "/"))
        .findFirst().orElseThrow(() -> new AssertionError(container.getName()
            + " mounts no volume holding " + path));
  }

  RunSettings accepted(StartedPod started) {
    Problems problems = new Problems("settings");
    RunSettings settings = started.settings(problems);
    assertEquals(List.of(), problems.list(), "pod " + started.podName());
    return settings;
  }
}
