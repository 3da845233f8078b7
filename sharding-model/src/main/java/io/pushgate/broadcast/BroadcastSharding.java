package io.pushgate.broadcast;

import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/** The sharded entity type of the per-app {@link BroadcastLog}s (entity id: the app id). */
public final class BroadcastSharding {

  public static final EntityTypeKey<BroadcastCommand> TYPE_KEY =
      EntityTypeKey.create(BroadcastCommand.class, "broadcast");

  private BroadcastSharding() {}
}
