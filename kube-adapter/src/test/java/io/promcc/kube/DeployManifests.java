package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.util.Yaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Kubernetes manifests of {@code deploy/}, read strictly into client-java's typed models.
 * Each YAML document is read three ways, and all must agree:
 * <ol>
 *   <li>client-java's {@link Yaml#loadAll(String)}, which maps {@code apiVersion} and
 *       {@code kind} to a model class and refuses a property the model does not have;
 *   <li>client-java's {@link JSON}, whose generated type adapters refuse a field the model does
 *       not define, a missing required field and a value of the wrong shape (its reading of
 *       API responses);
 *   <li>the model written back as JSON must equal the document (empty lists and maps aside),
 *       so that no value was coerced (e.g. {@code runAsUser: "10001"} read as a number) or
 *       dropped on the way.
 * </ol>
 * Duplicate keys are refused as well. Test support, also used by the app module's tests
 * through this module's test-jar. Immutable.
 */
public final class DeployManifests {
  /** {@code deploy/} as seen from a module's folder, where Maven runs its tests. */
  public static final Path DIRECTORY = Path.of("..", "deploy");
  /** The kustomization, which is no Kubernetes object. */
  public static final String KUSTOMIZATION = "kustomization.yaml";

  // client-java's Yaml registers its models with SnakeYAML at start and SnakeYAML warns about
  // every x-kubernetes-* property of V1JSONSchemaProps; kept here so the setting is not lost
  private static final Logger SNAKEYAML_LOG = Logger.getLogger("org.yaml.snakeyaml");

  static {
    SNAKEYAML_LOG.setLevel(Level.SEVERE);
  }

  private static final JSON CLIENT_JSON = new JSON();
  private static final Gson PLAIN = new Gson();

  /**
   * One YAML document of a manifest file.
   *
   * @param source the file name and the document's position in it, e.g. {@code rbac.yaml#2}
   * @param model the typed model, e.g. a {@code V1StatefulSet}
   */
  public record Document(String source, KubernetesObject model) {
    public Document {
      requireNonNull(source, "source == null");
      requireNonNull(model, "model == null");
    }

    public String kind() {
      return model.getKind();
    }

    /** The namespace, or {@code ""} for a cluster-scoped object. */
    public String namespace() {
      return Objects.requireNonNullElse(model.getMetadata().getNamespace(), "");
    }

    public String name() {
      return model.getMetadata().getName();
    }

    /** {@code Kind namespace/name}, or {@code Kind name} when cluster-scoped. */
    public String id() {
      return kind() + " " + (namespace().isEmpty() ? "" : namespace() + "/") + name();
    }
  }

  /**
   * What {@code deploy/kustomization.yaml} says, as far as deploy/ uses kustomize.
   *
   * @param resources the files it lists
   * @param images its {@code images:}, in order
   * @param deleted the objects its {@code $patch: delete} patches remove, as
   *     {@link Document#id()}
   * @param namespace its top-level namespace, {@code ""} if none
   */
  public record Kustomization(List<String> resources, List<KustomizeImage> images,
      Set<String> deleted, String namespace) {
    public Kustomization {
      resources = List.copyOf(resources);
      images = List.copyOf(images);
      deleted = Set.copyOf(deleted);
      requireNonNull(namespace, "namespace == null");
    }

    /** Reads {@link #KUSTOMIZATION} of {@link #DIRECTORY}. */
    public static Kustomization read() throws IOException {
      return read(DIRECTORY);
    }

    /** Reads {@link #KUSTOMIZATION} of {@code directory}, e.g. an edited copy of deploy/. */
    @SuppressWarnings("unchecked")
    public static Kustomization read(Path directory) throws IOException {
      org.yaml.snakeyaml.Yaml yaml = new org.yaml.snakeyaml.Yaml();
      Map<String, Object> root = yaml.load(Files.readString(directory.resolve(KUSTOMIZATION)));
      List<KustomizeImage> images = new ArrayList<>();
      for (Map<String, Object> image : (List<Map<String, Object>>) root.getOrDefault("images",
          List.of())) {
        images.add(KustomizeImage.of(image));
      }
      Set<String> deleted = new TreeSet<>();
      for (Map<String, Object> patch : (List<Map<String, Object>>) root.getOrDefault("patches",
          List.of())) {
        Map<String, Object> body = yaml.load((String) patch.get("patch"));
        if ("delete".equals(body.get("$patch"))) {
          Map<String, Object> meta = (Map<String, Object>) body.get("metadata");
          deleted.add(body.get("kind") + " " + (meta.containsKey("namespace")
              ? meta.get("namespace") + "/" : "") + meta.get("name"));
        }
      }
      return new Kustomization((List<String>) root.getOrDefault("resources", List.of()),
          images, deleted, (String) root.getOrDefault("namespace", ""));
    }

    /**
     * The image {@code kubectl kustomize} puts where a manifest names {@code image}: kustomize
     * runs one image transformer per entry of {@link #images}, in order, so each entry that
     * applies to the image as the entries before it left it changes it; unchanged if none does.
     */
    public String image(String image) {
      String deployed = image;
      for (KustomizeImage entry : images) {
        if (entry.appliesTo(deployed)) {
          deployed = entry.applyTo(deployed);
        }
      }
      return deployed;
    }
  }

  private final List<Document> documents;

  private DeployManifests(List<Document> documents) {
    this.documents = List.copyOf(documents);
  }

  /** Reads every manifest of {@link #DIRECTORY}. */
  public static DeployManifests load() throws IOException {
    return load(DIRECTORY);
  }

