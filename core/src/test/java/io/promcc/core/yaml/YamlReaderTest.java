package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.ValidationException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/** What users write is read as they wrote it. */
class YamlReaderTest {
  @Test
  void aClusterLabelThatLooksLikeANumberKeepsItsText() {
    List<GuestCluster> clusters = ClusterList.parse("""
        - id: a
          provider: aws
          apiServer: https://a.example
          labels:
            k8s_version: 1.20
            scale: 1e3
            rack: 010
            mask: 0x1F
            plus: +1
            yes_no: True
            count: 12
            flag: true
            offset: -0
        """, "clusters.yml");

    assertEquals(new TreeMap<>(Map.of("k8s_version", "1.20", "scale", "1e3", "rack", "010",
        "mask", "0x1F", "plus", "+1", "yes_no", "True", "count", "12", "flag", "true",
        "offset", "-0")), clusters.get(0).labels());
  }

  /**
   * A number tagged !!float was read as a Java double: label "1" became "1.0" in prometheus.yml,
   * "1.20" became "1.2" and "1e3" "1000.0". As an untagged one, it keeps the text it was written
   * as (Prometheus, reading the tagged number into a text field, keeps that text too).
   */
  @Test
  void aClusterLabelTaggedAsAFloatKeepsItsText() {
    List<GuestCluster> clusters = ClusterList.parse("""
        - id: a
          provider: aws
          apiServer: https://a.example
          labels:
            one: !!float 1
            k8s_version: !!float 1.20
            scale: !!float 1e3
            zero: !!float -0
        """, "clusters.yml");

    assertEquals(new TreeMap<>(Map.of("one", "1", "k8s_version", "1.20", "scale", "1e3",
        "zero", "-0")), clusters.get(0).labels());
  }

  /**
   * A number tagged !!int was read as a Java integer: label "010" became "10" and "-0" became
   * "0". As an untagged one, a label keeps the text it was written as; one written as the
   * integer reads back (port: !!int 9100) is still that integer.
   */
  @Test
  void aClusterLabelTaggedAsAnIntegerKeepsItsText() {
    List<GuestCluster> clusters = ClusterList.parse("""
        - id: a
          provider: aws
          apiServer: https://a.example
          labels:
            rack: !!int 010
            zero: !!int -0
            count: !!int 12
        """, "clusters.yml");

    assertEquals(new TreeMap<>(Map.of("rack", "010", "zero", "-0", "count", "12")),
        clusters.get(0).labels());
    assertEquals(Map.of("port", 9100), YamlReader.read("port: !!int 9100\n", "p"));
  }

  /**
   * An integer field tagged !!int but written otherwise than it reads back (+9100, 010) was
   * that integer before the tag kept its text: it still is, as Prometheus' YAML reads it
   * (!!int 010 is octal 8), while a label keeps the text.
   */
  @Test
  void anIntegerFieldTaggedAsAnIntegerWrittenWithASignOrZeroIsStillThatInteger() {
    Map<?, ?> read = (Map<?, ?>) YamlReader.read(
        "port: !!int +9100\nmodulus: !!int 010\nrack: !!int 010\n", "p");
    List<String> problems = new java.util.ArrayList<>();
    Fields fields = new Fields(read, "job template \"j\"", problems);

    assertEquals(BigInteger.valueOf(9100), fields.integer("port"));
    assertEquals(BigInteger.valueOf(8), fields.integer("modulus"));
    assertEquals("010", fields.string("rack", null));
    assertEquals(List.of(), problems);
    assertEquals("sample_limit: 100\n",
        YamlWriter.write(YamlReader.readMapping("sample_limit: !!int +100\n", "base config")));
  }

