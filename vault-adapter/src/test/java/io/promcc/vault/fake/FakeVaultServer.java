package io.promcc.vault.fake;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the fake as a process, for trying the controller by hand or running {@code RealVaultIT}
 * against it: {@code FakeVaultServer <pki-mount> <role> [<token-file>]} prints the address and
 * a root token (or writes the token to the file), then serves until killed.
 */
public final class FakeVaultServer {
  private FakeVaultServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: FakeVaultServer <pki-mount> <role> [<token-file>]");
      System.exit(2);
    }
    FakeVault vault = FakeVault.start(Clock.systemUTC());
    // a role that signs and issues for any host name, with any key type on sign
    vault.pkiRole(args[0], args[1]).keyType("any").allowAnyName(true).maxTtl(Duration.ofDays(32));
    String token = vault.createRootToken().reveal();
    System.out.println("VAULT_ADDR=" + vault.address());
    if (args.length > 2) {
      java.nio.file.Files.writeString(java.nio.file.Path.of(args[2]), token);
      System.out.println("token written to " + args[2]);
    } else {
      System.out.println("VAULT_TOKEN=" + token);
    }
    System.out.flush();
    new CountDownLatch(1).await(); // until the process is killed
  }
}
