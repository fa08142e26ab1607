package io.promcc.core.yaml;

import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.comments.CommentLine;
import org.snakeyaml.engine.v2.comments.CommentType;
import org.snakeyaml.engine.v2.exceptions.Mark;

/**
 * Lists of the user's comments, for {@link BaseConfig} and {@link NodeTreeDump} moving them from
 * node to node: joined, only those indented past a column, written as block comments. A null list
 * (snakeyaml's "none") is read as empty. Stateless; thread-safe.
 */
final class CommentLines {
  private CommentLines() {}

  static List<CommentLine> indentedPast(List<CommentLine> comments, int column) {
    List<CommentLine> indented = new ArrayList<>();
    if (comments != null) {
      for (CommentLine comment : comments) {
        if (comment.getCommentType() == CommentType.BLOCK && comment.getStartMark()
            .map(Mark::getColumn).orElse(0) > column) {
          indented.add(comment);
        }
      }
    }
    return indented;
  }

  static List<CommentLine> asBlock(List<CommentLine> inLine) {
    List<CommentLine> block = new ArrayList<>();
    if (inLine != null) {
      for (CommentLine comment : inLine) {
        block.add(new CommentLine(comment.getStartMark(), comment.getEndMark(),
            comment.getValue(), CommentType.BLOCK));
      }
    }
    return block;
  }

  static List<CommentLine> joined(List<CommentLine> first, List<CommentLine> second) {
    List<CommentLine> all = new ArrayList<>(first == null ? List.of() : first);
    all.addAll(second == null ? List.of() : second);
    return all;
  }
}
