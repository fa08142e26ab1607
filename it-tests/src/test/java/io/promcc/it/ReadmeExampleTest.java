package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.ReadmeExample;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's embedding example compiles against the modules as they are: its imports, the
 * types and the builder methods it names. Its free variables are the ports a user brings.
 */
class ReadmeExampleTest {
  @Test
  void theEmbeddingExampleCompiles(@TempDir Path out) throws IOException {
    ReadmeExample example = ReadmeExample.read();
    String source = example.imports() + "class ReadmeExample {\n"
        + "  static void example(io.promcc.core.port.GuestClusterSource clusters,\n"
        + "      io.promcc.core.port.CertificateSource certificates, String baseYaml,\n"
        + "      io.promcc.core.port.PrometheusControl prometheusControl) throws Exception {\n"
        + example.statements() + "  }\n}\n";
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    List<String> options = new ArrayList<>(List.of("-d", out.toString(), "-classpath",
        System.getProperty("java.class.path"), "-proc:none"));
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///ReadmeExample.java"),
        JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };

    boolean compiled = compiler.getTask(diagnostics, null, null, options, null, List.of(file))
        .call();

    assertTrue(compiled, "the README's example does not compile:\n" + diagnostics + "\n" + source);
  }
}
