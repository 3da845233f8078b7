package io.pushgate.api.dto;

import com.fasterxml.jackson.annotation.JsonValue;
import io.pushgate.session.SessionCommand.EnqueueResult.Outcome;
import java.util.Locale;

/** What happened to a message for one recipient, as reported by the messages endpoint. */
public enum RecipientStatus {
  /** QoS 1: persisted in the session; will be delivered until acked. Has a {@code seq}. */
  QUEUED(true),
  /** QoS 0: handed to the user's connection. */
  DELIVERED(true),
  /** QoS 0: the user has no connection; dropped (this is what QoS 0 means). */
  OFFLINE(true),
  /** QoS 1: the session holds its maximum of unacked messages; not stored. */
  QUEUE_FULL(false),
  /** The session did not answer in time; the message may or may not have been stored. */
  UNAVAILABLE(false);

  private final boolean accepted;

  RecipientStatus(boolean accepted) {
    this.accepted = accepted;
  }

  /** True if the message was handled as its QoS promises (a 202 requires this for everyone). */
  public boolean accepted() {
    return accepted;
  }

  /** The wire value, e.g. {@code "queue_full"}. */
  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RecipientStatus of(Outcome outcome) {
    return switch (outcome) {
      case QUEUED -> QUEUED;
      case DELIVERED -> DELIVERED;
      case OFFLINE -> OFFLINE;
      case QUEUE_FULL -> QUEUE_FULL;
    };
  }
}
