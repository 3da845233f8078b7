package io.pushgate.gateway;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The access policy at the door (docs/protocol.md, "Access policy"): per source IP, an optional
 * allow list and deny list of CIDR ranges (Netty's {@link IpSubnetFilterRule}), a bound on open
 * WebSocket connections and a token bucket on WebSocket handshakes. Checked when a client asks for
 * the upgrade, before anything else is spent on it.
 *
 * <p>Thread-safe: one instance per gateway server, shared by every event loop; each source's
 * counters change atomically ({@link ConcurrentHashMap#compute}). At most {@code maxTrackedSources}
 * sources are tracked; a source with no connection and a full bucket is forgotten in a sweep (at
 * most one a second), and when the map is still full, new sources are refused with {@link
 * Refusal#TOO_MANY_SOURCES}: memory stays bounded whatever the number of addresses.
 */
public final class SourceAccess {

  /**
   * {@code pushgate.gateway.access}.
   *
   * @param maxConnectionsPerSource open WebSocket connections per source IP (0: no limit)
   * @param handshakeRate WebSocket handshakes per second per source IP (0: no limit)
   * @param handshakeBurst handshakes at once per source IP
   * @param allow CIDR ranges ({@code 10.0.0.0/8}, {@code ::1/128}, or one address); empty: every
   *     source not denied
   * @param deny CIDR ranges refused, checked after allow
   * @param maxTrackedSources source IPs counted at once
   */
  public record Settings(
      int maxConnectionsPerSource,
      int handshakeRate,
      int handshakeBurst,
      List<String> allow,
      List<String> deny,
      int maxTrackedSources) {
    public Settings {
      if (maxConnectionsPerSource < 0 || handshakeRate < 0 || handshakeBurst < 0) {
        throw new IllegalArgumentException("pushgate.gateway.access limits must be >= 0");
      }
      if (handshakeRate > 0 && handshakeBurst < 1) {
        throw new IllegalArgumentException(
            "pushgate.gateway.access.handshake-burst must be >= 1 with a handshake-rate");
      }
      if (maxTrackedSources < 1)
        throw new IllegalArgumentException(
            "pushgate.gateway.access.max-tracked-sources must be >= 1");
      allow = List.copyOf(allow);
      deny = List.copyOf(deny);
    }

    /** No limits, no lists. */
    public static final Settings OPEN = new Settings(0, 0, 0, List.of(), List.of(), 100_000);

    boolean counts() {
      return maxConnectionsPerSource > 0 || handshakeRate > 0;
    }
  }

  /** Why a source was refused; each maps to one documented HTTP answer. */
  public enum Refusal {
    /** Not in the allow list, or in the deny list: 403 {@code forbidden}. */
    DENIED,
    /** {@code max-connections-per-source} open already: 429 {@code too_many_connections}. */
    TOO_MANY_CONNECTIONS,
    /** Over the handshake rate: 429 {@code rate_limited}. */
    HANDSHAKE_RATE,
    /** {@code max-tracked-sources} distinct sources counted at once: 503 {@code overloaded}. */
    TOO_MANY_SOURCES
  }

  private static final class Source {
    int connections;
    double tokens;
    long lastNanos;
  }

  private static final long SWEEP_EVERY_NANOS = 1_000_000_000L;

  private final Settings settings;
  private final List<IpSubnetFilterRule> allow;
  private final List<IpSubnetFilterRule> deny;
  private final ConcurrentHashMap<InetAddress, Source> sources = new ConcurrentHashMap<>();
  private final AtomicLong lastSweep = new AtomicLong();

  /**
   * @throws IllegalArgumentException naming the entry, for a range that is not a CIDR
   */
  public SourceAccess(Settings settings) {
    this.settings = settings;
    this.allow = settings.allow().stream().map(c -> rule(c, "allow")).toList();
    this.deny = settings.deny().stream().map(c -> rule(c, "deny")).toList();
  }

  /**
   * Admits one more connection from {@code address} (then the caller must {@link #release} it when
   * it closes) or says why not.
   *
   * @return null if admitted
   */
  public Refusal admit(InetSocketAddress address, long nowNanos) {
    if (!allow.isEmpty() && allow.stream().noneMatch(r -> r.matches(address)))
      return Refusal.DENIED;
    if (deny.stream().anyMatch(r -> r.matches(address))) return Refusal.DENIED;
    if (!settings.counts()) return null;
    InetAddress ip = address.getAddress();
    if (!sources.containsKey(ip) && sources.size() >= settings.maxTrackedSources()) {
      sweep(nowNanos);
      if (sources.size() >= settings.maxTrackedSources()) return Refusal.TOO_MANY_SOURCES;
    }
    Refusal[] refusal = new Refusal[1];
    sources.compute(
        ip,
        (key, s) -> {
          if (s == null) {
            s = new Source();
            s.tokens = settings.handshakeBurst();
            s.lastNanos = nowNanos;
          }
          refill(s, nowNanos);
          if (settings.handshakeRate() > 0 && s.tokens < 1) {
            refusal[0] = Refusal.HANDSHAKE_RATE;
          } else if (settings.maxConnectionsPerSource() > 0
              && s.connections >= settings.maxConnectionsPerSource()) {
            refusal[0] = Refusal.TOO_MANY_CONNECTIONS;
          } else {
            if (settings.handshakeRate() > 0) s.tokens -= 1;
            s.connections++;
          }
          return s;
        });
    return refusal[0];
  }

  /** True if admitted connections must be {@link #release}d (a per-source limit is on). */
  public boolean tracksSources() {
    return settings.counts();
  }

  /** A connection admitted from {@code address} closed. */
  public void release(InetSocketAddress address) {
    if (!settings.counts()) return;
    sources.computeIfPresent(
        address.getAddress(),
        (key, s) -> {
          s.connections = Math.max(0, s.connections - 1);
          return s;
        });
  }

  /** Sources counted now (for tests and monitoring). */
  public int trackedSources() {
    return sources.size();
  }

  private void refill(Source s, long nowNanos) {
    if (settings.handshakeRate() <= 0) return;
    double elapsed = Math.max(0, nowNanos - s.lastNanos) / 1e9;
    s.tokens = Math.min(settings.handshakeBurst(), s.tokens + elapsed * settings.handshakeRate());
    s.lastNanos = nowNanos;
  }

  /** Forgets sources without connections whose bucket is full again (at most once a second). */
  private void sweep(long nowNanos) {
    long last = lastSweep.get();
    if (nowNanos - last < SWEEP_EVERY_NANOS && last != 0) return;
    if (!lastSweep.compareAndSet(last, nowNanos)) return;
    sources.forEach(
        (ip, ignored) ->
            sources.computeIfPresent(
                ip,
                (key, s) -> {
                  refill(s, nowNanos);
                  boolean idle =
                      s.connections == 0
                          && (settings.handshakeRate() <= 0
                              || s.tokens >= settings.handshakeBurst());
                  return idle ? null : s;
                }));
  }

  private static IpSubnetFilterRule rule(String cidr, String list) {
    String c = cidr.trim();
    int slash = c.indexOf('/');
    String ip = slash < 0 ? c : c.substring(0, slash);
    InetAddress address =
        NetUtil.isValidIpV4Address(ip) || NetUtil.isValidIpV6Address(ip)
            ? NetUtil.createInetAddressFromIpAddressString(ip) // a literal: never a DNS lookup
            : null;
    int bits = address == null ? 0 : address.getAddress().length * 8;
    int prefix = -1;
    try {
      prefix = slash < 0 ? bits : Integer.parseInt(c.substring(slash + 1));
    } catch (NumberFormatException e) {
      // reported below
    }
    if (address == null || prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException(
          "pushgate.gateway.access."
              + list
              + ": \""
              + cidr
              + "\" is not an address or CIDR range (e.g. 10.0.0.0/8)");
    }
    return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
  }
}
