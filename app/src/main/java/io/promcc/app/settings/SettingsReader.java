package io.promcc.app.settings;

import io.promcc.core.model.FileFailures;
import io.promcc.core.model.Problems;
import io.promcc.core.model.Secret;
import io.promcc.core.model.UrlText;
import io.promcc.core.plan.Durations;
import io.promcc.prometheus.Authentication;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/** Reads values, adding a problem that names the origin for each one that does not parse. */
final class SettingsReader {
  private final RawSettings raw;
  private final Problems problems;
  private final FileChecks files;

  SettingsReader(RawSettings raw, Problems problems, FileChecks files) {
    this.raw = raw;
    this.problems = problems;
    this.files = files;
  }

  boolean has(String name) {
    return raw.get(name).isPresent();
  }

  /** Whether a flag, a variable or the config file gives {@code name}, not its default. */
  boolean given(String name) {
    return raw.get(name).filter(v -> !v.origin().startsWith("default ")).isPresent();
  }

  String originOf(String name) {
    return raw.get(name).map(RawSettings.Value::origin).orElse("--" + name);
  }

  Optional<String> text(String name) {
    return raw.get(name).map(RawSettings.Value::text);
  }

  void bad(String name, String problem) {
    problems.add(originOf(name), text(name).orElse(null), problem);
  }

  /** As {@link #bad}, without the value: for a secret, which no problem may show. */
  void badSecret(String name, String problem) {
    problems.add(originOf(name), null, problem);
  }

  /** As {@link #bad}, the value shown without a URL's user info (a password in an address). */
  void badRedacted(String name, String problem) {
    problems.add(originOf(name), text(name).map(UrlText::withoutUserInfo).orElse(null), problem);
  }