  /**
   * A tag of a number on a list or a mapping ended the read with "invalid yaml:
   * java.lang.ClassCastException ...", naming no line: it is refused where it stands.
   */
  @Test
  void aNumberTagOnACollectionIsRefusedNamingItsLine() {
    for (String value : List.of("!!float [1]", "!!int {a: 1}", "!!float {a: 1}", "!!int [1]")) {
      ValidationException e = assertThrows(ValidationException.class,
          () -> YamlReader.read("jobs:\n- name: " + value + "\n", "profile \"p.yml\""), value);

      String tag = value.split(" ")[0];
      String found = value.contains("[") ? "a sequence" : "a mapping";
      assertEquals("profile \"p.yml\" is invalid (1 problem)\n  - invalid yaml at line 2, "
          + "column 9: the tag " + tag + " is for a single value, found " + found, e.getMessage());
    }
  }

  /**
   * A list or a mapping tagged !!str ended the read with "invalid yaml:
   * java.lang.ClassCastException ...", naming no line: it is refused where it stands, as a
   * number tag on one is.
   */
  @Test
  void aTextTagOnACollectionIsRefusedNamingItsLine() {
    for (String value : List.of("!!str [1]", "!!str {a: 1}")) {
      ValidationException e = assertThrows(ValidationException.class,
          () -> YamlReader.read("jobs:\n- name: " + value + "\n", "profile \"p.yml\""), value);

      String found = value.contains("[") ? "a sequence" : "a mapping";
      assertEquals("profile \"p.yml\" is invalid (1 problem)\n  - invalid yaml at line 2, "
          + "column 9: the tag !!str is for a single value, found " + found, e.getMessage());
    }
    assertEquals(Map.of("name", "1"), YamlReader.read("name: !!str 1\n", "p"));
  }

  /**
   * A label value or name tagged !!binary became the text of a Java byte array ("[B@1ee0005")
   * in the cluster's labels, a !!set one "[a, b]": each is a problem naming where it is, as a
   * mapping or a list there is.
   */
  @Test
  void aClusterLabelOfBinaryDataOrASetIsAProblemNamingItsLine() {
    ValidationException e = assertThrows(ValidationException.class, () -> ClusterList.parse("""
        - id: a
          provider: aws
          apiServer: https://a.example
        - id: b
          provider: aws
          apiServer: https://b.example
          labels:
            team: storage
            blob: !!binary aGVsbG8=
            tags: !!set {x, y}
            nested: {x: y}
            !!binary aGVsbG8=: v
        """, "clusters.yml"));

    assertEquals(List.of(
        "label \"blob\" of clusters[1] must have a text value, found binary data (!!binary) at "
            + "line 9, column 11",
        "label \"tags\" of clusters[1] must have a text value, found a set (!!set) at line 10, "
            + "column 11",
        "label \"nested\" of clusters[1] must have a text value, found a mapping at line 11, "
            + "column 13",
        "label names of clusters[1] must be text, found binary data (!!binary) at line 12, "
            + "column 5"), e.problems());
  }

  /**
   * snakeyaml makes a java.util.UUID or Optional of a value so tagged: a well-formed one was
   * read as no text and written out as "Optional[x]", a malformed one said only "Invalid UUID
   * string" without a line. Like any tag YAML does not know, it is refused where it stands.
   */
  @Test
  void aJavaTypeTagIsRefusedNamingTheDocumentAndItsLine() {
    for (String value : List.of("!!java.util.UUID 123e4567-e89b-12d3-a456-426614174000",
        "!!java.util.UUID x", "!!java.util.Optional x", "!!java.util.Optional")) {
      String tag = value.split(" ")[0].substring(2);
      ValidationException e = assertThrows(ValidationException.class,
          () -> YamlReader.read("jobs:\n- name: " + value + "\n", "profile \"p.yml\""), value);

      assertEquals("profile \"p.yml\" is invalid (1 problem)\n  - invalid yaml at line 2, "
          + "column 9: could not determine a constructor for the tag tag:yaml.org,2002:" + tag,
          e.getMessage(), value);
    }
  }

  /** promcc's settings file is read by the same reader with snakeyaml's own schema. */
  @Test
  void aJavaTypeTagInTheSettingsFileIsRefusedWithItsLine() {
    YamlEngineException e = assertThrows(YamlEngineException.class, () -> YamlReader.load(
        LoadSettings.builder().setLabel("promcc.yml").build(),
        "out: /out\nvault-address: !!java.util.Optional https://vault\n"));

    assertTrue(e.getMessage().contains("could not determine a constructor for the tag "
        + "tag:yaml.org,2002:java.util.Optional"), e.getMessage());
    assertTrue(e.getMessage().contains("promcc.yml, line 2, column 16"), e.getMessage());
  }

