package io.promcc.app;

import io.promcc.core.model.EditDistance;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Says a command line that does not parse in promcc's words, not picocli's: each problem on an
 * {@code error:} line naming the option and what it needs, then {@code see 'promcc <command>
 * --help'}, exit 2. No value given is repeated (an argument given where it does not belong may
 * be a secret), but for an option's own value that promcc's converter names. Stateless.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
  /** The exit code of a command line that does not parse. */
  static final int EXIT_USAGE = 2;
  /** Most options a "did you mean" names for one unknown option. */
  private static final int SUGGESTED = 2;
  /**
   * Most letters added, left out or changed in an option that "did you mean" names; one in an
   * option of {@value #SHORT} letters or fewer, of which two would leave little ({@code --port}
   * is no {@code --out}).
   */
  private static final int TYPOS = 2;
  /** Most letters of an option that one letter changed of it may be meant for. */
  private static final int SHORT = 4;

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    problems(e, args).forEach(problem -> err.println("error: " + problem));
    // "promcc" at the root, "promcc run" below it
    err.println("see '" + command.getCommandSpec().qualifiedName() + " --help'");
    err.flush();
    return EXIT_USAGE;
  }

  private static List<String> problems(ParameterException e, String[] given) {
    CommandLine command = e.getCommandLine();
    // what follows "--" is no option, however it looks
    Arguments args =
        Arguments.of(given, command.getCommandSpec().parser().endOfOptionsDelimiter());
    if (unknownCommand(e, args)) {
      // a mistyped one ("rendr"), or a value before any command; options first
      // (promcc --clusters c.yml) are unknown options, said below
      return List.of("unknown command (values are not repeated): " + commands(command));
    }
    if (e instanceof NoCommand) { // promcc alone
      return List.of("a command is required: " + commands(command));
    }
    List<String> problems = new ArrayList<>();
    if (e instanceof UnmatchedArgumentException unmatched) {
      problems.addAll(unmatched(command, unmatched.getUnmatched(), args));
    } else if (e instanceof CommandLine.MissingParameterException missing) {
      // picocli checks the required options before it says what it did not match
      if (!command.getUnmatchedArguments().isEmpty()) {
        problems.addAll(unmatched(command, command.getUnmatchedArguments(), args));
      }
      missing.getMissing().forEach(arg -> problems.add(missing(arg, args)));
    } else if (e instanceof CommandLine.OverwrittenOptionException twice
        && twice.getOverwritten() instanceof OptionSpec option) {
      problems.add(option.longestName() + " is given more than once (values are not repeated)");
    } else if (e.getCause() instanceof CommandLine.TypeConversionException own
        && own.getMessage().startsWith("--")) {
      // promcc's converters name the option: without picocli's "Invalid value for option ..."
      problems.add(own.getMessage());
    } else if (e.getArgSpec() instanceof OptionSpec flag && flag.arity().max() <= 1
        && (flag.type() == boolean.class || flag.type() == Boolean.class)) {
      problems.add(flag.longestName() + " takes no value, or true or false (values are not "
          + "repeated)");
    } else {
      problems.add(e.getMessage());
    }
    return problems;
  }

  /** {@code the commands are render, ... and check}. */
  private static String commands(CommandLine command) {
    List<String> names = List.copyOf(command.getSubcommands().keySet());
    return "the commands are " + String.join(", ", names.subList(0, names.size() - 1)) + " and "
        + names.get(names.size() - 1);
  }

  /** {@code promcc rendr}, and {@code promcc help rendr}, which picocli says on the root. */
  private static boolean unknownCommand(ParameterException e, Arguments args) {
    CommandLine command = e.getCommandLine();
    if (command.getSubcommands().isEmpty()) {
      return false;
    }
    if (e instanceof UnmatchedArgumentException unmatched) {
      // after "--" (promcc -- render) a command is none: the unexpected arguments said below
      String first = unmatched.getUnmatched().get(0);
      return !first.startsWith("-") && args.options().contains(first);
    }
    // help's only refusal of the command it is given: picocli's "Unknown subcommand 'rendr'."
    CommandLine.ParseResult parsed = command.getParseResult();
    return e.getClass() == ParameterException.class && e.getArgSpec() == null && parsed != null
        && parsed.hasSubcommand()
        && parsed.subcommand().commandSpec().userObject() instanceof CommandLine.HelpCommand;
  }

  /**
   * {@code promcc} without a command, which {@link Main} throws when run itself: picocli's own
   * "Missing required subcommand" is known by its words only.
   */
  static final class NoCommand extends ParameterException {
    NoCommand(CommandLine promcc) {
      super(promcc, "a command is required");
    }
  }

  /**
   * The options among {@code unmatched}, each with the ones it may have meant; then a lone
   * {@code -} and an option without a name ({@code --=x}), each said on its own, where they were
   * "unknown option -" and "unknown option --".
   */
  private static List<String> unmatched(CommandLine command, List<String> unmatched,
      Arguments args) {
    List<String> afterEnd = new ArrayList<>(args.afterEnd());
    List<String> values = valuesOfUnknown(command, args.options());
    List<String> options = new ArrayList<>();
    List<String> nameless = new ArrayList<>();
    for (String arg : unmatched) {
      if (afterEnd.remove(arg) || !arg.startsWith("-")) {
        continue;
      }
      String name = arg.split("=", 2)[0];
      if (arg.equals("-")) {
        nameless.add("a lone - is no option: promcc reads no standard input; name each file "
            + "with its option");
      } else if (name.equals("-") || name.equals("--")) {
        nameless.add(name + "=... is an option without a name (values are not repeated)");
      } else if (!values.remove(arg)) {
        options.add(name);
      }
    }
    List<String> problems = new ArrayList<>();
    if (options.isEmpty() && nameless.isEmpty()) {
      problems.add("unexpected arguments (values are not repeated)");
    }
    if (!options.isEmpty()) {
      problems.add(unknown(command, options));
    }
    problems.addAll(nameless.stream().distinct().toList());
    return problems;
  }

  /**
   * The arguments that follow an unknown option written without {@code =}: its value, maybe,
   * and then maybe a secret that begins with {@code -} ({@code --prometheus-password -p4ss}),
   * so none is named as an option, as a value that does not begin so is not.
   */
  private static List<String> valuesOfUnknown(CommandLine command, List<String> given) {
    List<String> values = new ArrayList<>();
    for (int i = 1; i < given.size(); i++) {
      String before = given.get(i - 1);
      if (before.startsWith("-") && !before.equals("-") && !before.contains("=")
          && command.getCommandSpec().findOption(before) == null) {
        values.add(given.get(i++)); // a value is no option whose value follows
      }
    }
    return values;
  }

  /** {@code unknown option --x (values are not repeated); did you mean --y?}. */
  private static String unknown(CommandLine command, List<String> options) {
    List<String> meant = new ArrayList<>();
    for (String option : options) {
      List<String> suggested = suggestions(command, option);
      if (!suggested.isEmpty()) {
        meant.add(String.join(" or ", suggested) + (options.size() == 1 ? "" : " for " + option));
      }
    }
    return "unknown option" + (options.size() == 1 ? " " : "s ") + String.join(", ", options)
        + " (values are not repeated)"
        + (meant.isEmpty() ? "" : "; did you mean " + String.join(", ", meant) + "?");
  }

  /**
   * The options {@code option} may be meant for, the closest first, at most {@link #SUGGESTED}:
   * visible ones only (never a secret's hidden one), hyphens and underscores aside
   * ({@code --kube_config}), that it is typed wrong from ({@value #TYPOS} edits at most, one
   * of a short one), cut short from (where it begins no more than {@link #SUGGESTED}), or that
   * begins it in whole words ({@code --config} of {@code --config-file}, not {@code --out} of
   * {@code --outline}).
   * picocli suggests every option of the same first two letters ({@code --vault-mode} for
   * {@code --vault-tokn}).
   */
  private static List<String> suggestions(CommandLine command, String option) {
    List<String> names = command.getCommandSpec().options().stream()
        .filter(spec -> !spec.hidden()).flatMap(spec -> Arrays.stream(spec.names()))
        .filter(name -> name.startsWith("--")).distinct().toList();
    // the beginning of more options than are named hints at none of them (--vault)
    boolean begun = names.stream().filter(name -> name.startsWith(option)).count() <= SUGGESTED;
    return names.stream()
        .filter(name -> EditDistance.between(letters(name), letters(option)) <= typos(name)
            || begun && name.startsWith(option) || beginsInWords(name, option))
        .sorted(Comparator.comparingInt(name -> EditDistance.between(name, option)))
        .limit(SUGGESTED).toList();
  }

  /** Most letters changed of {@code name} that it may be meant for ({@link #TYPOS}). */
  private static int typos(String name) {
    return letters(name).length() <= SHORT ? 1 : TYPOS;
  }

  /** {@code option}'s letters and digits, without its dashes and underscores. */
  private static String letters(String option) {
    return option.replace("-", "").replace("_", "");
  }

  /**
   * Whether the words of {@code name} begin {@code typed}, which goes on past them in a word
   * of its own: {@code --kubeconfig} begins {@code --kube-config-path}.
   */
  private static boolean beginsInWords(String name, String typed) {
    String known = letters(name);
    int matched = 0;
    for (int i = 0; i < typed.length(); i++) {
      char c = typed.charAt(i);
      boolean separator = c == '-' || c == '_';
      if (matched == known.length()) {
        return separator;
      }
      if (!separator && c != known.charAt(matched++)) {
        return false;
      }
    }
    return false;
  }

  /** A required option not given, or an option given without its value. */
  private static String missing(ArgSpec arg, Arguments args) {
    if (!(arg instanceof OptionSpec option)) {
      return arg.paramLabel() + " is required";
    }
    String name = option.longestName();
    boolean given = args.options().stream().anyMatch(a -> Arrays.stream(option.names())
        .anyMatch(n -> a.equals(n) || a.startsWith(n + "=")));
    if (given) {
      return name + " is given without its value (" + option.paramLabel() + ")";
    }
    String what = String.join(" ", option.description()).strip();
    if (what.endsWith(".")) {
      what = what.substring(0, what.length() - 1);
    }
    if (what.length() > 1 && Character.isLowerCase(what.charAt(1))) {
      what = Character.toLowerCase(what.charAt(0)) + what.substring(1); // not "YAML"
    }
    return name + " " + option.paramLabel() + " is required" + (what.isEmpty() ? "" : ": " + what);
  }

  /** The arguments given: those before the end of options ({@code --}) and those after it. */
  private record Arguments(List<String> options, List<String> afterEnd) {
    static Arguments of(String[] args, String endOfOptions) {
      List<String> all = Arrays.asList(args);
      int end = all.indexOf(endOfOptions);
      return end < 0 ? new Arguments(all, List.of())
          : new Arguments(all.subList(0, end), all.subList(end + 1, all.size()));
    }
  }
}
