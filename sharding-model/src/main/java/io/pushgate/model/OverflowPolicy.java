package io.pushgate.model;

/** What a session does with a new QoS 1 message when its queue is at a limit. */
public enum OverflowPolicy {
  /** Refuse the new message ({@code QUEUE_FULL}); what is queued stays. The default. */
  REJECT,
  /** Drop the oldest pending messages to make room; each dropped one is reported. */
  DROP_OLDEST;

  /** Parses the config/API spelling: {@code reject} or {@code drop-oldest}. */
  public static OverflowPolicy parse(String value) {
    return switch (value) {
      case "reject" -> REJECT;
      case "drop-oldest" -> DROP_OLDEST;
      default ->
          throw new IllegalArgumentException(
              "overflow must be 'reject' or 'drop-oldest', was '" + value + "'");
    };
  }
}
