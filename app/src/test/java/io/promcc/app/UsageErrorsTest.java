package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * A command line that does not parse is said in promcc's words, as every other mistake is: the
 * option named, what it needs, {@code see 'promcc <command> --help'}, exit 2, and no value
 * repeated. picocli said "Missing required options: '--clusters=FILE', '--out=DIR'", or only
 * that when an option was mistyped as well ({@code --clusterz}).
 */
class UsageErrorsTest {
  private static final String CLUSTERS = "error: --clusters FILE is required: YAML list of "
      + "clusters (id, provider, apiServer, optional labels and etcd)\n";
  private static final String OUT = "error: --out DIR is required: folder to write "
      + "prometheus.yml and the certificate files to\n";

  /** The exit code, stdout and stderr of {@code promcc args}. */
  private record Ran(int code, String out, String err) {}

  private static Ran run(String args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = Main.commandLine(Map.of());
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    int code = command.execute(args.split(" "));
    return new Ran(code, out.toString(), err.toString());
  }

  private static Ran refused(String err) {
    return new Ran(2, "", err);
  }

  @Test
  void aMissingRequiredOptionIsNamedWithWhatItTakes() {
    assertEquals(refused(CLUSTERS + OUT + "see 'promcc render --help'\n"),
        run("render --strict"));
    assertEquals(refused(OUT + "see 'promcc render --help'\n"), run("render --clusters c.yml"));
  }

  /** A mistyped option was not said at all, only the options then missing. */
  @Test
  void anUnknownOptionIsSaidBeforeTheMissingOnesWithWhatItMayBe() {
    assertEquals(refused("error: unknown option --clusterz (values are not repeated); did you "
        + "mean --clusters?\n" + CLUSTERS + OUT + "see 'promcc render --help'\n"),
        run("render --clusterz c.yml"));
    assertEquals(refused("error: unknown options --clusterz, --outt (values are not repeated); "
        + "did you mean --clusters for --clusterz, --out for --outt?\n"
        + CLUSTERS + OUT + "see 'promcc render --help'\n"),
        run("render --clusterz=c.yml --outt out"));
  }

  @Test
  void anUnknownOptionSaysWhatItMayBe() {
    assertEquals(refused("error: unknown option --stric (values are not repeated); did you "
        + "mean --strict?\nsee 'promcc render --help'\n"),
        run("render --clusters c.yml --out out --stric"));
    assertEquals(refused("error: unknown option --log-levl (values are not repeated); did you "
        + "mean --log-level?\nsee 'promcc run --help'\n"), run("run --log-levl=debug"));
  }

  /**
   * A secret's hidden option, refused when given as a flag, is never what a user meant, nor
   * is an option of the same first letters only, which picocli suggests as well.
   */
  @Test
  void neitherAnOptionOfASecretNorOneOfTheSameFirstLettersIsSuggested() {
    assertEquals(refused("error: unknown option --vault-tokn (values are not repeated)\n"
        + "see 'promcc run --help'\n"), run("run --vault-tokn s3cret"));
    assertEquals(refused("error: unknown option --cert (values are not repeated); did you "
        + "mean --cert-dir?\nsee 'promcc render --help'\n"),
        run("render --clusters c.yml --out out --cert certs"));
  }

  /**
   * An option that begins more options than are named is no hint of one of them: it said
   * "did you mean --vault-ttl or --vault-auth or --vault-mode?", three of the many --vault ones.
   */
  @Test
  void theBeginningOfManyOptionsSuggestsNone() {
    assertEquals(refused("error: unknown option --vault (values are not repeated)\n"
        + "see 'promcc run --help'\n"), run("run --vault"));
    assertEquals(refused("error: unknown option --c (values are not repeated); did you mean "
        + "--clusters or --cert-dir?\nsee 'promcc render --help'\n"),
        run("render --clusters c.yml --out out --c"));
  }

