package io.promcc.core.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.ReadmeExample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's embedding section names the Maven coordinates an embedder needs, as the poms
 * publish them: core, the prometheus-adapter of its example, and core's test-jar with what its
 * arbitraries, test CA and contract tests need beside it (test dependencies are not transitive),
 * JUnit's BOM among them: jqwik 1.9.3 alone brings JUnit Platform 1.13.1, not the Platform the
 * project's Jupiter is built for, and without Jupiter's engine a class extending a contract
 * compiles and runs no test at all.
 */
class ReadmeDependenciesTest {
  private static final Pattern DEPENDENCY = Pattern.compile("<dependency>(.*?)</dependency>",
      Pattern.DOTALL);

  @Test
  void theEmbeddingSectionNamesTheArtifactsAsThePomsPublishThem() throws IOException {
    String pom = Files.readString(Path.of("..", "pom.xml"));
    String version = tag(pom.substring(pom.indexOf("<artifactId>promcc-parent</artifactId>")),
        "version");
    String junit = tag(pom, "junit.version");
    List<String> expected = List.of(
        "org.junit:junit-bom:" + junit + ":pom:import",
        "io.promcc:promcc-core:" + version,
        "io.promcc:promcc-prometheus-adapter:" + version,
        "io.promcc:promcc-core:" + version + ":test-jar:test",
        "net.jqwik:jqwik:" + tag(pom, "jqwik.version") + ":test",
        "org.bouncycastle:bcpkix-jdk18on:" + tag(pom, "bouncycastle.version") + ":test",
        "org.junit.jupiter:junit-jupiter:test");

    assertEquals(expected, readmeDependencies());
  }

  /** The BOM is imported where Maven takes it, the rest are the project's dependencies. */
  @Test
  void junitsBomIsImportedInDependencyManagement() throws IOException {
    String text = ReadmeExample.section();
    int start = text.indexOf("```xml\n");
    String block = text.substring(start, text.indexOf("```", start + 6));
    int management = block.indexOf("<dependencyManagement>");
    assertTrue(management >= 0 && block.indexOf("junit-bom") > management
        && block.indexOf("junit-bom") < block.indexOf("</dependencyManagement>"), block);
  }

  /**
   * The dependencies of the section's XML block, as group:artifact[:version][:type][:scope] (no
   * version where the BOM gives it).
   */
  private static List<String> readmeDependencies() throws IOException {
    String text = ReadmeExample.section();
    int start = text.indexOf("```xml\n");
    assertTrue(start >= 0, "the section has no XML block of dependencies");
    String block = text.substring(start, text.indexOf("```", start + 6));
    List<String> found = new ArrayList<>();
    Matcher matcher = DEPENDENCY.matcher(block);
    while (matcher.find()) {
      String dependency = matcher.group(1);
      StringBuilder coordinates = new StringBuilder(tag(dependency, "groupId")).append(':')
          .append(tag(dependency, "artifactId"));
      for (String optional : List.of("version", "type", "scope")) {
        if (dependency.contains("<" + optional + ">")) {
          coordinates.append(':').append(tag(dependency, optional));
        }
      }
      found.add(coordinates.toString());
    }
    return found;
  }

  private static String tag(String xml, String name) {
    Matcher matcher = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</").matcher(xml);
    assertTrue(matcher.find(), "no <" + name + "> in " + xml);
    return matcher.group(1).trim();
  }
}
