package io.promcc.core.model;

import java.util.List;

/**
 * A document (a profile, a base config, a planned config) has one or more problems. Every
 * problem is listed, so a user can fix them all in one go.
 */
public class ValidationException extends PromccException {
  private static final long serialVersionUID = 1L;

  private final String subject;
  private final List<String> problems;

  /**
   * @param subject the document, e.g. {@code base config "prometheus.yml"}; the message begins
   *     with it
   * @param problems every problem found, each a lower-case phrase; copied
   * @throws IllegalArgumentException if {@code problems} is empty
   */
  public ValidationException(String subject, List<String> problems) {
    super(format(subject, problems));
    this.subject = subject;
    this.problems = List.copyOf(problems);
    if (this.problems.isEmpty()) {
      throw new IllegalArgumentException("a validation exception needs at least one problem");
    }
  }

  private static String format(String subject, List<String> problems) {
    StringBuilder message = new StringBuilder(subject).append(" is invalid (")
        .append(problems.size()).append(problems.size() == 1 ? " problem)" : " problems)");
    for (String problem : problems) {
      message.append("\n  - ").append(problem);
    }
    return message.toString();
  }

  /** What was validated, e.g. {@code profile "custom.yml"}. */
  public String subject() {
    return subject;
  }

  /** Every problem found, in a stable order; never empty. */
  public List<String> problems() {
    return problems;
  }
}