  @Test
  void numbersBooleansAndNullsStillReadAsSuch() {
    assertEquals(Map.of("port", 9100, "honor", true, "none", "x"),
        Map.of("port", YamlReader.readMapping("port: 9100\n", "t").get("port"),
            "honor", YamlReader.readMapping("honor: true\n", "t").get("honor"),
            "none", YamlReader.readMapping("none: null\n", "t").get("none") == null ? "x" : "y"));
  }

  /**
   * Go's YAML, which Prometheus reads with, refuses every escape of a UTF-16 surrogate, a pair
   * too ("found invalid Unicode character escape code", promtool 2.53.3); snakeyaml joins a pair
   * into its character, so a config promcc took would fail at Prometheus.
   */
  @Test
  void anEscapedSurrogatePairIsRefusedWhereItIsWritten() {
    ValidationException e = assertThrows(ValidationException.class, () -> YamlReader.readMapping(
        "global:\n  external_labels:\n    a: \"x \\ud83d\\ude00\"\n", "base.yml"));
    assertEquals(List.of("invalid yaml at line 3, column 11: the escape \\ud83d is a UTF-16 "
        + "surrogate, which Prometheus' YAML refuses; write the character itself or \\U0001f600"),
        e.problems());
    ValidationException longForm = assertThrows(ValidationException.class,
        () -> YamlReader.read("[ok, \"\\U0000D83D\\uDE00\"]", "clusters.yml"));
    assertEquals(List.of("invalid yaml at line 1, column 7: the escape \\U0000D83D is a "
        + "UTF-16 surrogate, which Prometheus' YAML refuses; write the character itself or "
        + "\\U0001f600"), longForm.problems());
    ValidationException lone = assertThrows(ValidationException.class,
        () -> YamlReader.readMapping("\"k\\udc00\": 1\n", "base.yml"));
    assertEquals(List.of("invalid yaml at line 1, column 3: the escape \\udc00 is a UTF-16 "
        + "surrogate, which Prometheus' YAML refuses; write the character itself"),
        lone.problems());
  }

  @Test
  void whatOnlyLooksLikeASurrogateEscapeIsText() {
    assertEquals(Map.of("a", "\\ud83d", "b", "x\\ud83d", "c", "\ud83d\ude00", "d", "\\\\ud83d",
            "e", "\ud83d\ude00"),
        YamlReader.readMapping("a: '\\ud83d'\nb: x\\ud83d\nc: \"\\U0001F600\"\n"
            + "d: \"\\\\\\\\ud83d\"\ne: \"\ud83d\ude00\" # \\ud83d\n", "t"));
  }

  /**
   * snakeyaml composes recursively and takes an alias inside its own anchor, and every walk over
   * the values read recurses too: such documents ended the reading thread with a
   * StackOverflowError (a watcher's, or the controller's start) instead of a problem that names
   * the document.
   */
  @Test
  void aCollectionThatHoldsItselfOrNestsTooDeeplyIsAProblemNotAStackOverflow() {
    ValidationException itself = assertThrows(ValidationException.class,
        () -> ClusterList.parse("- &a {id: a, provider: aws, apiServer: 'https://a.example',\n"
            + "    labels: {team: *a}}\n", "clusters.yml"));
    assertEquals(List.of("invalid yaml at line 2, column 13: the alias *a is inside the "
        + "collection it names (a value that would hold itself)"), itself.problems());

    ValidationException deep = assertThrows(ValidationException.class, () -> YamlReader.read(
        "[".repeat(100_000) + "]".repeat(100_000), "clusters.yml"));
    assertEquals(List.of("invalid yaml at line 1, column 101: collections nest more than 100 "
        + "deep (aliases followed)"), deep.problems());

    // 50 aliases (the most taken) of 90 levels each would nest 4,500 deep
    StringBuilder chain = new StringBuilder("a0: &a0 [x]\n");
    for (int i = 1; i < 50; i++) {
      chain.append("a").append(i).append(": &a").append(i).append(' ').append("[".repeat(90))
          .append("*a").append(i - 1).append("]".repeat(90)).append('\n');
    }
    ValidationException aliases = assertThrows(ValidationException.class,
        () -> BaseConfig.parse(chain.toString(), "base.yml"));
    assertTrue(aliases.problems().get(0).endsWith("collections nest more than 100 deep "
        + "(aliases followed)"), aliases.problems().toString());

    assertEquals(List.of(List.of(List.of("x"))), YamlReader.read(
        "[".repeat(3) + "x" + "]".repeat(3), "t"), "a few levels are read as ever");
    assertEquals(100, depth(YamlReader.read("[".repeat(100) + "]".repeat(100), "t")));
  }

