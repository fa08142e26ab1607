package io.promcc.core.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.FakeCertificateSource;
import io.promcc.core.port.FakeClusterSource;
import io.promcc.core.port.FakeConfigStore;
import io.promcc.core.port.FakePrometheusControl;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.ReadmeExample;
import io.promcc.core.testing.TestCertificates;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's embedding example, taken from README.md as it is, compiles against core and runs
 * on core's fakes. Its two prometheus-adapter types are stand-ins here that keep their
 * constructors (it-tests' {@code ReadmeExampleTest} compiles the example against the real ones);
 * its free variables are the ports an embedder brings.
 */
class EmbeddingReadmeTest {
  /** The stand-ins for prometheus-adapter's store and validation, on core's fake store. */
  private static final String ADAPTER_STAND_INS = """
      package io.promcc.prometheus;
      public final class AtomicFileStore extends io.promcc.core.port.ForwardingStore {
        public AtomicFileStore(java.nio.file.Path root) {
          super(io.promcc.core.embed.Stores.current);
        }
      }
      """;
  private static final String VALIDATION_STAND_IN = """
      package io.promcc.prometheus;
      public final class LocalValidation implements io.promcc.core.port.FileValidator {
        public LocalValidation(java.nio.file.Path root, java.util.Optional<java.nio.file.Path> t) {}
        @Override public void check(io.promcc.core.model.DesiredState d,
            java.util.Collection<String> changed) {}
      }
      """;

  @Test
  void theEmbeddingExampleCompilesReloadsPrometheusAndThenHasNothingToDo(@TempDir Path out)
      throws Exception {
    String source = exampleSource();
    compile(out, List.of(file("io/promcc/prometheus/AtomicFileStore", ADAPTER_STAND_INS),
        file("io/promcc/prometheus/LocalValidation", VALIDATION_STAND_IN),
        file("ReadmeExample", source)), source);
    FakeConfigStore store = new FakeConfigStore();
    Stores.current = store;
    FakeClusterSource clusters = new FakeClusterSource(
        GuestCluster.of("c1", "aws", "https://api.c1.example"));
    FakeCertificateSource certificates = new FakeCertificateSource(id -> TestCertificates.bundle());
    FakePrometheusControl prometheus = new FakePrometheusControl(Clock.systemUTC(),
        store::readOwned);

    try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {out.toUri().toURL()},
        getClass().getClassLoader())) {
      Method example = loader.loadClass("ReadmeExample").getDeclaredMethod("example",
          io.promcc.core.port.GuestClusterSource.class,
          io.promcc.core.port.CertificateSource.class, String.class,
          io.promcc.core.port.PrometheusControl.class);
      ReconcileResult result = (ReconcileResult) example.invoke(null, clusters, certificates,
          "global:\n  scrape_interval: 1m\n", prometheus);

      assertEquals(Outcome.RELOADED, result.outcome(), result.message());
      assertTrue(store.readOwned().get("prometheus.yml").text()
          .contains("job_name: guest-cluster-c1-"), store.readOwned().toString());
      // as after a restart: a new reconciler on the same folder finds nothing to do
      ReconcileResult again = (ReconcileResult) example.invoke(null, clusters, certificates,
          "global:\n  scrape_interval: 1m\n", prometheus);
      assertEquals(Outcome.UNCHANGED, again.outcome(), again.message());
      assertEquals(1, prometheus.reloads());
    }
  }

  /** The README's block, its imports before and its statements inside a method of the ports. */
  private static String exampleSource() throws IOException {
    ReadmeExample example = ReadmeExample.read();
    return example.imports() + "public class ReadmeExample {\n"
        + "  public static ReconcileResult example(\n"
        + "      io.promcc.core.port.GuestClusterSource clusters,\n"
        + "      io.promcc.core.port.CertificateSource certificates, String baseYaml,\n"
        + "      io.promcc.core.port.PrometheusControl prometheusControl) throws Exception {\n"
        + example.statements() + "    return result;\n  }\n}\n";
  }

  private static void compile(Path out, List<JavaFileObject> files, String shown) {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    List<String> options = new ArrayList<>(List.of("-d", out.toString(), "-classpath",
        System.getProperty("java.class.path"), "-proc:none"));
    boolean compiled = compiler.getTask(diagnostics, null, null, options, null, files).call();
    assertTrue(compiled, "the README's example does not compile:\n" + diagnostics + "\n" + shown);
  }

  private static JavaFileObject file(String name, String text) {
    return new SimpleJavaFileObject(URI.create("string:///" + name + ".java"),
        JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return text;
      }
    };
  }
}
