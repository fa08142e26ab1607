package io.promcc.app;

import io.promcc.core.plan.ScrapeProfile;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code promcc profile}: prints the default scrape profile, a starting point for one's own. */
@Command(name = "profile", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Print the default scrape profile (YAML).")
final class ProfileCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(ScrapeProfile.defaultProfileText());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
