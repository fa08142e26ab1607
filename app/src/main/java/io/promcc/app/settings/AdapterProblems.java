package io.promcc.app.settings;

import io.promcc.core.model.ValidationException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * An adapter's settings problems worded by the promcc option of each bad value: an adapter names
 * its own fields ({@code leaderElection.leaseName}, {@code vault address}), while a user is shown
 * where the bad value came from (flag, variable or file key), as for every other setting.
 */
final class AdapterProblems {
  private AdapterProblems() {}

  /** What {@code build} makes; the problems it is refused with worded by {@code reword}. */
  static <T> T reworded(Supplier<T> build, UnaryOperator<String> reword) {
    try {
      return build.get();
    } catch (ValidationException e) {
      throw new ValidationException(e.subject(), e.problems().stream().map(reword).toList());
    }
  }

  /**
   * The option of the field {@code problem} starts with, a key of {@code optionOfField}, and
   * what follows the field's name; empty if it starts with none of them.
   */
  static Optional<Map.Entry<String, String>> field(Map<String, String> optionOfField,
      String problem) {
    for (Map.Entry<String, String> field : optionOfField.entrySet()) {
      if (problem.startsWith(field.getKey() + " ")) {
        return Optional.of(Map.entry(field.getValue(),
            problem.substring(field.getKey().length())));
      }
    }
    return Optional.empty();
  }
}
