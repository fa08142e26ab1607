package io.promcc.core.yaml;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.events.DocumentEndEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.StreamEndEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * The events of the first YAML document of a text, then the end of the stream, as Prometheus'
 * YAML (go-yaml v2) reads a config: it unmarshals the first document and reads no further, so
 * what follows it is cut off, be it YAML or not. A {@code %YAML} or {@code %TAG} directive
 * after the first document with no {@code ...} ending it ends the first there, as a
 * {@code ---} does (one of another name is refused, as snakeyaml and go-yaml v2 refuse it).
 * The document is composed from these events as they come, so the text is parsed once, where
 * it was parsed once to find where the first document ends and again to read it.
 * Not thread-safe: one text per instance.
 */
final class FirstDocumentParser implements Parser {
  private final Parser parser;
  private final String text;
  /** Events to give instead of the parser's: the first document's end, the stream's. */
  private final Deque<Event> ending = new ArrayDeque<>();
  /** Where the first document ended, once it has; empty while it has not. */
  private Optional<Mark> end = Optional.empty();
  private boolean firstEnded;
  private boolean streamEnded;
  /** Where the text is cut, in characters; its length while nothing is cut off. */
  private int length;

  FirstDocumentParser(LoadSettings settings, String text) {
    this.parser = new ParserImpl(settings, new StreamReader(settings, text));
    this.text = text;
    this.length = text.length();
  }

  /** The first document's text, once the stream has ended: all of it if it holds one. */
  String firstDocument() {
    return length == text.length() ? text : text.substring(0, length);
  }

  @Override
  public boolean checkEvent(Event.ID id) {
    return peekEvent().getEventId() == id;
  }

  @Override
  public Event peekEvent() {
    if (streamEnded) {
      throw new NoSuchElementException("the stream has ended");
    }
    if (!ending.isEmpty()) {
      return ending.peek();
    }
    if (!firstEnded) {
      try {
        return parser.peekEvent();
      } catch (YamlEngineException e) {
        int at = directiveAfterTheFirst(e);
        if (at < 0) {
          throw e;
        }
        // the first document ends where the directive starts, as the text cut there would
        Optional<Mark> mark = ((MarkedYamlEngineException) e).getProblemMark();
        ending.add(new DocumentEndEvent(false, mark, mark));
        ending.add(new StreamEndEvent(mark, mark));
        length = at;
        return ending.peek();
      }
    }
    Event next;
    try {
      next = parser.peekEvent();
    } catch (YamlEngineException pastTheFirst) {
      if (end.isEmpty()) {
        throw pastTheFirst; // nowhere to cut (no marks)
      }
      next = null; // Prometheus reads none of what follows the first document
    }
    if (next instanceof StreamEndEvent || end.isEmpty()) {
      return next;
    }
    // another document follows: the stream ends with the first
    length = new SourcePosition(text).charOffset(end.get());
    ending.add(new StreamEndEvent(end, end));
    return ending.peek();
  }

  @Override
  public Event next() {
    Event event = peekEvent();
    if (!ending.isEmpty()) {
      ending.poll();
    } else {
      parser.next();
    }
    streamEnded = event instanceof StreamEndEvent;
    if (!firstEnded && event instanceof DocumentEndEvent) {
      firstEnded = true;
      end = event.getEndMark();
    }
    return event;
  }

  @Override
  public boolean hasNext() {
    return !streamEnded;
  }

  /**
   * Where a {@code %YAML} or {@code %TAG} directive starts the second document of the text, if
   * {@code e} refuses it for want of a {@code ...} ending the first: go-yaml v2 ends the first
   * there, as a {@code ---} does (one of another name it refuses, as snakeyaml does); -1 if
   * {@code e} is any other problem.
   */
  private int directiveAfterTheFirst(YamlEngineException e) {
    if (!(e instanceof MarkedYamlEngineException marked) || marked.getProblem() == null
        || !marked.getProblem().startsWith("expected '<document end>' before directives")) {
      return -1;
    }
    return marked.getProblemMark().map(mark -> new SourcePosition(text).charOffset(mark))
        .filter(at -> isDirective(at, "%YAML") || isDirective(at, "%TAG")).orElse(-1);
  }

  private boolean isDirective(int at, String name) {
    int after = at + name.length();
    return text.startsWith(name, at) && after < text.length()
        && (text.charAt(after) == ' ' || text.charAt(after) == '\t');
  }
}
