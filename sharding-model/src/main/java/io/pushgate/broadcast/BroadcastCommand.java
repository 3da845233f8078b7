package io.pushgate.broadcast;

import io.pushgate.model.CborSerializable;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/** Everything an app's {@link BroadcastLog} accepts. Sent through sharding. */
public sealed interface BroadcastCommand extends CborSerializable {

  /**
   * Append one broadcast. The reply comes after the entry is persisted, so {@code PUBLISHED} means
   * durable; every node's replica then learns of it through the cluster.
   */
  record Publish(
      String id,
      String data,
      long sentAtMillis,
      long expiresAtMillis,
      String collapseKey,
      ActorRef<PublishResult> replyTo)
      implements BroadcastCommand {}

  /** The log's head: the bseq of its latest broadcast (0 if none). */
  record GetHead(ActorRef<Head> replyTo) implements BroadcastCommand {}

  /** Live entries with bseq greater than {@code afterBseq}, in order, and the head. */
  record GetSince(long afterBseq, ActorRef<Entries> replyTo) implements BroadcastCommand {}

  /** What is known of one broadcast. */
  record GetInfo(String id, ActorRef<BroadcastInfo> replyTo) implements BroadcastCommand {}

  /**
   * Sessions of one node acked these broadcasts ({@code bseq -> number of sessions}) since the
   * node's previous report. Counted in memory only: the figure is an estimate.
   */
  record CountAcks(Map<Long, Long> ackedByBseq) implements BroadcastCommand {
    public CountAcks {
      ackedByBseq = Map.copyOf(ackedByBseq);
    }
  }

  /** Stop message used by sharding for passivation and rebalance hand-off. */
  enum Passivate implements BroadcastCommand {
    INSTANCE
  }

  /** Reply to {@link Publish}. */
  record PublishResult(Outcome outcome, long bseq, String replacedId) implements CborSerializable {
    public enum Outcome {
      /** Persisted at {@code bseq}. */
      PUBLISHED,
      /** The app already has {@code max-live} live broadcasts; nothing was stored. */
      LOG_FULL
    }
  }

  /** Reply to {@link GetHead}. */
  record Head(long bseq) implements CborSerializable {}

  /**
   * Reply to {@link GetSince}: {@code entries} are live (not expired, not replaced) and in order.
   */
  record Entries(long head, List<BroadcastEntry> entries) implements CborSerializable {
    public Entries {
      entries = List.copyOf(entries);
    }
  }

  /**
   * Reply to {@link GetInfo}.
   *
   * @param fate {@code live}, {@code expired}, {@code replaced} or {@code unknown}
   * @param ackedSessions sessions that acked it, as reported by the nodes since this log last
   *     started (an estimate: it lags by up to one report interval and starts again from 0 when the
   *     log moves or restarts)
   */
  record BroadcastInfo(
      String id,
      String fate,
      long bseq,
      long sentAtMillis,
      long expiresAtMillis,
      long ackedSessions)
      implements CborSerializable {}
}
