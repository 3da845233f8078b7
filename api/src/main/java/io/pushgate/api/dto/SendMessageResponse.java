package io.pushgate.api.dto;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Body of the messages endpoint's 202 and 207 responses.
 *
 * @param id the message id, shared by all recipients
 * @param recipients one entry per distinct recipient, in request order (empty for a paced send)
 * @param paced set when the send was accepted into the paced send queue, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SendMessageResponse(String id, List<Recipient> recipients, Paced paced) {

  public SendMessageResponse {
    recipients = List.copyOf(recipients);
  }

  public SendMessageResponse(String id, List<Recipient> recipients) {
    this(id, recipients, null);
  }

  /**
   * A multicast above the app's send rate, accepted into its paced send queue (stored): it reaches
   * its {@code recipients} at the app's rate, after the {@code queuedAhead} recipients queued
   * before it.
   */
  public record Paced(int recipients, long queuedAhead) {}

  public static SendMessageResponse paced(String id, int recipients, long queuedAhead) {
    return new SendMessageResponse(id, List.of(), new Paced(recipients, queuedAhead));
  }

  /**
   * @param seq the session sequence number when {@code status} is {@code queued}, else null
   * @param replaced the id of the pending message this one replaced (collapse key), else null
   * @param dropped ids of pending messages dropped to make room (overflow drop-oldest), else null
   */
  public record Recipient(
      String user, RecipientStatus status, Long seq, String replaced, List<String> dropped) {

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
    return paced == null
        && recipients.stream().allMatch(r -> r.status() == RecipientStatus.UNAVAILABLE);
  }
}
