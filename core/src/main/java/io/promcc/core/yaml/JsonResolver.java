package io.promcc.core.yaml;

import java.util.List;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.JsonScalarResolver;

/**
 * YAML's JSON schema's resolver, without the regular-expression matchers made for each plain
 * scalar that can only be text. snakeyaml (3.2) tries the patterns listed for a scalar's first
 * character ({@code t}, {@code f}, {@code n}, a digit, {@code -}, {@code .}, {@code $}), then
 * the two listed for any character, the empty text's ({@code ^$}) and null's
 * ({@code ^(?:null)$}), which match no text that is not empty and starts with another
 * character: matchers of some 150 bytes for every key and value of a document. Such a scalar
 * is text, as snakeyaml resolves it, without them; every other is resolved by snakeyaml.
 * Thread-safe: not modified after it is made.
 */
final class JsonResolver extends JsonScalarResolver {
  /** Whether the patterns tried for any first character are those two alone. */
  private final boolean twoForAny = onlyEmptyAndNull(yamlImplicitResolvers.get(null));

  @Override
  public Tag resolve(String value, Boolean implicit) {
    if (implicit && twoForAny && !value.isEmpty()
        && !yamlImplicitResolvers.containsKey(value.charAt(0))) {
      return Tag.STR;
    }
    return super.resolve(value, implicit);
  }

  /** Whether a plain scalar that can only be text is resolved without snakeyaml's patterns. */
  boolean skipsPatterns() {
    return twoForAny;
  }

  /**
   * Whether {@code any}, the patterns snakeyaml tries for any first character, are the empty
   * text's and null's, in that order. Its tuples are not public: their text names tag and
   * pattern, so any other table, or other text for the same one, leaves every scalar to
   * snakeyaml, as does a table of two other patterns.
   */
  static boolean onlyEmptyAndNull(List<?> any) {
    return any != null && any.toString().equals("[Tuple tag=" + Tag.NULL + " regexp=" + EMPTY
        + ", Tuple tag=" + Tag.NULL + " regexp=" + NULL + "]");
  }
}