  @Test
  void anUndefinedAliasIsNamedWithoutAnEmptyContext() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> YamlReader.read("a: *nope\n", "t"));
    assertEquals(List.of("invalid yaml at line 1, column 4: found undefined alias nope"),
        e.problems());
  }

  private static int depth(Object value) {
    return value instanceof List<?> list && !list.isEmpty() ? 1 + depth(list.get(0))
        : value instanceof List<?> ? 1 : 0;
  }

  /**
   * A top-level key that is no text was named by its Java value ("found a number 010", "found
   * null null", "found binary data (!!binary) [B@1b6d3586"): it is named as written, quoted,
   * each one; a number or boolean as Prometheus 2.53.3 names it, a field it does not know
   * ({@code field 8 not found in type config.plain}), not as a key of the wrong type.
   */
  @Test
  void aTopLevelKeyThatIsNoTextIsNamedAsWritten() {
    ValidationException e = assertThrows(ValidationException.class, () -> YamlReader.readMapping(
        "!!int 010: a\n!!binary aGk=: b\n!!null ~: c\n!!bool true: d\n8: e\nok: f\n",
        "profile \"p.yml\""));

    assertEquals(List.of(
        "field \"010\" not found at the top level",
        "field \"hi\" not found at the top level",
        "field \"\" not found at the top level",
        "field \"true\" not found at the top level",
        "field \"8\" not found at the top level"),
        e.problems());
  }

  /**
   * Prometheus 2.53.3 reads a null key ({@code ~:}, {@code null:}) as the field {@code ""} and a
   * {@code !!binary} one as the text it encodes ({@code field  not found}, {@code field hello
   * not found}); one that encodes a field it knows is that field to it, which is not read so
   * here: refused, saying so.
   */
  @Test
  void aNullOrBinaryTopLevelKeyIsNamedAsPrometheusReadsIt() {
    ValidationException e = assertThrows(ValidationException.class, () -> YamlReader.readMapping(
        "~: a\n!!binary aGVsbG8=: b\n!!binary Z2xvYmFs: c\n", "base config \"b.yml\"",
        Set.of("global")));

    assertEquals(List.of("field \"\" not found at the top level",
        "field \"hello\" not found at the top level",
        "field \"global\" is written as binary data (!!binary Z2xvYmFs) at the top level, "
            + "which is read as no field here: write it as text"), e.problems());
    for (String none : List.of("null", "Null", "NULL", "!!null \"\"")) {
      e = assertThrows(ValidationException.class,
          () -> YamlReader.readMapping(none + ": a\n", "p.yml"));
      assertEquals(List.of("field \"\" not found at the top level"), e.problems(), none);
    }
  }

  /** Prometheus 2.53.3 names {@code !!bool yes:} {@code field yes not found}, as it names 8. */
  @Test
  void aTopLevelKeyTaggedAsABooleanInAnotherFormIsAFieldNotFound() {
    ValidationException e = assertThrows(ValidationException.class, () -> YamlReader.readMapping(
        "!!bool yes: a\n!!bool Off: b\n", "profile \"p.yml\""));

    assertEquals(List.of("field \"yes\" not found at the top level",
        "field \"Off\" not found at the top level"), e.problems());
  }
}
