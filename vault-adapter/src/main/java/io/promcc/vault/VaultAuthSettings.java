package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Problems;
import io.promcc.core.model.ValidationException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the controller logs in to Vault. Settings name where a secret comes from (a file, an
 * environment variable), never the secret itself, so they are safe to log and print; there is
 * deliberately no way to pass a token, a JWT or a secret ID as a value (it would end up on a
 * command line, in a process listing or in a log). Each record lists all its problems in one
 * {@link ValidationException}.
 */
public sealed interface VaultAuthSettings {
  /** Vault auth mount names: path segments without leading or trailing '/'. */
  Pattern MOUNT = Pattern.compile("[A-Za-z0-9_.\\-]+(/[A-Za-z0-9_.\\-]+)*");

  /** The most of a token, secret ID or service account token file read; larger is refused. */
  int MAX_FILE_BYTES = 64 * 1024;

  /**
   * A token read from a file (re-read on every re-login, so an agent may rotate it) or, if no
   * file is given, from an environment variable.
   *
   * @param file file holding the token; empty to use {@code environmentVariable}
   * @param environmentVariable name of the variable holding the token (default {@code VAULT_TOKEN})
   */
  record Token(Optional<Path> file, String environmentVariable) implements VaultAuthSettings {
    /**
     * @throws ValidationException if the variable name is not one; the value is not quoted, as
     *     it may be a token given by mistake
     */
    public Token {
      requireNonNull(file, "file == null");
      requireNonNull(environmentVariable, "environmentVariable == null");
      if (!environmentVariable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        new Problems(SUBJECT).addSecret("vault token environment variable", "must be the name of "
            + "a variable (letters, digits and '_', not starting with a digit), not the token "
            + "itself").throwIfAny();
      }
    }

    /** The token from {@code file}. */
    public static Token fromFile(Path file) {
      return new Token(Optional.of(file), "VAULT_TOKEN");
    }

    /** The token from the environment variable {@code name}. */
    public static Token fromEnvironment(String name) {
      return new Token(Optional.empty(), name);
    }
  }

  /**
   * Kubernetes auth: {@code POST /v1/auth/<mount>/login} with a role and the Pod's service
   * account token.
   *
   * @param mount auth mount (default {@code kubernetes})
   * @param role Vault role bound to the service account
   * @param jwtFile the service account token; re-read on every login because kubelet rotates it
   */
  record Kubernetes(String mount, String role, Path jwtFile) implements VaultAuthSettings {
    /** Where kubelet mounts the service account token. */
    public static final Path DEFAULT_JWT_FILE =
        Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    /** @throws ValidationException listing every problem */
    public Kubernetes {
      requireNonNull(mount, "mount == null");
      requireNonNull(role, "role == null");
      requireNonNull(jwtFile, "jwtFile == null");
      Problems problems = new Problems(SUBJECT);
      checkMount(problems, mount, "kubernetes auth mount");
      if (role.isBlank()) {
        problems.add("kubernetes auth role", role, "must not be empty");
      }
      problems.throwIfAny();
    }

    /** Default mount and service account token file. */
    public static Kubernetes withRole(String role) {
      return new Kubernetes("kubernetes", role, DEFAULT_JWT_FILE);
    }
  }

  /**
   * AppRole auth: {@code POST /v1/auth/<mount>/login} with a role ID and a secret ID.
   *
   * @param mount auth mount (default {@code approle})
   * @param roleId the role ID (not a secret on its own)
   * @param secretIdFile file holding the secret ID, re-read on every login
   */
  record AppRole(String mount, String roleId, Path secretIdFile) implements VaultAuthSettings {
    /** @throws ValidationException listing every problem */
    public AppRole {
      requireNonNull(mount, "mount == null");
      requireNonNull(roleId, "roleId == null");
      requireNonNull(secretIdFile, "secretIdFile == null");
      Problems problems = new Problems(SUBJECT);
      checkMount(problems, mount, "approle auth mount");
      if (roleId.isBlank()) {
        problems.add("approle role id", roleId, "must not be empty");
      }
      problems.throwIfAny();
    }
  }

  /**
   * The file the login credential is read from: the token file (empty with a token from an
   * environment variable), the service account token file or the secret ID file. Watched by
   * {@code promcc run}: an observation after it changes asks Vault at once for the clusters
   * that wait because the token was refused or could not be read.
   */
  default Optional<Path> credentialFile() {
    if (this instanceof Token t) {
      return t.file();
    } else if (this instanceof Kubernetes k) {
      return Optional.of(k.jwtFile());
    }
    return Optional.of(((AppRole) this).secretIdFile());
  }

  /** What the records' problems are about. */
  String SUBJECT = "vault auth settings";

  private static void checkMount(Problems problems, String mount, String field) {
    if (!MOUNT.matcher(mount).matches()) {
      problems.add(field, mount, "must be path segments of letters, digits, '_', '-' and '.'");
    }
  }
}