  /**
   * An option typed as a longer word, a known one followed by more words, or with its words
   * joined or split otherwise: it said no "did you mean" for {@code --config-file},
   * {@code --kubeconfig-path} or {@code --base-config-file}, and none for
   * {@code --allow_private_network_api_servers}, four letters from the option it names.
   */
  @ParameterizedTest
  @CsvSource({"--config-file, --config", "--kubeconfig-path, --kubeconfig",
      "--kube-config, --kubeconfig", "--kube_config_file, --kubeconfig",
      "--baseconfig, --base-config", "--base_config, --base-config",
      "--base-config-file, --base-config", "--cert-dir-path, --cert-dir",
      "--vault-token-file-path, --vault-token-file",
      "--allow_private_network_api_servers, --allow-private-network-api-servers"})
  void aKnownOptionThatBeginsWhatWasTypedIsSuggested(String typed, String meant) {
    assertEquals(refused("error: unknown option " + typed + " (values are not repeated); did "
        + "you mean " + meant + "?\nsee 'promcc run --help'\n"), run("run " + typed + " x"));
  }

  @Test
  void aClustersOptionTypedLongerOrShorterIsSuggested() {
    assertEquals(refused("error: unknown option --clusters-file (values are not repeated); did "
        + "you mean --clusters?\n" + CLUSTERS + "see 'promcc render --help'\n"),
        run("render --clusters-file c.yml --out out"));
    assertEquals(refused("error: unknown option --cluster (values are not repeated); did "
        + "you mean --clusters?\n" + CLUSTERS + "see 'promcc render --help'\n"),
        run("render --cluster c.yml --out out"));
  }

  /**
   * A word that a known option only begins in letters, not in words, is none of it
   * ({@code --out} for {@code --outline}); a secret's hidden option is never suggested, nor
   * more than two, the beginning of three options hinting at none of them: it said "did you
   * mean --vault-key-algorithm or --vault-kubernetes-role or --vault-kubernetes-mount?".
   */
  @ParameterizedTest
  @ValueSource(strings = {"--outline", "--configure", "--vault-token-value", "--verbose",
      "--dry-run", "--debug", "--kubernetes", "--vault-k", "--foo-bar"})
  void anUnrelatedWordSuggestsNothing(String typed) {
    assertEquals(refused("error: unknown option " + typed + " (values are not repeated)\n"
        + "see 'promcc run --help'\n"), run("run " + typed + " x"));
  }

  /**
   * Two letters changed of the three of {@code --out} leave one of it: it said "did you mean
   * --out?" for {@code --port} and {@code --host}, options a user may look for; one changed is
   * still a typo of it.
   */
  @Test
  void aWordTwoLettersFromAShortOptionSuggestsNothing() {
    for (String typed : new String[] {"--port", "--host", "--on"}) {
      assertEquals(refused("error: unknown option " + typed + " (values are not repeated)\n"
          + "see 'promcc run --help'\n"), run("run " + typed + " x"), typed);
    }
    assertEquals(refused("error: unknown option --put (values are not repeated); did you mean "
        + "--out?\nsee 'promcc run --help'\n"), run("run --put x"));
  }

  /**
   * What follows an unknown option written without {@code =} may be its value, a password that
   * begins with {@code -}: it is not repeated, as a value that does not is not; it was named
   * as an unknown option ("unknown options --prometheus-password, -p4ss").
   */
  @Test
  void anArgumentAfterAnUnknownOptionIsNotRepeatedThoughItBeginsWithADash() {
    Ran ran = run("run --prometheus-password -p4ss --vault-tokn --s3cret");

    assertEquals(refused("error: unknown options --prometheus-password, --vault-tokn (values "
        + "are not repeated); did you mean --prometheus-password-file for "
        + "--prometheus-password?\nsee 'promcc run --help'\n"), ran);
    assertFalse(ran.err().contains("p4ss") || ran.err().contains("s3cret"), ran.err());
  }

