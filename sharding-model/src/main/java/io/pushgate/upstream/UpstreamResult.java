package io.pushgate.upstream;

/** What became of an {@link UpstreamRequest}; each maps to one client answer (docs/protocol.md). */
public sealed interface UpstreamResult {

  /**
   * The backend answered 2xx.
   *
   * @param replyId the message id of the backend's reply, queued to the user as a QoS 1 push, or
   *     null if it sent none
   * @param replyError why a reply the backend sent was not delivered (e.g. too large), or null
   */
  record Ok(String replyId, String replyError) implements UpstreamResult {}

  /** The backend answered with a non-2xx status. */
  record Rejected(int status) implements UpstreamResult {}

  /** The backend could not be reached or did not answer in time, or its circuit is open. */
  record Unavailable(String reason) implements UpstreamResult {}

  /** The app accepts no upstream data of this type. */
  record NotAllowed() implements UpstreamResult {}

  /** Too many upstream requests of the app in flight on this node. */
  record Busy() implements UpstreamResult {}
}
