package io.pushgate.topic;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Topic names and the patterns that grant them (docs/protocol.md, "Topics").
 *
 * <p>A topic name is 1..128 characters of {@code [A-Za-z0-9_-]} in segments separated by {@code .}
 * (no empty segment), e.g. {@code scores.nba}. A pattern is a topic name whose segments may be
 * {@code *} (exactly one segment) and whose last segment may be {@code >} (one or more segments),
 * e.g. {@code scores.*} or {@code news.>}; {@code >} alone grants every topic.
 */
public final class TopicName {

  public static final int MAX_LENGTH = 128;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
  private static final Pattern PATTERN =
      Pattern.compile("([A-Za-z0-9_-]+|\\*)(\\.([A-Za-z0-9_-]+|\\*))*(\\.>)?|>");

  /** The rule, for error messages. */
  public static final String RULE =
      "a topic is 1.." + MAX_LENGTH + " characters of [A-Za-z0-9_-] in segments separated by '.'";

  private TopicName() {}

  public static boolean isValid(String topic) {
    return topic != null
        && !topic.isEmpty()
        && topic.length() <= MAX_LENGTH
        && NAME.matcher(topic).matches();
  }

  public static boolean isValidPattern(String pattern) {
    return pattern != null
        && !pattern.isEmpty()
        && pattern.length() <= MAX_LENGTH
        && PATTERN.matcher(pattern).matches();
  }

  /** Whether {@code pattern} grants {@code topic} (both assumed valid). */
  public static boolean matches(String pattern, String topic) {
    String[] p = pattern.split("\\.");
    String[] t = topic.split("\\.");
    for (int i = 0; i < p.length; i++) {
      if (p[i].equals(">")) return t.length > i;
      if (i >= t.length) return false;
      if (!p[i].equals("*") && !p[i].equals(t[i])) return false;
    }
    return p.length == t.length;
  }

  /** Whether any of {@code patterns} grants {@code topic}. */
  public static boolean anyMatches(List<String> patterns, String topic) {
    for (String p : patterns) if (matches(p, topic)) return true;
    return false;
  }
}
