package io.promcc.it;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of the harness' main classes: {@code --name value} or {@code --name=value},
 * nothing else. Every problem is collected, so a user sees them all at once. Not thread-safe.
 */
public final class Args {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  private final Map<String, String> values = new TreeMap<>();
  private final List<String> problems = new ArrayList<>();

  private Args() {}

  /**
   * Parses {@code args}, accepting only the options in {@code known}.
   */
  public static Args parse(String[] args, Set<String> known) {
    Args parsed = new Args();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        parsed.problems.add("unexpected argument \"" + arg + "\"");
        continue;
      }
      int eq = arg.indexOf('=');
      String name = eq > 0 ? arg.substring(2, eq) : arg.substring(2);
      String value;
      if (eq > 0) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        parsed.problems.add(arg + " needs a value");
        continue;
      }
      if (!known.contains(name)) {
        parsed.problems.add("unknown option --" + name);
      } else {
        parsed.values.put(name, value);
      }
    }
    return parsed;
  }

  /** A required path, made absolute. */
  public Path path(String name) {
    String value = values.get(name);
    if (value == null || value.isBlank()) {
      problems.add("--" + name + " is required");
      return Path.of("").toAbsolutePath();
    }
    return Path.of(value).toAbsolutePath().normalize();
  }

  /** A whole number within {@code [min, max]}, or {@code otherwise} if not given. */
  public int number(String name, int otherwise, int min, int max) {
    String value = values.get(name);
    if (value == null) {
      return otherwise;
    }
    try {
      int number = Integer.parseInt(value);
      if (number >= min && number <= max) {
        return number;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add("--" + name + " must be a whole number from " + min + " to " + max
        + ", found \"" + value + "\"");
    return otherwise;
  }

  /** A duration such as {@code 20ms}, {@code 15s}, {@code 10m}, or {@code otherwise}. */
  public Duration duration(String name, Duration otherwise) {
    String value = values.get(name);
    if (value == null) {
      return otherwise;
    }
    Matcher m = DURATION.matcher(value);
    if (!m.matches()) {
      problems.add("--" + name + " must be a duration such as 20ms, 15s or 10m, found \""
          + value + "\"");
      return otherwise;
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
  }

  /** One of {@code choices}, or {@code otherwise}. */
  public String choice(String name, String otherwise, List<String> choices) {
    String value = values.getOrDefault(name, requireNonNull(otherwise, "otherwise == null"));
    if (!choices.contains(value)) {
      problems.add("--" + name + " must be one of " + choices + ", found \"" + value + "\"");
      return otherwise;
    }
    return value;
  }

  /** The value as given, or empty if not given. */
  public Optional<String> text(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /**
   * Throws if any problem was found (call after reading every option).
   *
   * @throws IllegalArgumentException listing every problem, one per line
   */
  public void check() {
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
  }
}
