package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.ValidationException;
import io.promcc.core.port.FileValidator;
import io.promcc.core.port.InvalidFilesException;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Provider;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Checks a desired state before anything is written, so a broken file never reaches the folder
 * Prometheus reads:
 *
 * <ul>
 *   <li>every changed certificate file holds one or more PEM X.509 certificates;
 *   <li>every changed private key parses as an unencrypted PEM key (PKCS#1, SEC1 or PKCS#8) and
 *       matches the first certificate of its certificate file. The certificate is found by name:
 *       {@code X-key.pem} pairs with {@code X-crt.pem} (or {@code X-cert.pem}), {@code X.key}
 *       with {@code X.crt};
 *   <li>every {@code ca_file}, {@code cert_file} and {@code key_file} named by a changed config
 *       file is part of the desired state or already exists: Prometheus 2.53 loads a
 *       {@code kubernetes_sd_configs} job whose TLS files are missing without complaint;
 *   <li>when a {@code promtool} binary is configured, {@code promtool check config} passes on a
 *       copy of the desired files staged in a private ({@code 0700}) hidden folder
 *       {@code .promcc-check-<random>} of the output folder, removed afterwards in every case.
 *       Paths in the config should be relative to the config file, so they resolve inside the
 *       staged copy. promtool is bounded: it and its child processes are stopped after the
 *       timeout or on an interrupt, and only the first 64 KiB of its output are kept.
 * </ul>
 *
 * <p>Only files named in {@code changedPaths} are checked, so a renewal of one certificate costs
 * one parse, not one per cluster. Certificates and keys are parsed on several threads (the
 * caller's and helpers from the common fork-join pool, one thread per processor in all); the
 * problems are reported in the same order as on one thread. Thread-safe; never logs file
 * contents.
 */
public final class LocalValidation implements FileValidator {
  /** How long promtool may take unless the settings say otherwise. */
  public static final Duration DEFAULT_PROMTOOL_TIMEOUT = Duration.ofMinutes(2);

  private final Path outputDirectory;
  private final Optional<PromtoolCheck> promtool;
  private final Concurrently concurrently;

  /** Validation per the settings: their output folder, optional promtool and its timeout. */
  @Inject
  public LocalValidation(PrometheusAdapterSettings settings) {
    this(settings.outputDirectory(), settings.promtool(), settings.promtoolTimeout());
  }

  /**
   * Validation with promtool's default timeout ({@link #DEFAULT_PROMTOOL_TIMEOUT}).
   *
   * @param outputDirectory where the files will be written; resolves absolute references to
   *     files the desired state provides
   * @param promtool the {@code promtool} binary, or empty to skip that check
   */
  public LocalValidation(Path outputDirectory, Optional<Path> promtool) {
    this(outputDirectory, promtool, DEFAULT_PROMTOOL_TIMEOUT);
  }

  /**
   * @param outputDirectory where the files will be written; resolves absolute references to
   *     files the desired state provides
   * @param promtool the {@code promtool} binary, or empty to skip that check
   * @param promtoolTimeout how long promtool may run before it is stopped (positive)
   */
  public LocalValidation(Path outputDirectory, Optional<Path> promtool,
      Duration promtoolTimeout) {
    this(outputDirectory, promtool, promtoolTimeout, Concurrently.onCommonPool());
  }

  /** As above, parsing certificates and keys with {@code concurrently} (tests choose threads). */
  LocalValidation(Path outputDirectory, Optional<Path> promtool, Duration promtoolTimeout,
      Concurrently concurrently) {
    this.concurrently = requireNonNull(concurrently, "concurrently == null");
    this.outputDirectory = requireNonNull(outputDirectory, "outputDirectory == null")
        .toAbsolutePath().normalize();
    requireNonNull(promtool, "promtool == null");
    requireNonNull(promtoolTimeout, "promtoolTimeout == null");
    this.promtool = promtool.map(binary -> new PromtoolCheck(binary, this.outputDirectory,
        promtoolTimeout));
  }

  /**
   * Checks the files of {@code desired} named in {@code changedPaths}; with promtool, the whole
   * config.
   *
   * @throws InvalidFilesException listing every problem found in the files' own checks, each
   *     with its file (then promtool is not asked)
   * @throws ValidationException listing what promtool found
   */
  @Override
  public void check(DesiredState desired, Collection<String> changedPaths) {
    requireNonNull(desired, "desired == null");
    requireNonNull(changedPaths, "changedPaths == null");
    Map<String, DesiredFile> files = desired.files();
    List<String> certificatePaths = new ArrayList<>();
    for (String path : changedPaths) {
      DesiredFile file = files.get(path);
      if (file != null && file.kind() == FileKind.CERTIFICATE) {
        certificatePaths.add(path);
      }
    }
    // Parsing is the costly part (a first write parses every cluster's files) and each file is
    // independent: parse on several threads, then report in the order of changedPaths as before.
    List<ParsedCertificates> certificates = concurrently.map(certificatePaths,
        path -> parseCertificates(path, files.get(path)));
    Map<String, ParsedCertificates> parsed = new HashMap<>();
    for (int i = 0; i < certificatePaths.size(); i++) {
      parsed.put(certificatePaths.get(i), certificates.get(i));
    }
    // each problem with the file it lies in, in the order found
    Map<String, List<String>> problemsByPath = new LinkedHashMap<>();
    Set<String> pairsToCheck = new TreeSet<>();
    Map<String, String> keyByCertificate = null; // built on first need: one pass, not one per file
    boolean configChanged = false;
    for (String path : changedPaths) {
      DesiredFile file = files.get(path);
      if (file == null) {
        continue; // a deletion: nothing to parse
      }
      switch (file.kind()) {
        case CERTIFICATE -> {
          parsed.get(path).problem().ifPresent(problem -> found(problemsByPath, path, problem));
          if (keyByCertificate == null) {
            keyByCertificate = keysByCertificatePath(files);
          }
          String keyPath = keyByCertificate.get(path);
          if (keyPath != null) {
            pairsToCheck.add(keyPath);
          }
        }
        case PRIVATE_KEY -> pairsToCheck.add(path);
        case SCRAPE_CONFIG, MAIN_CONFIG -> {
          configChanged = true;
          List<String> missing = new ArrayList<>();
          checkReferencedFiles(path, file, files, missing);
          missing.forEach(problem -> found(problemsByPath, path, problem));
        }
      }
    }
    // read-only from here on, so the threads below may share it
    Map<String, ParsedCertificates> parsedCertificates = Map.copyOf(parsed);
    List<String> keyPaths = List.copyOf(pairsToCheck);
    List<Optional<String>> pairProblems = concurrently.map(keyPaths,
        keyPath -> checkKeyPair(keyPath, files, parsedCertificates));
    for (int i = 0; i < keyPaths.size(); i++) {
      String keyPath = keyPaths.get(i);
      pairProblems.get(i).ifPresent(problem -> found(problemsByPath, keyPath, problem));
    }
    String subject = "desired state " + Quoting.quote(desired.hash().substring(0, 12));
    if (!problemsByPath.isEmpty()) {
      throw new InvalidFilesException(subject, problemsByPath);
    }
    if (configChanged && promtool.isPresent()) {
      List<String> problems = new ArrayList<>();
      promtool.get().check(desired, problems);
      if (!problems.isEmpty()) {
        throw new ValidationException(subject, problems); // the config as a whole
      }
    }
  }

  private static void found(Map<String, List<String>> problemsByPath, String path,
      String problem) {
    problemsByPath.computeIfAbsent(path, p -> new ArrayList<>()).add(problem);
  }

  /** The certificates of a file, and the problem to report if it holds none or is not PEM. */
  private record ParsedCertificates(List<X509CertificateHolder> chain, Optional<String> problem) {}

  private static ParsedCertificates parseCertificates(String path, DesiredFile file) {
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

  private static List<X509CertificateHolder> readCertificates(DesiredFile file)
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

  private static Optional<String> checkKeyPair(String keyPath, Map<String, DesiredFile> files,
      Map<String, ParsedCertificates> parsed) {
    ParsedKey key;
    try {
      key = readPrivateKey(files.get(keyPath));
    } catch (IOException | IllegalArgumentException e) {
      // the message of a parser never contains the key itself
      return Optional.of("private key " + Quoting.quote(keyPath) + " cannot be read: "
          + e.getMessage());
    }
    List<String> candidates = certificatePathsFor(keyPath);
    Optional<String> certPath = candidates.stream().filter(files::containsKey).findFirst();
    if (certPath.isEmpty()) {
      return Optional.of("private key " + Quoting.quote(keyPath) + " has no certificate file next"
          + " to it (looked for "
          + String.join(", ", candidates.stream().map(Quoting::quote).toList()) + ")");
    }
    try {
      ParsedCertificates known = parsed.get(certPath.get());
      List<X509CertificateHolder> chain = known != null ? known.chain()
          : readCertificates(files.get(certPath.get()));
      if (chain.isEmpty()) {
        return Optional.empty(); // reported by parseCertificates
      }
      if (!key.matches(chain.get(0))) {
        return Optional.of("private key " + Quoting.quote(keyPath) + " does not match the "
            + "certificate in " + Quoting.quote(certPath.get()));
      }
      return Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.of("certificate file " + Quoting.quote(certPath.get()) + " is not valid PEM: "
          + e.getMessage());
    } catch (GeneralSecurityException e) {
      return Optional.of("private key " + Quoting.quote(keyPath) + " cannot be compared with "
          + Quoting.quote(certPath.get()) + ": " + e.getMessage());
    }
  }

  private static ParsedKey readPrivateKey(DesiredFile file) throws IOException {
    Object o;
    try (PEMParser parser = new PEMParser(new StringReader(file.text()))) {
      o = parser.readObject();
    }
    if (o instanceof PEMKeyPair pair) {
      return new ParsedKey(pair.getPrivateKeyInfo(), pair.getPublicKeyInfo()); // PKCS#1, SEC1
    }
    if (o instanceof PrivateKeyInfo info) {
      return new ParsedKey(info, null); // PKCS#8
    }
    if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
      throw new IllegalArgumentException("it is encrypted; prometheus needs an unencrypted key");
    }
    throw new IllegalArgumentException(o == null ? "it holds no PEM block"
        : "found " + describe(o) + " instead of a private key");
  }

  /** A parsed private key and, if the PEM carried it, its public key. */
  private record ParsedKey(PrivateKeyInfo privateKey, SubjectPublicKeyInfo publicKey) {
    boolean matches(X509CertificateHolder certificate) throws GeneralSecurityException {
      SubjectPublicKeyInfo certKey = certificate.getSubjectPublicKeyInfo();
      if (publicKey != null) {
        // RSA (PKCS#1) and most SEC1 keys carry the public key: compare, no crypto needed
        return Arrays.equals(publicKey.getPublicKeyData().getBytes(),
            certKey.getPublicKeyData().getBytes());
      }
      byte[] ecPoint = ecPublicPoint(privateKey);
      if (ecPoint != null) {
        return Arrays.equals(ecPoint, certKey.getPublicKeyData().getBytes());
      }
      PrivateKey key;
      PublicKey pub;
      try {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(bouncyCastle());
        key = converter.getPrivateKey(privateKey);
        pub = converter.getPublicKey(certKey);
      } catch (PEMException e) {
        throw new GeneralSecurityException(e.getMessage(), e);
      }
      return LocalValidation.matches(key, pub);
    }
  }

  /**
   * The uncompressed public point of a PKCS#8 EC key on a named curve: the one embedded in the key
   * if present (OpenSSL writes it), else d*G. A tenth of the cost of a sign-and-verify, which
   * matters when thousands of clusters get keys at once. Null for other keys.
   */
  private static byte[] ecPublicPoint(PrivateKeyInfo info) {
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(info.getPrivateKeyAlgorithm().getAlgorithm())
        || !(info.getPrivateKeyAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve)) {
      return null;
    }
    try {
      org.bouncycastle.asn1.sec.ECPrivateKey ec =
          org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
      X9ECParameters params = ECNamedCurveTable.getByOID(curve);
      if (params == null) {
        return null;
      }
      ECPoint embedded = ec.getPublicKey() == null ? null
          : params.getCurve().decodePoint(ec.getPublicKey().getBytes());
      ECPoint q = embedded != null ? embedded
          : new FixedPointCombMultiplier().multiply(params.getG(), ec.getKey()).normalize();
      return q.getEncoded(false);
    } catch (IOException | IllegalArgumentException e) {
      return null; // fall back to the slow path, which reports the problem
    }
  }

  private static Provider bouncyCastle() {
    return BouncyCastleHolder.PROVIDER;
  }

  /** Created on first use (it is costly) and never registered globally. */
  private static final class BouncyCastleHolder {
    static final Provider PROVIDER = new BouncyCastleProvider();
  }

  /** RSA: compare the modulus; other algorithms: sign a challenge and verify it. */
  static boolean matches(PrivateKey key, PublicKey publicKey) throws GeneralSecurityException {
    if (key instanceof RSAPrivateCrtKey rsa) {
      return publicKey instanceof RSAPublicKey pub && rsa.getModulus().equals(pub.getModulus())
          && rsa.getPublicExponent().equals(pub.getPublicExponent());
    }
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
      case "DSA" -> "SHA256withDSA";
      default -> throw new GeneralSecurityException("unsupported key algorithm "
          + Quoting.quote(key.getAlgorithm()));
    };
    byte[] challenge = "promcc key match".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm, bouncyCastle());
    signer.initSign(key);
    signer.update(challenge);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm, bouncyCastle());
    verifier.initVerify(publicKey);
    verifier.update(challenge);
    return verifier.verify(signature);
  }

  static List<String> certificatePathsFor(String keyPath) {
    Set<String> out = new LinkedHashSet<>();
    if (keyPath.endsWith("-key.pem")) {
      String stem = keyPath.substring(0, keyPath.length() - "-key.pem".length());
      out.add(stem + "-crt.pem");
      out.add(stem + "-cert.pem");
    }
    if (keyPath.endsWith(".key")) {
      out.add(keyPath.substring(0, keyPath.length() - ".key".length()) + ".crt");
    }
    if (keyPath.endsWith("key.pem")) {
      String stem = keyPath.substring(0, keyPath.length() - "key.pem".length());
      out.add(stem + "crt.pem");
      out.add(stem + "cert.pem");
    }
    return List.copyOf(out);
  }

  /** Certificate path to the path of the key that pairs with it, for every key in the state. */
  private static Map<String, String> keysByCertificatePath(Map<String, DesiredFile> files) {
    Map<String, String> out = new HashMap<>();
    files.forEach((path, file) -> {
      if (file.kind() == FileKind.PRIVATE_KEY) {
        certificatePathsFor(path).forEach(cert -> out.putIfAbsent(cert, path));
      }
    });
    return out;
  }

  private void checkReferencedFiles(String configPath, DesiredFile config,
      Map<String, DesiredFile> files, List<String> problems) {
    Path configDir = outputDirectory.resolve(configPath).getParent();
    // a plain relative value (no ".", "..", empty segment or leading "/") names the path this
    // prefix and the value make, without the four path objects resolving it would cost per value
    String plainPrefix = null;
    if (configDir.equals(configDir.normalize()) && configDir.startsWith(outputDirectory)) {
      String relative = outputDirectory.relativize(configDir).toString().replace('\\', '/');
      plainPrefix = relative.isEmpty() ? "" : relative + "/";
    }
    String prefix = plainPrefix;
    Set<String> missing = new TreeSet<>();
    // per key, the values checked so far: a cluster's files are named by many jobs, one after
    // the other, so a value equal to the key's last one is skipped without being copied
    List<Set<String>> seen = Stream.<Set<String>>generate(HashSet::new)
        .limit(FileReferenceLine.KEYS.size()).toList();
    String[] last = new String[FileReferenceLine.KEYS.size()];
    // a piece of whole lines at a time, not a copy of the whole config (87 MB at 10,000 clusters)
    TextPieces.forEach(config.asReadOnlyBuffers(), TextPieces.PIECE, text -> {
      // String.indexOf is fast; only the lines that can name a file are read, each once, in place
      for (int hit = text.indexOf("_file:"); hit >= 0; ) {
        int lineStart = text.lastIndexOf('\n', hit) + 1;
        int lineEnd = text.indexOf('\n', hit);
        int end = lineEnd < 0 ? text.length() : lineEnd;
        hit = lineEnd < 0 ? -1 : text.indexOf("_file:", lineEnd);
        FileReferenceLine.Reference r = FileReferenceLine.parse(text, lineStart, end);
        if (r == null || r.valueStart() == r.valueEnd()) {
          continue;
        }
        int length = r.valueEnd() - r.valueStart();
        String previous = last[r.key()];
        if (previous != null && previous.length() == length
            && text.regionMatches(r.valueStart(), previous, 0, length)) {
          continue;
        }
        String value = text.substring(r.valueStart(), r.valueEnd());
        last[r.key()] = value;
        if (!seen.get(r.key()).add(value)) {
          continue;
        }
        if (prefix != null && isPlainRelative(value) && files.containsKey(prefix + value)) {
          continue;
        }
        Path resolved = configDir.resolve(value).normalize();
        boolean provided = resolved.startsWith(outputDirectory) && files.containsKey(
            outputDirectory.relativize(resolved).toString().replace('\\', '/'));
        if (!provided && !Files.exists(resolved)) {
          missing.add(FileReferenceLine.KEYS.get(r.key()) + " " + Quoting.quote(value));
        }
      }
    });
    for (String reference : missing) {
      problems.add("config " + Quoting.quote(configPath) + " names " + reference
          + ", which is neither in the desired state nor on disk");
    }
  }

  /**
   * True if {@code value} is a relative path of plain segments: resolving it against a normalized
   * folder needs no normalizing.
   */
  static boolean isPlainRelative(String value) {
    if (value.isEmpty() || value.indexOf('\\') >= 0) {
      return false;
    }
    int start = 0;
    while (true) {
      int slash = value.indexOf('/', start);
      int end = slash < 0 ? value.length() : slash;
      int length = end - start;
      if (length == 0 || (value.charAt(start) == '.'
          && (length == 1 || (length == 2 && value.charAt(start + 1) == '.')))) {
        return false;
      }
      if (slash < 0) {
        return true;
      }
      start = slash + 1;
    }
  }

  private static String describe(Object pemObject) {
    String name = pemObject.getClass().getSimpleName();
    return name.equals("X509CertificateHolder") ? "a certificate"
        : name.contains("Key") ? "a key (" + name + ")" : "a " + name;
  }
}
