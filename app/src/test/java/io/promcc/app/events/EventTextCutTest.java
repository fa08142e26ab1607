package io.promcc.app.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kubernetes.client.openapi.ApiException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Text cut to a length for an Event or its failure is cut between characters: half of an emoji
 * is sent to the API server, and logged, as "?" (okhttp encodes a lone surrogate so).
 */
class EventTextCutTest {
  private static final String EMOJI = "\uD83D\uDE00";

  @Test
  void anEventMessageIsCutBetweenCharacters() {
    PlannedEvent event = new PlannedEvent("ns", "master", Optional.empty(), "Rejected",
        "a".repeat(1020) + EMOJI + "b".repeat(10), "Rejected");

    String message = event.toEvent(OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
        "replica").getMessage();

    assertEquals("a".repeat(1020) + "...", message);
  }

  @Test
  void theApiServersAnswerToAFailedEventIsCutBetweenCharacters() {
    ApiException e = new ApiException(422, Map.of(),
        "{\"kind\":\"Status\",\"message\":\"" + "a".repeat(299) + EMOJI + "b\"}");

    assertEquals("a".repeat(299) + "...", EventFailures.detail(e));
  }
}
