package io.pushgate.model;

/** Delivery guarantee of one message. */
public enum Qos {
  /** Never persisted; handed to the attached connection if there is one, dropped otherwise. */
  AT_MOST_ONCE(0),
  /** Persisted before the API answers 202; delivered in order until acked. */
  AT_LEAST_ONCE(1);

  private final int level;

  Qos(int level) {
    this.level = level;
  }

  /** The number used on the wire and in the API ({@code 0} or {@code 1}). */
  public int level() {
    return level;
  }

  public static Qos ofLevel(int level) {
    return switch (level) {
      case 0 -> AT_MOST_ONCE;
      case 1 -> AT_LEAST_ONCE;
      default -> throw new IllegalArgumentException("qos must be 0 or 1, was " + level);
    };
  }
}
