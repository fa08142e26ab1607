package io.promcc.core.model;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Collects every problem of a settings record or a document, worded like Prometheus
 * ({@code <field> <problem>, found "<value>"}), and throws them together as one
 * {@link ValidationException}, so a user sees every mistake at once.
 *
 * <p>Not thread-safe; one per validation.
 */
public final class Problems {
  private final String subject;
  private final List<String> problems = new ArrayList<>();

  /** @param subject what is validated, e.g. {@code vault settings} */
  public Problems(String subject) {
    this.subject = requireNonNull(subject, "subject == null");
  }

  /**
   * The one wording of a bad value: {@code <field> <problem>, found "<value>"}; without the
   * {@code found} part when {@code value} is null.
   */
  public static String format(String field, String value, String problem) {
    return field + " " + problem + (value == null ? "" : ", found " + Quoting.quote(value));
  }

  /** Adds {@code <field> <problem>, found "<value>"}. */
  public Problems add(String field, String value, String problem) {
    problems.add(format(field, value, problem));
    return this;
  }

  /** Adds {@code <field> <problem>} for a secret value, which is never quoted. */
  public Problems addSecret(String field, String problem) {
    problems.add(format(field, null, problem));
    return this;
  }

  /**
   * Runs {@code check}; an {@link InvalidValueException} or {@link ValidationException} it throws
   * becomes problems here.
   *
   * @return what {@code check} returned, or null if it failed
   */
  public <T> T check(Supplier<T> check) {
    try {
      return check.get();
    } catch (InvalidValueException e) {
      problems.add(e.getMessage());
    } catch (ValidationException e) {
      problems.addAll(e.problems());
    }
    return null;
  }

  /** True if no problem was added. */
  public boolean isEmpty() {
    return problems.isEmpty();
  }

  /** The problems so far, in the order added. */
  public List<String> list() {
    return List.copyOf(problems);
  }

  /**
   * @throws ValidationException naming the subject and every problem, if there is any
   */
  public void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new ValidationException(subject, problems);
    }
  }
}
