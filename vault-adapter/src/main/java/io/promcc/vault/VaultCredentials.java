package io.promcc.vault;

import io.promcc.core.model.FileFailures;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Secret;
import io.promcc.core.model.SizeBound;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.function.Function;

/**
 * The login secrets read where the settings name them (a file or an environment variable), at
 * every login, so that an agent or the kubelet may rotate them. A secret that cannot be read is
 * {@code vault-credentials-unreadable}, naming where it was looked for, never the secret.
 * Stateless.
 */
final class VaultCredentials {
  /** The most of a credential file that is read; a larger file is refused. */
  static final int MAX_FILE_BYTES = VaultAuthSettings.MAX_FILE_BYTES;

  private VaultCredentials() {}

  /**
   * The secret {@code auth} logs in with: the operator's token, the service account token or the
   * AppRole secret ID.
   */
  static Secret read(VaultAuthSettings auth, Function<String, String> environment) {
    if (auth instanceof VaultAuthSettings.Token t) {
      return readToken(t, environment);
    } else if (auth instanceof VaultAuthSettings.Kubernetes k) {
      return readSecret(k.jwtFile(), "kubernetes service account token");
    }
    return readSecret(((VaultAuthSettings.AppRole) auth).secretIdFile(), "approle secret id");
  }

  /** The operator's token from its file or its variable (read by {@code environment}). */
  static Secret readToken(VaultAuthSettings.Token t, Function<String, String> environment) {
    if (t.file().isPresent()) {
      return headerSafe(readSecret(t.file().get(), "vault token"), t);
    }
    String value = environment.apply(t.environmentVariable());
    if (value == null || value.isBlank()) {
      throw new VaultRequestException(VaultFailure.CREDENTIALS_UNREADABLE, 0, List.of(),
          "environment variable " + Quoting.quote(t.environmentVariable())
              + " holding the vault token is not set", null);
    }
    return headerSafe(Secret.of(value.strip()), t);
  }

  /**
   * {@code token} if it can be sent in a header: the HTTP client refuses a line break or
   * another control character (a second token appended to the file) with a message that
   * quotes the whole value, token included.
   */
  private static Secret headerSafe(Secret token, VaultAuthSettings.Token t) {
    if (token.fitsHeader(false)) {
      return token;
    }
    throw unreadable(describe(t).replaceFirst("^(file|environment variable)", "vault token $1")
        + " holds a line break, a control character or a character outside ASCII, which a "
        + "token cannot have (one token, on one line)");
  }

  /**
   * The secret in {@code file}, without surrounding white space; {@code what} names it. Only a
   * regular file is opened (opening a FIFO waits for a writer, a device may never end), and only
   * its first {@link #MAX_FILE_BYTES} bytes are read: no token or secret ID is that long.
   */
  static Secret readSecret(Path file, String what) {
    String named = what + " file " + Quoting.quote(file.toString());
    boolean regular;
    long size;
    byte[] bytes = {};
    String value = "";
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      regular = attributes.isRegularFile();
      size = attributes.size();
      if (regular) {
        try (InputStream in = Files.newInputStream(file)) {
          bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        }
      }
      if (bytes.length <= MAX_FILE_BYTES) {
        // strict, as Files.readString was: a file that is not UTF-8 is not read as a secret
        value = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString()
            .strip();
      }
    } catch (CharacterCodingException e) {
      throw unreadable("cannot read " + named + " (not UTF-8 text)");
    } catch (IOException e) {
      throw unreadable("cannot read " + named + " (" + FileFailures.reason(e) + ")");
    }
    if (!regular) {
      throw unreadable(named + " is not a regular file");
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw unreadable(named + " " + SizeBound.tooLarge(MAX_FILE_BYTES, size));
    }
    if (value.isEmpty()) {
      throw unreadable(named + " is empty");
    }
    return Secret.of(value);
  }

  /**
   * What {@link #read} answers, its read waited for at most {@code reads}' bound: one that does
   * not end (a file on a volume that hangs) is an unreadable credential, not one held for good.
   */
  static Secret readWithin(BoundedReads reads, VaultAuthSettings auth,
      Function<String, String> environment) {
    try {
      return reads.read(source(auth), () -> read(auth, environment));
    } catch (BoundedReads.Unanswered e) {
      throw unreadable(e.getMessage()); // it names the credential and where it is read from
    }
  }

  /** Where {@code auth}'s credential is read from, for messages. */
  private static String source(VaultAuthSettings auth) {
    if (auth instanceof VaultAuthSettings.Token t) {
      return "the vault token from " + describe(t);
    } else if (auth instanceof VaultAuthSettings.Kubernetes k) {
      return "the kubernetes service account token file " + Quoting.quote(k.jwtFile().toString());
    }
    return "the approle secret id file "
        + Quoting.quote(((VaultAuthSettings.AppRole) auth).secretIdFile().toString());
  }

  private static VaultRequestException unreadable(String message) {
    return new VaultRequestException(VaultFailure.CREDENTIALS_UNREADABLE, 0, List.of(), message,
        null);
  }

  /** Where the operator's token is read from, for messages. */
  static String describe(VaultAuthSettings.Token t) {
    return t.file().map(f -> "file " + Quoting.quote(f.toString()))
        .orElse("environment variable " + Quoting.quote(t.environmentVariable()));
  }
}
