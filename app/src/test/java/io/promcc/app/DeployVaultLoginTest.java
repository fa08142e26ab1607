package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.promcc.app.settings.RunSettings;
import io.promcc.core.model.ClusterId;
import io.promcc.vault.IssueMode;
import io.promcc.vault.VaultAuthSettings;
import io.promcc.vault.VaultSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Vault commands docs/operations.md gives for deploy/ ("What to adapt", Vault) set up what
 * the deployed promcc logs in as and asks for: the Kubernetes auth mount and role its settings
 * name, bound to the service account and namespace the Pod runs as, with a policy that lets it
 * update the PKI path it sends its requests to. A setting, the service account or the namespace
 * changed on one side only would have every login or every certificate request refused.
 */
class DeployVaultLoginTest extends DeployPodFixture {
  /** The example guest cluster of the docs' Vault commands. */
  private static final ClusterId EXAMPLE = new ClusterId("x7k2p");

  @Test
  void theDocsVaultCommandsLetTheDeployedPromccLogInAndSign() throws IOException {
    RunSettings settings = accepted(new StartedPod(0, UnaryOperator.identity()));
    VaultSettings vault = settings.vault().orElseThrow();
    VaultAuthSettings.Kubernetes login = (VaultAuthSettings.Kubernetes) vault.auth();
    String commands = vaultCommands();

    assertEquals(login.mount(), single(commands, "vault auth enable (?:-path=)?(\\S+)"),
        "the auth method is enabled at the mount promcc logs in to");
    Matcher role = Pattern.compile("vault write auth/([^/\\s]+)/role/(\\S+)").matcher(commands);
    assertTrue(role.find(), "a Kubernetes auth role is written:\n" + commands);
    assertEquals(login.mount(), role.group(1));
    assertEquals(login.role(), role.group(2), "the role promcc's settings name");
    V1ServiceAccount account = manifests.get(V1ServiceAccount.class, namespace,
        pod.getServiceAccountName());
    assertTrue(list(commands, "bound_service_account_names").contains(
        account.getMetadata().getName()), "bound to the Pod's service account");
    assertTrue(list(commands, "bound_service_account_namespaces").contains(namespace),
        "bound to the Pod's namespace");
    String policy = single(commands, "vault policy write (\\S+) ");
    assertTrue(list(commands, "token_policies").contains(policy),
        "the role's tokens get the policy written");

    String path = vault.pkiMount(EXAMPLE) + "/"
        + (vault.mode() == IssueMode.SIGN ? "sign/" : "issue/") + vault.role(EXAMPLE);
    List<String> updatable = new ArrayList<>();
    Matcher rule = Pattern.compile("path \"([^\"]+)\" \\{ capabilities = \\[\"update\"] }")
        .matcher(commands);
    while (rule.find()) {
      updatable.add(rule.group(1));
    }
    assertTrue(updatable.stream().anyMatch(glob -> vaultPathMatches(glob, path)),
        "the policy lets promcc update " + path + ", found " + updatable);
  }

  /** The judge can say no: a policy of another path does not cover the request. */
  @Test
  void aPolicyOfAnotherPathIsNotTakenForTheRequestedOne() {
    assertTrue(vaultPathMatches("pki-x7k2p/sign/role-x7k2p", "pki-x7k2p/sign/role-x7k2p"));
    assertTrue(vaultPathMatches("+/sign/+", "pki-x7k2p/sign/role-x7k2p"));
    assertTrue(vaultPathMatches("pki-x7k2p/*", "pki-x7k2p/sign/role-x7k2p"));
    assertTrue(!vaultPathMatches("pki-x7k2p/issue/role-x7k2p", "pki-x7k2p/sign/role-x7k2p"));
    assertTrue(!vaultPathMatches("+/sign/+", "pki/x7k2p/sign/role-x7k2p"));
  }

  /** The shell block of docs/operations.md that sets up Vault's Kubernetes login. */
  private static String vaultCommands() throws IOException {
    String guide = Files.readString(OPERATIONS);
    Matcher block = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(guide);
    while (block.find()) {
      if (block.group(1).contains("vault write auth/")) {
        // a command continued on the next line is one command
        return block.group(1).replaceAll("\\\\\\n\\s*", "");
      }
    }
    throw new AssertionError("docs/operations.md gives no Vault commands (vault write auth/...)");
  }

  private static String single(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "no " + regex + " in:\n" + text);
    return m.group(1);
  }

  /** The comma-separated values of a {@code key=a,b} parameter. */
  private static List<String> list(String text, String key) {
    return Arrays.asList(single(text, "\\b" + key + "=(\\S+)").split(","));
  }

  /** Vault's policy path rules: {@code +} is one segment, a trailing {@code *} any rest. */
  private static boolean vaultPathMatches(String glob, String path) {
    StringBuilder regex = new StringBuilder();
    String[] segments = glob.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      if (i > 0) {
        regex.append('/');
      }
      if (segment.equals("+")) {
        regex.append("[^/]+");
      } else if (i == segments.length - 1 && segment.endsWith("*")) {
        regex.append(Pattern.quote(segment.substring(0, segment.length() - 1))).append(".*");
      } else {
        regex.append(Pattern.quote(segment));
      }
    }
    return path.matches(regex.toString());
  }
}
