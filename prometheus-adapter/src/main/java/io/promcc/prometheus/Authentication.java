package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.BasicAuthUser;
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
import java.util.Base64;
import java.util.function.Function;

/**
 * Credentials for a Prometheus behind authentication: HTTP basic auth or a bearer token. The
 * password or token is a {@link Secret}, given as such or read from a file at every request: a
 * rotated file (a Kubernetes Secret the kubelet updates in place) is used from the next request
 * on, without a restart, and nothing of it is kept between requests. {@link #toString()} names
 * only the scheme, the user and the file. Immutable and thread-safe.
 */
public final class Authentication {
  /** The most of a password or token file that is read; a larger file fails the call. */
  public static final int MAX_FILE_BYTES = 64 * 1024;

  private final String description;
  private final SecretSource secret;
  private final Function<Secret, Secret> header;

  /** Where the password or token comes from. */
  @FunctionalInterface
  private interface SecretSource {
    Secret read() throws IOException;
  }

  private Authentication(String description, SecretSource secret,
      Function<Secret, Secret> header) {
    this.description = description;
    this.secret = secret;
    this.header = header;
  }

  /**
   * HTTP basic auth with {@code username} and {@code password}.
   *
   * @throws IllegalArgumentException if {@code username} breaks {@link BasicAuthUser}'s rule
   *     (a control character or a ':'; the name is not shown)
   */
  public static Authentication basic(String username, Secret password) {
    requireNonNull(password, "password == null");
    return basic(username, "", () -> password);
  }

  /**
   * HTTP basic auth with {@code username} and the password in {@code passwordFile}, read at
   * every request; white space around it is dropped, as Prometheus does for a
   * {@code password_file}.
   *
   * @throws IllegalArgumentException as {@link #basic(String, Secret)}
   */
  public static Authentication basicFromFile(String username, Path passwordFile) {
    requireNonNull(passwordFile, "passwordFile == null");
    return basic(username, " with the password in " + Quoting.quote(passwordFile.toString()),
        () -> read(passwordFile, "password"));
  }

  private static Authentication basic(String username, String from, SecretSource password) {
    requireNonNull(username, "username == null");
    BasicAuthUser.problem(username).ifPresent(problem -> {
      throw new IllegalArgumentException("basic auth username " + problem);
    });
    return new Authentication("basic auth as " + Quoting.quote(username) + from, password,
        p -> Secret.of("Basic " + Base64.getEncoder().encodeToString(
            (username + ":" + p.reveal()).getBytes(StandardCharsets.UTF_8))));
  }

  /**
   * An {@code Authorization: Bearer} token.
   *
   * @throws IllegalArgumentException if a header cannot carry it (never shown)
   */
  public static Authentication bearer(Secret token) {
    requireNonNull(token, "token == null");
    if (!token.fitsHeader(TAB_SENT)) {
      throw new IllegalArgumentException("the bearer token" + NOT_ONE_LINE);
    }
    return new Authentication("bearer token", () -> token, Authentication::bearerHeader);
  }

  /**
   * An {@code Authorization: Bearer} token from {@code tokenFile}, read at every request,
   * without the white space around it.
   */
  public static Authentication bearerFromFile(Path tokenFile) {
    requireNonNull(tokenFile, "tokenFile == null");
    return new Authentication("bearer token in " + Quoting.quote(tokenFile.toString()),
        () -> bearerFrom(tokenFile), Authentication::bearerHeader);
  }

  /**
   * A tab inside a token is sent as it is, as Prometheus' own client sends one from a
   * {@code bearer_token_file}.
   */
  private static final boolean TAB_SENT = true;

  /** Why a token with a line break or a control character is refused; it is never shown. */
  private static final String NOT_ONE_LINE = " holds a line break, a control character other "
      + "than a tab or a character outside ASCII, which a token cannot have (one token, on one "
      + "line)";

  /**
   * The token in {@code file}, if a header can carry it: the http client refuses a line break
   * (a second token appended to the file) or another control character with an error that
   * quotes the whole value, token included. A password goes base64-encoded, so any will do.
   */
  private static Secret bearerFrom(Path file) throws IOException {
    Secret token = read(file, "bearer token");
    if (!token.fitsHeader(TAB_SENT)) {
      throw new IOException("the bearer token file " + Quoting.quote(file.toString())
          + NOT_ONE_LINE);
    }
    return token;
  }

  private static Secret bearerHeader(Secret token) {
    return Secret.of("Bearer " + token.reveal());
  }

  /**
   * The secret in {@code file}, stripped. Read whole each time: the kubelet swaps a Secret's
   * files in one rename, so a read sees the old content or the new one. Only a regular file is
   * opened (opening a FIFO waits for a writer, a device may never end), and only its first
   * {@link #MAX_FILE_BYTES} bytes are read: no password or token is that long.
   *
   * @throws IOException naming the file (never its content) if it cannot be read, is not a
   *     regular file, is too large or is blank
   */
  private static Secret read(Path file, String what) throws IOException {
    String named = "the " + what + " file " + Quoting.quote(file.toString());
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
        // a cut past the bound may split a character: a too large file is said to be that
        value = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString()
            .strip();
      }
    } catch (CharacterCodingException e) {
      throw new IOException("cannot read " + named + " (not UTF-8 text)");
    } catch (IOException e) {
      throw new IOException("cannot read " + named + " (" + FileFailures.reason(e) + ")");
    }
    if (!regular) {
      throw new IOException(named + " is not a regular file");
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new IOException(named + " " + SizeBound.tooLarge(MAX_FILE_BYTES, size));
    }
    if (value.isEmpty()) {
      throw new IOException(named + " is empty");
    }
    return Secret.of(value);
  }

  /**
   * The value of the {@code Authorization} header, with a password or token from a file read
   * now; it leaves the process only in that header.
   *
   * @throws IOException if the file cannot be read, holds nothing or a token a header cannot
   *     carry; the message names the file, never a secret
   */
  Secret headerValue() throws IOException {
    return header.apply(secret.read());
  }

  /** The scheme, the user and the file, never the password or token. */
  @Override
  public String toString() {
    return description;
  }
}