  /** They were said as "unknown option -" and "unknown option --", an option none typed. */
  @Test
  void aLoneDashAndAnOptionWithoutANameAreSaidSo() {
    assertEquals(refused("error: a lone - is no option: promcc reads no standard input; name "
        + "each file with its option\nsee 'promcc render --help'\n"),
        run("render --clusters c.yml --out out -"));
    assertEquals(refused("error: --=... is an option without a name (values are not "
        + "repeated)\nsee 'promcc run --help'\n"), run("run --=s3cret"));
    assertEquals(refused("error: -=... is an option without a name (values are not "
        + "repeated)\nsee 'promcc run --help'\n"), run("run -=s3cret"));
    assertEquals(refused("error: unknown option --stric (values are not repeated); did you "
        + "mean --strict?\nerror: a lone - is no option: promcc reads no standard input; name "
        + "each file with its option\nerror: --=... is an option without a name (values are "
        + "not repeated)\nsee 'promcc render --help'\n"),
        run("render --clusters c.yml --out out --stric - --=x"));
  }

  /** picocli said "Missing required parameter for option '--clusters' (FILE)". */
  @ParameterizedTest
  @ValueSource(strings = {"render --out out --clusters", "render --clusters --out out"})
  void anOptionWithoutItsValueIsNamedSo(String args) {
    assertEquals(refused("error: --clusters is given without its value (FILE)\n"
        + "see 'promcc render --help'\n"), run(args));
  }

  @Test
  void anOptionOfRunWithoutItsValueIsNamedSo() {
    assertEquals(refused("error: --log-level is given without its value (LEVEL)\n"
        + "see 'promcc check --help'\n"), run("check --log-level"));
  }

  /** picocli said "option '--out' (DIR) should be specified only once". */
  @Test
  void anOptionGivenTwiceIsNamedWithoutItsValues() {
    assertEquals(refused("error: --out is given more than once (values are not repeated)\n"
        + "see 'promcc run --help'\n"), run("run --out out --out s3cret"));
    assertEquals(refused("error: --strict is given more than once (values are not repeated)\n"
        + "see 'promcc render --help'\n"), run("render --strict --strict"));
  }

  /** picocli said "Invalid value for option '--strict': 's3cret' is not a boolean". */
  @Test
  void aFlagGivenAValueIsNamedWithoutIt() {
    assertEquals(refused("error: --strict takes no value, or true or false (values are not "
        + "repeated)\nsee 'promcc render --help'\n"),
        run("render --clusters c.yml --out out --strict=s3cret"));
  }

  /**
   * What follows {@code --} is no option: render takes no such argument. It said "unknown
   * options --clusters, --out ...; did you mean --clusters for --clusters" and "--clusters is
   * given without its value".
   */
  @Test
  void argumentsAfterTheEndOfOptionsAreUnexpectedNotUnknownOptions() {
    assertEquals(refused("error: unexpected arguments (values are not repeated)\n" + CLUSTERS
        + OUT + "see 'promcc render --help'\n"), run("render -- --clusters c.yml --out out"));
    assertEquals(refused("error: unknown option --stric (values are not repeated); did you "
        + "mean --strict?\nsee 'promcc render --help'\n"),
        run("render --clusters c.yml --out out --stric -- --out"));
    // a command after -- is no command: it said "unknown command", render among the commands
    assertEquals(refused("error: unexpected arguments (values are not repeated)\n"
        + "see 'promcc --help'\n"), run("-- render"));
  }
  /**
   * An argument that begins with {@code @} is taken as given, not replaced by the text of the
   * file it names (picocli's argument files): a value so replaced was repeated in an error
   * ("--job-prefix must be ..., found \"eyJhbGciOi.S3cret\"", a token file's text), and a
   * folder so named ended in picocli's InitializationException, exit 1.
   */
  @Test
  void anArgumentThatBeginsWithAtIsNoArgumentFile(@TempDir Path dir) throws IOException {
    Path token = Files.writeString(dir.resolve("token"), "eyJhbGciOi.S3cret\n");
    Ran ran = run("render --clusters c.yml --out out --job-prefix @" + token);
    assertEquals(2, ran.code());
    assertTrue(ran.err().startsWith("error: --job-prefix must be "), ran.err());
    assertTrue(ran.err().contains("found \"@" + token + "\""), ran.err());
    assertFalse(ran.err().contains("S3cret"), ran.err());
    assertEquals(refused("error: unexpected arguments (values are not repeated)\n"
        + "see 'promcc run --help'\n"), run("run @" + dir));
  }
}
