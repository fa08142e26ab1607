package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A proxy the environment names for Vault that promcc cannot use is one of {@code promcc
 * check}'s settings problems, listed with the others, as the start refuses it; one that no
 * request to Vault would use is none.
 */
class CheckVaultProxyTest {
  @TempDir Path temp;

  private String check(Map<String, String> env, String... more) throws IOException {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"), "[]\n");
    Path token = Files.writeString(temp.resolve("token"), "hvs.not-shown\n");
    StringWriter err = new StringWriter();
    CommandLine command = Main.commandLine(env);
    command.setOut(new PrintWriter(new StringWriter()));
    command.setErr(new PrintWriter(err));
    String[] args = {"check", "--clusters", clusters.toString(), "--out",
        temp.resolve("out").toString(), "--certificates", "vault", "--vault-address",
        "https://vault.corp:8200", "--vault-token-file", token.toString()};
    String[] all = new String[args.length + more.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    int code = command.execute(all);
    return code + "\n" + err;
  }

  @Test
  void aProxyPromccCannotUseForVaultIsListedWithTheOtherSettingsProblems() throws IOException {
    assertEquals(String.join("\n", "2",
        "error: --debounce must be a duration such as 250ms, 2s, 5m or 1h30m, found \"x\"",
        "error: HTTPS_PROXY (the proxy for vault \"https://vault.corp:8200\") has scheme "
            + "socks5, which promcc cannot use for vault (the jdk's http client takes http "
            + "proxies only): use an http proxy; or exclude vault with NO_PROXY, found "
            + "\"socks5://proxy.corp:1080\"",
        "nothing was checked (see promcc check --help)", ""),
        check(Map.of("HTTPS_PROXY", "socks5://proxy.corp:1080"), "--debounce", "x"));
  }

  @Test
  void aProxyNoRequestToVaultWouldUseIsNoProblem() throws IOException {
    assertEquals(String.join("\n", "2",
        "error: --debounce must be a duration such as 250ms, 2s, 5m or 1h30m, found \"x\"",
        "nothing was checked (see promcc check --help)", ""),
        check(Map.of("HTTPS_PROXY", "socks5://proxy.corp:1080", "NO_PROXY", ".corp"),
            "--debounce", "x"));
  }
}
