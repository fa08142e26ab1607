package io.promcc.core.embed;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.ReadmeExample;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.RandomGenerator;

/**
 * The README's property example (the second Java block of its embedding section), taken from
 * README.md as it is, compiles against core and its test-jar, and its property holds for values
 * its provider draws: the example's body is run for each of 50 values drawn from a
 * {@link Random} seeded with the property's seed. jqwik draws other values for that seed (its own
 * random, edge cases mixed in): this class loads the example itself, out of jqwik's reach.
 */
class ReadmePropertyExampleTest {
  private static final int TRIES = 50;

  /** An example of jqwik's, not JUnit's: jqwik draws values only on its own threads. */
  @Example
  void thePropertyExampleCompilesAndHoldsForTheDrawnClusters() throws Exception {
    Path out = Files.createTempDirectory("readme-property");
    try {
      compileAndRun(out);
    } finally {
      try (Stream<Path> files = Files.walk(out)) {
        for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  private void compileAndRun(Path out) throws Exception {
    String source = exampleSource();
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///ReadmeProperties.java"),
        JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    boolean compiled = compiler.getTask(diagnostics, null, null, List.of("-d", out.toString(),
        "-classpath", System.getProperty("java.class.path"), "-proc:none"), null,
        List.of(file)).call();
    assertTrue(compiled, "the README's property example does not compile:\n" + diagnostics
        + "\n" + source);

    try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {out.toUri().toURL()},
        getClass().getClassLoader())) {
      Class<?> properties = loader.loadClass(className(source));
      Constructor<?> constructor = properties.getDeclaredConstructor();
      constructor.setAccessible(true);
      Object instance = constructor.newInstance();
      Method provider = only(properties, net.jqwik.api.Provide.class);
      Method property = only(properties, net.jqwik.api.Property.class);
      provider.setAccessible(true);
      property.setAccessible(true);
      Arbitrary<?> arbitrary = (Arbitrary<?>) provider.invoke(instance);
      RandomGenerator<?> generator = arbitrary.generator(1000);
      Random random = new Random(Long.parseLong(
          property.getAnnotation(net.jqwik.api.Property.class).seed()));
      for (int i = 0; i < TRIES; i++) {
        property.invoke(instance, generator.next(random).value());
      }
    }
  }

  /** The section's second Java block: a whole test class with its imports. */
  private static String exampleSource() throws IOException {
    String section = ReadmeExample.section();
    int first = section.indexOf("```java\n");
    int second = section.indexOf("```java\n", section.indexOf("```", first + 8) + 3);
    assertTrue(second >= 0, "the README's embedding section has no second Java block");
    int start = second + "```java\n".length();
    return section.substring(start, section.indexOf("```", start));
  }

  private static String className(String source) {
    int at = source.indexOf("class ") + "class ".length();
    return source.substring(at, source.indexOf(' ', at));
  }

  private static Method only(Class<?> type, Class<? extends java.lang.annotation.Annotation> a) {
    List<Method> methods = java.util.Arrays.stream(type.getDeclaredMethods())
        .filter(method -> method.isAnnotationPresent(a)).toList();
    assertTrue(methods.size() == 1, "the example should have one @" + a.getSimpleName()
        + " method, found " + methods);
    return methods.get(0);
  }
}