  <T> Optional<T> optional(String name, Function<String, T> parser) {
    Optional<RawSettings.Value> value = raw.get(name);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parser.apply(value.get().text().strip()));
    } catch (RedactedValueException e) {
      problems.add(value.get().origin(), e.shown, e.getMessage());
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      problems.add(value.get().origin(), value.get().text(), e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * As {@link #optional}, for {@code check}, a check of a file or folder ({@link #existingFile}
   * and the like), which {@link FileChecks} waits for at most its bound: the file may sit on a
   * volume that hangs.
   */
  <T> Optional<T> file(String name, Function<String, T> check) {
    return optional(name, text -> files.check(text, check));
  }

  /**
   * What {@code check} answers for a file no setting gives ({@code text}, named {@code field} in
   * a problem), waited for at most the bound of {@link FileChecks}; empty if it did not end,
   * with the problem added.
   */
  <T> Optional<T> unnamedFile(String field, String text, Function<String, T> check) {
    try {
      return Optional.of(files.check(text, check));
    } catch (IllegalArgumentException e) {
      problems.add(field, null, e.getMessage());
      return Optional.empty();
    }
  }

  <T> T required(String name, Function<String, T> parser) {
    return optional(name, parser).orElse(null);
  }

  static Path path(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    try {
      return Path.of(text).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("is not a path: " + e.getReason());
    }
  }

  static Path existingFile(String text) {
    Path path = path(text);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new IllegalArgumentException("must be a readable file");
    }
    return path;
  }

  /**
   * A readable regular file of at most {@code most} bytes, as the adapter that reads it takes
   * (its size is checked, nothing is read).
   */
  static Path boundedFile(String text, int most) {
    Path path = existingFile(text);
    long size;
    try {
      size = Files.size(path);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot be read (" + FileFailures.reason(e) + ")");
    }
    if (size > most) {
      throw new IllegalArgumentException("must be at most " + most + " bytes");
    }
    return path;
  }

  /**
   * A readable file holding a secret ({@code what}, for the message): read once here to refuse
   * an empty, too large or not UTF-8 one at start (at most as much as the adapter reads), and
   * not kept. A problem names the file, never what it holds.
   */
  static Path secretFile(String text, String what) {
    return secretFile(text, what, Authentication.MAX_FILE_BYTES);
  }

  /**
   * The {@code what} of {@code --vault-token-file}: that token must also be one a header can
   * carry. A secret ID goes in a request's body, a password base64-encoded.
   */
  static final String VAULT_TOKEN = "vault token";

  /** The {@code what} of {@code --prometheus-bearer-token-file}: sent in a header too. */
  static final String BEARER_TOKEN = "bearer token";

  /** As {@link #secretFile(String, String)}, for an adapter that reads at most {@code most}. */
  static Path secretFile(String text, String what, int most) {
    Path path = existingFile(text);
    try (InputStream in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes(most + 1);
      if (bytes.length > most) {
        throw new IllegalArgumentException("must be at most " + most + " bytes (it holds the "
            + what + ")");
      }
      String value;
      try {
        // strict, as the adapters decode: a file that is not UTF-8 would fail every use
        value = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException("must be UTF-8 text (it holds the " + what + ")");
      }
      if (value.isBlank()) {
        throw new IllegalArgumentException("must not be empty (it holds the " + what + ")");
      }
      // a tab inside: sent to Prometheus as it is (the vault adapter refuses it, as before)
      boolean tabSent = BEARER_TOKEN.equals(what);
      if ((VAULT_TOKEN.equals(what) || BEARER_TOKEN.equals(what))
          && !Secret.fitsHeader(value.strip(), tabSent)) {
        // sent in a header as it is: the adapters refuse it at the first use (a second token
        // appended to the file), as the http client would with an error quoting it
        throw new IllegalArgumentException("must hold one token on one line, without a control "
            + "character" + (tabSent ? " other than a tab" : "") + " or a character outside "
            + "ASCII (it holds the " + what + ")");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot be read (" + FileFailures.reason(e) + ")");
    }
    return path;
  }

  /** A folder that exists, or a path where none is yet (it is created); never a file. */
  static Path folderOrNone(String text) {
    return OutputFolders.folderOrNone(path(text));
  }

  static Path existingFolder(String text) {
    Path path = path(text);
    if (!Files.isDirectory(path) || !Files.isReadable(path)) {
      throw new IllegalArgumentException("must be a readable folder");
    }
    return path;
  }

  static Path executable(String text) {
    Path path = existingFile(text);
    if (!Files.isExecutable(path)) {
      throw new IllegalArgumentException("must be executable");
    }
    return path;
  }

  static URI httpUrl(String text) {
    String shown = UrlText.withoutUserInfo(text);
    if (!shown.equals(text)) {
      throw new RedactedValueException("must not carry a user or password", shown);
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("must be an http or https url");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException("must be an http or https url with a host");
    }
    return uri;
  }

  static InetSocketAddress hostAndPort(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("must be HOST:PORT, e.g. 127.0.0.1:9420");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be HOST:PORT with a numeric port");
    }
    if (port < 0 || port > 65535 || host.isEmpty()) {
      throw new IllegalArgumentException("must be HOST:PORT with a port from 0 to 65535");
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  static Duration duration(String text) {
    return Durations.parse(text).orElseThrow(() -> new IllegalArgumentException(
        "must be a duration such as 250ms, 2s, 5m or 1h30m"));
  }

  static Duration positiveDuration(String text) {
    Duration d = duration(text);
    if (d.isZero()) {
      throw new IllegalArgumentException("must be longer than 0");
    }
    return d;
  }

  /** {@code true} or {@code false}. */
  static boolean bool(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("must be true or false");
    };
  }

  /** A comma-separated list; blanks around items are dropped, empty items refused. */
  static List<String> list(String text) {
    if (text.isBlank()) {
      return List.of();
    }
    List<String> items = Arrays.stream(text.split(",", -1)).map(String::strip).toList();
    if (items.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("must be a comma-separated list without empty items");
    }
    return items;
  }

  /** A bad value that must not be printed as given (it holds credentials). */
static final class RedactedValueException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String shown;

  RedactedValueException(String problem, String shown) {
    super(problem);
    this.shown = shown;
  }
}
}