  /**
   * Reads every manifest of {@code directory} (see {@link #manifestFiles(Path)}).
   *
   * @throws IllegalArgumentException naming the file and document that is not strictly valid
   */
  public static DeployManifests load(Path directory) throws IOException {
    List<Document> all = new ArrayList<>();
    for (Path file : manifestFiles(directory)) {
      all.addAll(parse(file.getFileName().toString(), Files.readString(file)));
    }
    return new DeployManifests(all);
  }

  /** The {@code *.yaml} files of {@code directory} but the kustomization, sorted by name. */
  public static List<Path> manifestFiles(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".yaml"))
          .filter(f -> !f.getFileName().toString().equals(KUSTOMIZATION))
          .sorted().toList();
    }
  }

  /** Manifests given as text (e.g. the output of {@code kubectl kustomize}). */
  public static DeployManifests of(String source, String yaml) {
    return new DeployManifests(parse(source, yaml));
  }

  /**
   * Reads every document of {@code yaml} strictly.
   *
   * @param source names the text in messages, e.g. a file name
   * @throws IllegalArgumentException naming the document and what is wrong with it
   */
  public static List<Document> parse(String source, String yaml) {
    List<Object> trees = new ArrayList<>();
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    try {
      for (Object tree : new org.yaml.snakeyaml.Yaml(new SafeConstructor(options))
          .loadAll(yaml)) {
        if (tree != null) {
          trees.add(tree);
        }
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(source + " is not valid YAML: " + e.getMessage(), e);
    }
    List<Object> typed = new ArrayList<>();
    try {
      for (Object model : Yaml.loadAll(yaml)) {
        if (model != null) {
          typed.add(model);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(source + " does not map to client-java's models: "
          + e.getMessage(), e);
    }
    if (typed.size() != trees.size()) {
      throw new IllegalArgumentException(source + ": client-java read " + typed.size()
          + " documents, YAML has " + trees.size());
    }
    List<Document> documents = new ArrayList<>();
    for (int i = 0; i < trees.size(); i++) {
      String where = source + "#" + (i + 1);
      if (!(typed.get(i) instanceof KubernetesObject model)) {
        throw new IllegalArgumentException(where + " is not a Kubernetes object: "
            + typed.get(i).getClass().getName());
      }
      documents.add(new Document(where, checked(where, trees.get(i), model)));
    }
    return documents;
  }

  private static KubernetesObject checked(String where, Object tree, KubernetesObject model) {
    JsonElement original = PLAIN.toJsonTree(tree);
    Object strict;
    try {
      strict = CLIENT_JSON.deserialize(PLAIN.toJson(original), model.getClass());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(where + " (" + model.getKind() + ") is refused by "
          + "client-java's " + model.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
    JsonElement back = JsonParser.parseString(CLIENT_JSON.serialize(strict));
    JsonElement expected = pruned(original);
    JsonElement actual = pruned(back);
    if (!expected.equals(actual)) {
      throw new IllegalArgumentException(where + " (" + model.getKind() + ") does not survive "
          + "a round trip through client-java's " + model.getClass().getSimpleName()
          + ":\n  document: " + expected + "\n  model:    " + actual);
    }
    if (!strict.equals(model)) {
      throw new IllegalArgumentException(where + ": client-java's YAML and JSON readers "
          + "disagree:\n  yaml: " + model + "\n  json: " + strict);
    }
    return model;
  }

  /** Without nulls, empty lists and empty maps, which the models add or leave out at will. */
  private static JsonElement pruned(JsonElement element) {
    if (element.isJsonObject()) {
      JsonObject out = new JsonObject();
      for (Map.Entry<String, JsonElement> e : element.getAsJsonObject().entrySet()) {
        JsonElement value = pruned(e.getValue());
        if (!isEmpty(value)) {
          out.add(e.getKey(), value);
        }
      }
      return out;
    }
    if (element.isJsonArray()) {
      JsonArray out = new JsonArray();
      for (JsonElement item : element.getAsJsonArray()) {
        out.add(pruned(item));
      }
      return out;
    }
    return element;
  }

  private static boolean isEmpty(JsonElement value) {
    return value.isJsonNull() || (value.isJsonObject() && value.getAsJsonObject().size() == 0)
        || (value.isJsonArray() && value.getAsJsonArray().isEmpty());
  }

  /** Every document, in file order. */
  public List<Document> documents() {
    return documents;
  }

  /** Every object of {@code type}. */
  public <T extends KubernetesObject> List<T> all(Class<T> type) {
    return documents.stream().map(Document::model).filter(type::isInstance).map(type::cast)
        .toList();
  }

  /**
   * The one object of {@code type} named {@code name} in {@code namespace} ({@code ""} for
   * cluster-scoped objects).
   *
   * @throws IllegalArgumentException if there is none or more than one
   */
  public <T extends KubernetesObject> T get(Class<T> type, String namespace, String name) {
    List<T> found = documents.stream()
        .filter(d -> type.isInstance(d.model()) && d.namespace().equals(namespace)
            && d.name().equals(name))
        .map(d -> type.cast(d.model())).toList();
    if (found.size() != 1) {
      throw new IllegalArgumentException("expected one " + type.getSimpleName() + " "
          + namespace + "/" + name + " in the manifests, found " + found.size());
    }
    return found.get(0);
  }

  /** The one object of {@code type}. */
  public <T extends KubernetesObject> T only(Class<T> type) {
    List<T> found = all(type);
    if (found.size() != 1) {
      throw new IllegalArgumentException("expected one " + type.getSimpleName()
          + " in the manifests, found " + found.size());
    }
    return found.get(0);
  }
}
