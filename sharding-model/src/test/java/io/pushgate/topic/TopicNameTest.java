package io.pushgate.topic;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The documented topic name rule and the grant patterns of the token's topics claim. */
class TopicNameTest {

  @Test
  void namesAreDotSeparatedSegmentsOfTheDocumentedCharacters() {
    assertTrue(TopicName.isValid("scores.nba"));
    assertTrue(TopicName.isValid("a_b-c.D9"));
    assertFalse(TopicName.isValid(""));
    assertFalse(TopicName.isValid("a..b"));
    assertFalse(TopicName.isValid(".a"));
    assertFalse(TopicName.isValid("a b"));
    assertFalse(TopicName.isValid("scores.*"), "a wildcard is a pattern, not a name");
    assertFalse(TopicName.isValid("x".repeat(TopicName.MAX_LENGTH + 1)));
    assertTrue(TopicName.isValid("x".repeat(TopicName.MAX_LENGTH)));
  }

  @Test
  void starMatchesOneSegmentAndTrailingGreaterThanTheRest() {
    assertTrue(TopicName.matches("scores.*", "scores.nba"));
    assertFalse(TopicName.matches("scores.*", "scores"));
    assertFalse(TopicName.matches("scores.*", "scores.nba.live"));
    assertTrue(TopicName.matches("news.>", "news.tech.ai"));
    assertFalse(TopicName.matches("news.>", "news"));
    assertTrue(TopicName.matches(">", "anything.at.all"));
    assertTrue(TopicName.matches("a.b", "a.b"));
    assertFalse(TopicName.matches("a.b", "a.c"));
  }

  @Test
  void patternsAreValidatedToo() {
    assertTrue(TopicName.isValidPattern("scores.*"));
    assertTrue(TopicName.isValidPattern("*.live.>"));
    assertTrue(TopicName.isValidPattern(">"));
    assertFalse(TopicName.isValidPattern("a.>.b"), "> only last");
    assertFalse(TopicName.isValidPattern("a..b"));
    assertFalse(TopicName.isValidPattern("sc*res"));
  }
}
