package io.pushgate.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.testsupport.WsTestClient;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A user's client that behaves as the protocol asks, across reconnects: each connection is a {@link
 * WsTestClient} in its acking mode; this records what every connection received, checks that seqs
 * on one connection strictly increase, and says whether its socket is still open so the test can
 * reconnect it (through dispatch). Thread-safe.
 */
final class AckingClient {

  final String user;
  final Set<String> received = ConcurrentHashMap.newKeySet();
  final AtomicInteger pushes = new AtomicInteger();
  final List<String> orderViolations = new CopyOnWriteArrayList<>();

  /** Every seq received (redeliveries of these may repeat them). */
  private final Set<Long> seenSeqs = ConcurrentHashMap.newKeySet();

  /** Every push received, in order, tagged with the {@link #epoch} at receipt. */
  final List<Received> log = new CopyOnWriteArrayList<>();

  /** Set by the test to tell pushes before and after an event (e.g. a node restart) apart. */
  volatile int epoch;

  record Received(int epoch, long seq, String id) {}

  private volatile WsTestClient socket;

  AckingClient(String user) {
    this.user = user;
  }

  boolean connected() {
    WsTestClient current = socket;
    return current != null && !current.isClosed();
  }

  /** Connects to {@code endpoint}, says hello and waits for welcome; false if that failed. */
  boolean connect(String endpoint, String token) {
    AtomicLong lastSeq = new AtomicLong();
    WsTestClient client = null;
    try {
      client = WsTestClient.connectAcking(URI.create(endpoint), push -> onPush(push, lastSeq));
      socket = client;
      client.hello("demo", token, 30);
      client.next("welcome");
      return true;
    } catch (Exception | AssertionError e) {
      if (client != null) client.abort();
      return false;
    }
  }

  /** A push, already acked by the client: recorded and checked for order. */
  private void onPush(JsonNode frame, AtomicLong lastSeq) {
    long seq = frame.path("seq").asLong();
    // a redelivery (a seq this client had, e.g. its ack was not written yet when the session's
    // node died: lazy acks, docs/protocol.md) may repeat; a seq never seen must come in order
    if (seq <= lastSeq.get() && !seenSeqs.contains(seq)) {
      orderViolations.add(user + ": seq " + seq + " after " + lastSeq.get());
    }
    seenSeqs.add(seq);
    lastSeq.set(seq);
    received.add(frame.path("id").asText());
    log.add(new Received(epoch, seq, frame.path("id").asText()));
    pushes.incrementAndGet();
  }

  void abort() {
    WsTestClient current = socket;
    if (current != null) current.abort();
  }
}
