package io.pushgate.session;

import io.pushgate.broadcast.BroadcastEntry;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a session needs of its app's broadcasts: the entries its node knows, and a way to be told
 * when there are new ones. Implemented on a node by {@link io.pushgate.broadcast.Broadcasts}; every
 * method is non-blocking and safe to call from the entity.
 */
public interface SessionBroadcasts {

  /**
   * The live broadcasts of {@code app} with bseq greater than {@code bseq}, in bseq order, as this
   * node knows them (possibly behind the log by the time a notification takes; never with gaps that
   * are not expiries or replacements). Expired entries may be included; callers skip them.
   */
  List<BroadcastEntry> after(String app, long bseq);

  /** The session is attached: send it {@link SessionCommand.BroadcastsAvailable} on news. */
  void attached(String app, ActorRef<SessionCommand> session);

  /** The session has no connection any more: no more notifications. */
  void detached(String app, ActorRef<SessionCommand> session);

  /**
   * The session persisted an ack of the app's broadcasts in {@code (fromBseq, toBseq]} (for status
   * counts).
   */
  void acked(String app, long fromBseq, long toBseq);

  /** No broadcasts at all (tests of unrelated behaviour). */
  static SessionBroadcasts none() {
    return new SessionBroadcasts() {
      @Override
      public List<BroadcastEntry> after(String app, long bseq) {
        return List.of();
      }

      @Override
      public void attached(String app, ActorRef<SessionCommand> session) {}

      @Override
      public void detached(String app, ActorRef<SessionCommand> session) {}

      @Override
      public void acked(String app, long fromBseq, long toBseq) {}
    };
  }
}
