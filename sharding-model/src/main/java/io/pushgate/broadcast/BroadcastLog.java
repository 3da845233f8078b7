package io.pushgate.broadcast;

import io.pushgate.broadcast.BroadcastCommand.BroadcastInfo;
import io.pushgate.broadcast.BroadcastCommand.CountAcks;
import io.pushgate.broadcast.BroadcastCommand.Entries;
import io.pushgate.broadcast.BroadcastCommand.GetHead;
import io.pushgate.broadcast.BroadcastCommand.GetInfo;
import io.pushgate.broadcast.BroadcastCommand.GetSince;
import io.pushgate.broadcast.BroadcastCommand.Head;
import io.pushgate.broadcast.BroadcastCommand.Publish;
import io.pushgate.broadcast.BroadcastCommand.PublishResult;
import io.pushgate.broadcast.BroadcastEvent.BroadcastPublished;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The broadcast log of one app: assigns each QoS 1 broadcast the next bseq and persists it as one
 * journal row, whatever the number of users. Sessions keep a cumulative cursor into this log and
 * read the entries from their node's {@link BroadcastReplica}; this entity is their source of truth
 * when a replica starts or finds a gap.
 *
 * <p>Contracts: {@code PUBLISHED} is replied only after the event is persisted; bseq values are
 * dense (1, 2, 3, ...); at most {@link BroadcastSettings#maxLive()} live entries, past which a
 * publish is refused ({@code LOG_FULL}) without writing; after each persisted publish the entry is
 * announced through {@code announce} (cluster pub/sub, at most once: replicas that miss it catch up
 * through {@link GetSince}). Ack counts are kept in memory only.
 */
public final class BroadcastLog
    extends EventSourcedBehavior<BroadcastCommand, BroadcastEvent, BroadcastLogState> {

  private final BroadcastSettings settings;
  private final Clock clock;
  private final Consumer<BroadcastEntry> announce;
  private final Map<Long, Long> ackedByBseq = new HashMap<>();

  private BroadcastLog(
      String app, BroadcastSettings settings, Clock clock, Consumer<BroadcastEntry> announce) {
    super(PersistenceId.of(BroadcastSharding.TYPE_KEY.name(), app));
    this.settings = settings;
    this.clock = clock;
    this.announce = announce;
  }

  /**
   * @param announce called after each persisted publish, on the entity's thread; must not block
   */
  public static Behavior<BroadcastCommand> create(
      String app, BroadcastSettings settings, Clock clock, Consumer<BroadcastEntry> announce) {
    return Behaviors.setup(ctx -> new BroadcastLog(app, settings, clock, announce));
  }

  @Override
  public BroadcastLogState emptyState() {
    return new BroadcastLogState();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2)
        .withDeleteEventsOnSnapshot();
  }

  @Override
  public CommandHandler<BroadcastCommand, BroadcastEvent, BroadcastLogState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Publish.class, this::onPublish)
        .onCommand(
            GetHead.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new Head(state.head())))
        .onCommand(
            GetSince.class,
            (state, cmd) ->
                Effect()
                    .reply(
                        cmd.replyTo(),
                        new Entries(state.head(), state.since(cmd.afterBseq(), clock.millis()))))
        .onCommand(
            GetInfo.class, (state, cmd) -> Effect().reply(cmd.replyTo(), info(state, cmd.id())))
        .onCommand(CountAcks.class, (state, cmd) -> onCountAcks(state, cmd))
        .onCommand(BroadcastCommand.Passivate.class, (state, cmd) -> Effect().stop())
        .build();
  }

  @Override
  public EventHandler<BroadcastLogState, BroadcastEvent> eventHandler() {
    int maxEnded = settings.maxEnded();
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent((state, event) -> state.apply(event, maxEnded));
  }

  private Effect<BroadcastEvent, BroadcastLogState> onPublish(
      BroadcastLogState state, Publish cmd) {
    long now = clock.millis();
    Optional<BroadcastEntry> replaced =
        state.liveByCollapseKey(cmd.collapseKey()).filter(e -> !e.isExpired(now));
    int liveAfter = state.liveCount(now) + 1 - (replaced.isPresent() ? 1 : 0);
    if (liveAfter > settings.maxLive()) {
      return Effect()
          .reply(cmd.replyTo(), new PublishResult(PublishResult.Outcome.LOG_FULL, 0, null));
    }
    BroadcastEntry entry =
        new BroadcastEntry(
            state.head() + 1,
            cmd.id(),
            cmd.data(),
            cmd.sentAtMillis(),
            cmd.expiresAtMillis(),
            cmd.collapseKey());
    String replacedId = replaced.map(BroadcastEntry::id).orElse(null);
    return Effect()
        .persist(new BroadcastPublished(entry))
        .thenRun(s -> announce.accept(entry))
        .thenReply(
            cmd.replyTo(),
            s -> new PublishResult(PublishResult.Outcome.PUBLISHED, entry.bseq(), replacedId));
  }

  private Effect<BroadcastEvent, BroadcastLogState> onCountAcks(
      BroadcastLogState state, CountAcks cmd) {
    cmd.ackedByBseq()
        .forEach(
            (bseq, n) -> {
              if (bseq >= 1 && bseq <= state.head() && n > 0) ackedByBseq.merge(bseq, n, Long::sum);
            });
    // forget counts of entries no longer live, so the map stays bounded by max-live
    ackedByBseq.keySet().removeIf(bseq -> !state.isLive(bseq));
    return Effect().none();
  }

  private BroadcastInfo info(BroadcastLogState state, String id) {
    long now = clock.millis();
    Optional<BroadcastEntry> live = state.liveById(id);
    if (live.isPresent()) {
      BroadcastEntry e = live.get();
      String fate = e.isExpired(now) ? "expired" : "live";
      return new BroadcastInfo(
          id,
          fate,
          e.bseq(),
          e.sentAtMillis(),
          e.expiresAtMillis(),
          ackedByBseq.getOrDefault(e.bseq(), 0L));
    }
    return state
        .endedById(id)
        .map(
            e ->
                new BroadcastInfo(id, e.fate(), e.bseq(), e.sentAtMillis(), e.expiresAtMillis(), 0))
        .orElseGet(() -> new BroadcastInfo(id, "unknown", 0, 0, 0, 0));
  }
}
