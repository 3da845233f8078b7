package io.pushgate.api.ratelimit;

import static io.pushgate.concurrent.Continuations.SAME_THREAD;

import com.typesafe.config.Config;
import io.pushgate.model.App;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Serves most sends of an app from tokens this node leased in advance from the shared limiter, so
 * the shared limiter (a Redis round trip) is asked about once per lease instead of once per send:
 * 745 Redis calls for 68,288 sends in a benchmark run (docs/benchmarks.md).
 *
 * <p>How: when an app's local lease cannot pay for a send, the node asks the shared limiter for
 * {@link #leaseSize(App) a lease}: the send's cost plus spare tokens. If the shared limiter grants
 * it, the spare tokens serve the next sends locally for up to {@code lease-ttl}; if it refuses (the
 * app is near its limit), the node asks for exactly the send's cost, so near the limit the decision
 * is the shared limiter's own. Sends costing a lease or more, and apps whose rate or burst is too
 * small to lease (lease size 1), always ask the shared limiter.
 *
 * <p>Contract: the cluster-wide limit still holds, since every leased token was taken from the
 * shared bucket. The price is under-admission: spare tokens a node does not use within {@code
 * lease-ttl} are lost, at most one lease per concurrent lease request per node and lease-ttl. At
 * most one lease request per app is in flight per node: sends that find the lease empty while one
 * is being taken wait for it (a burst of 1,000 sends costs 10 leases, not 1,000). The lease size is
 * {@code min(max-lease-tokens, rate / 100, burst / 10)} tokens: at most 1 % of an app's rate per
 * lease.
 */
public final class LeasingSendRateLimiter implements SendRateLimiter {

  private final SendRateLimiter shared;
  private final int maxLeaseTokens;
  private final long leaseTtlNanos;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();

  /** Spare tokens of one app on this node; guarded by its own monitor. */
  private static final class Lease {
    long tokens;
    long expiresAtNanos;

    /** The last lease came from the shared limiter's per-node fallback (Redis unreachable). */
    boolean local;

    /** A lease request in flight (completes with whether it was granted), or null. */
    CompletableFuture<Boolean> pending;
  }

  public LeasingSendRateLimiter(SendRateLimiter shared, int maxLeaseTokens, Duration leaseTtl) {
    this(shared, maxLeaseTokens, leaseTtl, System::nanoTime);
  }

  /** Leases configured by {@code pushgate.api.rate-limit} (max-lease-tokens, lease-ttl). */
  public static LeasingSendRateLimiter fromConfig(SendRateLimiter shared, Config config) {
    Config c = config.getConfig("pushgate.api.rate-limit");
    return new LeasingSendRateLimiter(
        shared, c.getInt("max-lease-tokens"), c.getDuration("lease-ttl"));
  }

  LeasingSendRateLimiter(
      SendRateLimiter shared, int maxLeaseTokens, Duration leaseTtl, LongSupplier nanoTime) {
    if (maxLeaseTokens < 1)
      throw new IllegalArgumentException("max-lease-tokens must be at least 1");
    this.shared = shared;
    this.maxLeaseTokens = maxLeaseTokens;
    this.leaseTtlNanos = leaseTtl.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Tokens taken from the shared limiter per lease for {@code app}; 1 means no leasing. */
  int leaseSize(App app) {
    long size =
        Math.min(
            maxLeaseTokens,
            Math.min(app.limits().sendRate() / 100L, app.limits().sendBurst() / 10L));
    return (int) Math.max(1, size);
  }

  @Override
  public CompletionStage<RateDecision> acquire(App app, int cost) {
    int size = leaseSize(app);
    if (cost >= size) return shared.acquire(app, cost);
    Lease lease = leases.computeIfAbsent(app.id(), id -> new Lease());
    CompletableFuture<Boolean> inFlight;
    synchronized (lease) {
      if (lease.expiresAtNanos - nanoTime.getAsLong() > 0 && lease.tokens >= cost) {
        lease.tokens -= cost;
        return CompletableFuture.completedFuture(
            lease.local ? RateDecision.ALLOWED_LOCALLY : RateDecision.ALLOWED);
      }
      inFlight = lease.pending;
      if (inFlight == null) lease.pending = new CompletableFuture<>();
    }
    if (inFlight != null) {
      // another send of this app is leasing on this node: wait for its lease instead of taking
      // one more from the shared bucket (a burst would otherwise lease once per waiting send and
      // empty the bucket far below the app's rate); if it was refused, ask for the exact cost
      return inFlight.thenComposeAsync(
          granted -> granted ? acquire(app, cost) : shared.acquire(app, cost), SAME_THREAD);
    }
    return shared
        .acquire(app, size)
        .handle(
            (decision, error) -> {
              boolean granted = error == null && decision.allowed();
              CompletableFuture<Boolean> leased;
              synchronized (lease) {
                if (granted) {
                  long now = nanoTime.getAsLong();
                  if (lease.expiresAtNanos - now <= 0) lease.tokens = 0;
                  lease.tokens += size - cost;
                  lease.expiresAtNanos = now + leaseTtlNanos;
                  lease.local = decision.servedLocally();
                }
                leased = lease.pending;
                lease.pending = null;
              }
              leased.complete(granted); // the waiting sends go on, on this thread
              if (error != null) return CompletableFuture.<RateDecision>failedFuture(error);
              if (!granted) return shared.acquire(app, cost);
              return CompletableFuture.completedFuture(
                  decision.servedLocally() ? RateDecision.ALLOWED_LOCALLY : RateDecision.ALLOWED);
            })
        .thenCompose(decision -> decision);
  }
}
