package io.pushgate.persistence.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One shared lettuce connection (commands are pipelined over it; lettuce reconnects by itself).
 * Only the async API is exposed: nothing here blocks an actor or a Netty thread. Connecting is lazy
 * and retried on use, so a node starts while Redis is down.
 */
public final class RedisConnection implements AutoCloseable {

  private final RedisClient client;
  private final RedisURI uri;
  private volatile CompletableFuture<StatefulRedisConnection<String, String>> connection;

  public RedisConnection(RedisSettings settings) {
    this.uri = RedisURI.create(settings.uri());
    uri.setTimeout(settings.commandTimeout());
    this.client = RedisClient.create();
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            // commands issued while disconnected fail at once instead of queueing without bound
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()))
            .build());
  }

  /** The async commands, connecting first if needed; fails if Redis cannot be reached. */
  public CompletionStage<RedisAsyncCommands<String, String>> commands() {
    CompletableFuture<StatefulRedisConnection<String, String>> current = connection;
    if (current == null || current.isCompletedExceptionally()) {
      synchronized (this) {
        current = connection;
        if (current == null || current.isCompletedExceptionally()) {
          current = client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
          connection = current;
        }
      }
    }
    return current.thenApply(StatefulRedisConnection::async);
  }

  @Override
  public void close() {
    CompletableFuture<StatefulRedisConnection<String, String>> current = connection;
    if (current != null) current.thenAccept(StatefulRedisConnection::closeAsync);
    client.shutdownAsync();
  }
}
