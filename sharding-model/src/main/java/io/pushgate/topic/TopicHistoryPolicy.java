package io.pushgate.topic;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which topics keep history, from {@code pushgate.topics.history} (reference.conf): a list of rules
 * {@code { app = "*", pattern = "scores.>", size = 100, ttl = 10 minutes }}; the first rule whose
 * app ({@code *}: any) and pattern match decides. Topics matched by no rule keep none.
 */
public final class TopicHistoryPolicy {

  /**
   * How much history one topic keeps: at most {@code size} messages, none older than {@code ttl}.
   */
  public record Retention(int size, Duration ttl) {
    public Retention {
      if (size < 1) throw new IllegalArgumentException("history size must be >= 1");
      if (ttl.isNegative() || ttl.isZero())
        throw new IllegalArgumentException("history ttl must be > 0");
    }
  }

  private record Rule(String app, String pattern, Retention retention) {}

  /** Most messages one topic may keep, whatever a rule says (bounds memory). */
  public static final int MAX_SIZE = 10_000;

  private final List<Rule> rules;

  private TopicHistoryPolicy(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  public static TopicHistoryPolicy none() {
    return new TopicHistoryPolicy(List.of());
  }

  public static TopicHistoryPolicy fromConfig(Config config) {
    List<Rule> rules = new ArrayList<>();
    if (config.hasPath("pushgate.topics.history")) {
      for (Config c : config.getConfigList("pushgate.topics.history")) {
        String pattern = c.getString("pattern");
        if (!TopicName.isValidPattern(pattern)) {
          throw new IllegalArgumentException("pushgate.topics.history: invalid pattern " + pattern);
        }
        int size = c.getInt("size");
        if (size > MAX_SIZE)
          throw new IllegalArgumentException("pushgate.topics.history: size above " + MAX_SIZE);
        rules.add(
            new Rule(
                c.hasPath("app") ? c.getString("app") : "*",
                pattern,
                new Retention(size, c.getDuration("ttl"))));
      }
    }
    return new TopicHistoryPolicy(rules);
  }

  public Optional<Retention> retentionOf(String app, String topic) {
    for (Rule r : rules) {
      if ((r.app().equals("*") || r.app().equals(app)) && TopicName.matches(r.pattern(), topic)) {
        return Optional.of(r.retention());
      }
    }
    return Optional.empty();
  }
}
