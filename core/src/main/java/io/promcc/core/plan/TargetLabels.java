package io.promcc.core.plan;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The labels of a template's targets while {@link RequiredTargetLabels} follows its rules: which
 * may be set (to a value not followed): those a rule set, for a discovered target the ones its
 * discovery may set, and those a {@code labelmap} of labels not known by name may set; any other
 * is certainly empty. Of a label a rule certainly set, it also keeps the value (or what is known
 * of it) and the rule, and of the scrape interval and timeout what the job set them to before the
 * rules, so that they can be judged as Prometheus reads them. Not thread-safe: one per check.
 */
final class TargetLabels {
  static final String ADDRESS = "__address__";
  static final String INTERVAL = "__scrape_interval__";
  static final String TIMEOUT = "__scrape_timeout__";
  static final String SCHEME = "__scheme__";
  private static final String META = "__meta_";
  /** The labels every target has before its rules (Prometheus' {@code PopulateLabels}). */
  private static final Set<String> PRESENT = Set.of(ADDRESS, "job", SCHEME,
      "__metrics_path__", INTERVAL, TIMEOUT);

  /**
   * What a rule certainly set a label to, or what the job set the scrape interval or timeout to
   * before the rules: {@code value}, or where that is null a number from 0 to {@code below - 1}
   * (a {@code hashmod}'s), or for the job's the value it takes from the global config, which the
   * profile does not know ({@link #fromJob}).
   *
   * @param by the rule, for a problem's message, e.g. {@code relabel_configs[0] of job ...}; null
   *     for the job's value
   * @param step the rule's place among the job's rules, so the later of two can be named; -1 for
   *     the job's value
   */
  record Setting(String value, BigInteger below, String by, int step) {
    static Setting of(String value, String by, int step) {
      return new Setting(value, BigInteger.ZERO, by, step);
    }

    /** A {@code hashmod}'s number: modulo 1, it is certainly {@code 0}. */
    static Setting hash(BigInteger modulus, String by, int step) {
      return modulus.equals(BigInteger.ONE) ? of("0", by, step)
          : new Setting(null, modulus, by, step);
    }

    /** The template's own {@code scrape_interval} or {@code scrape_timeout}, before any rule. */
    static Setting own(String value) {
      return of(value, null, -1);
    }

    /** The job's interval or timeout before any rule, where the template sets none (or 0). */
    static Setting job() {
      return of(null, null, -1);
    }

    /** Whether a rule set it, not the job before the rules. */
    boolean byRule() {
      return step >= 0;
    }

    /** Whether it is the job's value from the global config, not known to the profile. */
    boolean fromJob() {
      return step < 0 && value == null;
    }
  }

  private final Set<String> set = new HashSet<>(PRESENT);
  /** Labels the discovery may set that a rule certainly removed. */
  private final Set<String> removed = new HashSet<>();
  /** The labels a rule certainly set, with what to. */
  private final Map<String, Setting> settings = new HashMap<>();
  /** The names a {@code labelmap} may have set from labels whose names are not known. */
  private final List<Pattern> mapped = new ArrayList<>();
  private final boolean discovered;

  TargetLabels(boolean discovered) {
    this.discovered = discovered;
  }

  boolean maySet(String name) {
    return set.contains(name) || !removed.contains(name)
        && (discovered && (name.startsWith(META) || name.equals("instance"))
            || mapped.stream().anyMatch(names -> names.matcher(name).matches()));
  }

  /**
   * Whether every label that may be set and that {@code regex}, a plain one read from
   * {@code text} (no escape, class or flag), may match has a known name ({@link #names()}): not
   * so past a {@link #mayMap}, nor on a discovered target where it may match a name the
   * discovery sets ({@code instance}, {@code __meta_*}). Without a {@code |}, every name it
   * matches starts with its text before the first special character (less a character a count
   * follows), so it matches no {@code __meta_} name where that is no start of one.
   */
  boolean namesKnown(String text, Pattern regex) {
    if (!mapped.isEmpty()) {
      return false;
    }
    if (!discovered) {
      return true;
    }
    if (text.contains("|") || regex.matcher("instance").find()) {
      return false;
    }
    int end = 0;
    while (end < text.length() && ".*+?()".indexOf(text.charAt(end)) < 0) {
      end++;
    }
    String start = end < text.length() && "*+?".indexOf(text.charAt(end)) >= 0
        ? text.substring(0, Math.max(0, end - 1)) : text.substring(0, end);
    return !start.startsWith(META) && !META.startsWith(start);
  }

  /**
   * The names of the labels that may be set, where {@link #namesKnown} says they are known; in
   * name order.
   */
  SortedSet<String> names() {
    return new TreeSet<>(set);
  }

  /** Every label whose name {@code names} matches may now be set, to a value not followed. */
  void mayMap(Pattern names) {
    mapped.add(names);
    removed.removeIf(name -> names.matcher(name).matches());
    settings.keySet().removeIf(name -> names.matcher(name).matches());
  }

  /** Sets {@code name} to a value not followed: it may be anything. */
  void set(String name) {
    set.add(name);
    removed.remove(name);
    settings.remove(name);
  }

  /** Sets {@code name} certainly, to what {@code setting} says. */
  void set(String name, Setting setting) {
    set(name);
    settings.put(name, setting);
  }

  /** What a rule certainly set {@code name} to, if it did and no later rule changed it. */
  Optional<Setting> setting(String name) {
    return Optional.ofNullable(settings.get(name));
  }

  /** The names of the labels a rule certainly set ({@link #setting}); a copy. */
  Set<String> settingNames() {
    return new HashSet<>(settings.keySet());
  }

  /** Removes {@code name}; true if it may have been set. */
  boolean remove(String name) {
    boolean was = maySet(name);
    set.remove(name);
    removed.add(name);
    settings.remove(name);
    return was;
  }
}
