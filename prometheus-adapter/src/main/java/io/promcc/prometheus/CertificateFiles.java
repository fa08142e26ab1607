package io.promcc.prometheus;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.Quoting;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;

/**
 * The certificate files {@link LocalValidation} checks: each must hold one or more PEM X.509
 * certificates and nothing else. Stateless; thread-safe; never puts file contents in a message.
 */
final class CertificateFiles {
  private CertificateFiles() {}

  /** The certificates of a file, and the problem to report if it holds none or is not PEM. */
  record ParsedCertificates(List<X509CertificateHolder> chain, Optional<String> problem) {}

  static ParsedCertificates parseCertificates(String path, DesiredFile file) {
    try {
      List<X509CertificateHolder> chain = readCertificates(file);
      return new ParsedCertificates(chain, chain.isEmpty()
          ? Optional.of("certificate file " + Quoting.quote(path) + " holds no PEM certificate")
          : Optional.empty());
    } catch (IOException | IllegalArgumentException e) {
      // reported once, here, not again by the key check
      return new ParsedCertificates(List.of(), Optional.of("certificate file "
          + Quoting.quote(path) + " is not valid PEM: " + e.getMessage()));
    }
  }

  static List<X509CertificateHolder> readCertificates(DesiredFile file)
      throws IOException {
    List<X509CertificateHolder> out = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(file.text()))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (!(o instanceof X509CertificateHolder holder)) {
          throw new IllegalArgumentException("found " + describe(o) + " instead of a certificate");
        }
        out.add(holder);
      }
    }
    return out;
  }

  static String describe(Object pemObject) {
    String name = pemObject.getClass().getSimpleName();
    return name.equals("X509CertificateHolder") ? "a certificate"
        : name.contains("Key") ? "a key (" + name + ")" : "a " + name;
  }
}
