package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * One entry of a kustomization's {@code images:}, applied as kustomize v5 applies it: the entry
 * names an image without its tag or digest; {@code newName} replaces the name, and a
 * {@code newTag} or {@code digest} replaces both the tag and the digest the manifest gave
 * ({@code name:tag@digest} with both). Test support; immutable.
 *
 * @param name the image's name as a manifest writes it, without tag or digest
 * @param newName the name to deploy, {@code ""} to keep it
 * @param newTag the tag to deploy, {@code ""} for none
 * @param digest the digest to deploy ({@code sha256:...}), {@code ""} for none
 */
public record KustomizeImage(String name, String newName, String newTag, String digest) {
  public KustomizeImage {
    requireNonNull(name, "name == null");
    requireNonNull(newName, "newName == null");
    requireNonNull(newTag, "newTag == null");
    requireNonNull(digest, "digest == null");
  }

  /** Reads one entry of {@code images:}; a tag written as a YAML number is its text. */
  static KustomizeImage of(Map<String, Object> entry) {
    return new KustomizeImage(text(entry, "name"), text(entry, "newName"),
        text(entry, "newTag"), text(entry, "digest"));
  }

  private static String text(Map<String, Object> entry, String key) {
    Object value = entry.get(key);
    return value == null ? "" : value.toString();
  }

  /** Whether this entry applies to {@code image}, a reference as a manifest writes it. */
  public boolean appliesTo(String image) {
    return nameOf(image).equals(name);
  }

  /** {@code image} as kustomize deploys it; call only where {@link #appliesTo} holds. */
  public String applyTo(String image) {
    String rest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    String imageName = nameOf(image);
    String tag = rest.length() > imageName.length() ? rest.substring(imageName.length() + 1)
        : "";
    String imageDigest = image.contains("@") ? image.substring(image.indexOf('@') + 1) : "";
    if (!newTag.isEmpty() || !digest.isEmpty()) {
      tag = newTag;
      imageDigest = digest;
    }
    return (newName.isEmpty() ? imageName : newName) + (tag.isEmpty() ? "" : ":" + tag)
        + (imageDigest.isEmpty() ? "" : "@" + imageDigest);
  }

  /** The name of a reference: without its digest, and its tag (a colon after the last slash). */
  static String nameOf(String image) {
    String rest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int colon = rest.lastIndexOf(':');
    return colon > rest.lastIndexOf('/') ? rest.substring(0, colon) : rest;
  }
}
