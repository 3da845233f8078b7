package io.pushgate.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * Body of the messages endpoint's 202 and 207 responses.
 *
 * @param id         the message id, shared by all recipients
 * @param recipients one entry per distinct recipient, in request order
 */
public record SendMessageResponse(String id, List<Recipient> recipients) {

  public SendMessageResponse {
    recipients = List.copyOf(recipients);
  }

  /**
   * @param seq      the session sequence number when {@code status} is {@code queued}, else null
   * @param replaced the id of the pending message this one replaced (collapse key), else null
   * @param dropped  ids of pending messages dropped to make room (overflow drop-oldest), else null
   */
  public record Recipient(String user, RecipientStatus status, Long seq, String replaced, List<String> dropped) {

    public Recipient(String user, RecipientStatus status, Long seq) {
      this(user, status, seq, null, null);
    }
  }

  /** True if every recipient accepted the message (the request is answered 202, else 207). */
  @JsonIgnore
  public boolean allAccepted() {
    return recipients.stream().allMatch(r -> r.status().accepted());
  }

  /** True if no recipient answered in time (the request is answered 503 unavailable). */
  @JsonIgnore
  public boolean allUnavailable() {
    return recipients.stream().allMatch(r -> r.status() == RecipientStatus.UNAVAILABLE);
  }
}
