package io.pushgate.node;

import static io.pushgate.node.TestNodes.APP;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pushgate.testsupport.ApiTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * QoS 1 traffic through one node process while faults are injected (its storage frozen, stopped,
 * killed): {@code USERS} acking clients that reconnect like real ones, {@code SENDERS} threads
 * posting messages round-robin (every other one with an Idempotency-Key), and per fault what the
 * API, {@code /ready} and the log did ({@link #inject}). {@link #finish} waits until every message
 * answered 202 has reached its client and prints the table of outcomes.
 */
final class FaultDrill {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final int USERS = 6;
  static final int SENDERS = 4;

  /** The node whose /ready and log are watched; the first of {@link #nodes}. */
  private final NodeProcess node;

  private final List<NodeProcess> nodes;

  /** One API client per node: senders spread their sends over them. */
  private final List<ApiTestClient> apis;

  private final ApiTestClient api;
  private final Duration faultDuration;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<AckingClient> clients = new ArrayList<>();
  private final Map<String, Set<String>> accepted = new ConcurrentHashMap<>();
  private final List<Sent> sent = new CopyOnWriteArrayList<>();

  /** Start times (nanos) of the sends not answered yet. */
  private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();

  private final AtomicBoolean sending = new AtomicBoolean(true);

  /**
   * Clients reconnect until the drill is over, after the senders stopped: what was accepted must
   * still arrive.
   */
  private final AtomicBoolean reconnecting = new AtomicBoolean(true);

  private ExecutorService senders;
  private Thread reconnector;
  private final List<String> report = new ArrayList<>();
  private final AtomicInteger reconnects = new AtomicInteger();

  /** Names this run's users and idempotency keys: a shared Redis keeps keys of earlier runs. */
  private final String run = UUID.randomUUID().toString().substring(0, 6);

  /** One API call of the senders: when it was sent and answered, and how. */
  record Sent(long sentNanos, long answeredNanos, boolean idempotent, int status, String code) {}

  /**
   * @param fault how long each fault is held
   */
  FaultDrill(NodeProcess node, Duration fault) {
    this(List.of(node), fault);
  }

  /**
   * Traffic through every node of a cluster: clients connect to the nodes in turn and reconnect to
   * the next one; sends go to the nodes' APIs in turn. {@code /ready} and the log of the first node
   * are watched.
   */
  FaultDrill(List<NodeProcess> nodes, Duration fault) {
    this.nodes = List.copyOf(nodes);
    this.node = this.nodes.get(0);
    this.faultDuration = fault;
    this.apis =
        this.nodes.stream()
            .map(n -> ApiTestClient.node(n.apiHostPort(), TestNodes.API_KEY))
            .toList();
    this.api = apis.get(0);
  }

  /** The client endpoint of node {@code i} modulo the cluster's size. */
  private String endpoint(int i) {
    return nodes.get(Math.floorMod(i, nodes.size())).endpoint();
  }

  /** Connects the clients and starts the senders; returns once 20 sends were accepted. */
  FaultDrill start() throws Exception {
    for (int i = 0; i < USERS; i++) {
      AckingClient c = new AckingClient("fault-" + run + "-" + i);
      assertTrue(c.connect(endpoint(i), api.token(APP, c.user)), "client " + i + " connects");
      clients.add(c);
    }
    Map<String, String> tokens = new ConcurrentHashMap<>();
    for (AckingClient c : clients) tokens.put(c.user, api.token(APP, c.user));
    senders = Executors.newFixedThreadPool(SENDERS);
    AtomicInteger counter = new AtomicInteger();
    for (int s = 0; s < SENDERS; s++) senders.execute(() -> sendUntilStopped(counter));
    reconnector = new Thread(() -> reconnectUntilStopped(tokens), "fault-drill-reconnect");
    reconnector.setDaemon(true);
    reconnector.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> sent.stream().filter(x -> x.status() == 202).count() > 20);
    return this;
  }

  /** Posts QoS 1 messages round-robin, every other one with an Idempotency-Key, until stopped. */
  private void sendUntilStopped(AtomicInteger counter) {
    while (sending.get()) {
      int n = counter.incrementAndGet();
      AckingClient to = clients.get(n % USERS);
      boolean idempotent = n % 2 == 0;
      long t0 = System.nanoTime();
      inFlight.add(t0);
      try {
        ApiTestClient api = apis.get(n % apis.size());
        String uri = "/v1/apps/" + APP + "/messages";
        String body = "{\"to\":[\"" + to.user + "\"],\"data\":{\"n\":" + n + "}}";
        ApiTestClient.Reply reply =
            idempotent
                ? api.postWithHeader(uri, body, "Idempotency-Key", "fault-" + run + "-" + n)
                : api.post(uri, body);
        if (reply.status() == 202) {
          accepted
              .computeIfAbsent(to.user, u -> ConcurrentHashMap.newKeySet())
              .add(reply.json().path("id").asText());
        }
        sent.add(
            new Sent(
                t0,
                System.nanoTime(),
                idempotent,
                reply.status(),
                reply.json().path("code").asText("")));
      } catch (Exception e) {
        sent.add(new Sent(t0, System.nanoTime(), idempotent, -1, e.getClass().getSimpleName()));
      } finally {
        inFlight.remove(t0);
      }
    }
  }

  /**
   * What a real client does: a client closed by the node (e.g. 4003 session_unavailable while the
   * journal is down) reconnects, here every 500 ms, until the node takes it again.
   */
  private void reconnectUntilStopped(Map<String, String> tokens) {
    int attempt = 0;
    while (reconnecting.get()) {
      for (AckingClient c : clients) {
        if (!c.connected()) {
          reconnects.incrementAndGet();
          c.connect(endpoint(attempt++), tokens.get(c.user));
        }
      }
      LockSupport.parkNanos(500_000_000L); // the client's retry pace
    }
  }

  /**
   * Stops the senders, waits until every message answered 202 reached its client, and prints the
   * outcomes under {@code title}; then closes the clients. Returns the number accepted.
   */
  long finish(String title) throws Exception {
    sending.set(false);
    if (senders != null) {
      senders.shutdown();
      senders.awaitTermination(60, TimeUnit.SECONDS);
    }
    try {
      try {
        await()
            .atMost(Duration.ofSeconds(120))
            .until(
                () ->
                    clients.stream()
                        .allMatch(
                            c -> c.received.containsAll(accepted.getOrDefault(c.user, Set.of()))));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError("accepted messages not delivered within 120 s: " + missing(), e);
      }
      long total = accepted.values().stream().mapToLong(Set::size).sum();
      System.out.printf("%n== %s (%d s per fault) ==%n", title, faultDuration.toSeconds());
      System.out.println(
          "| fault | first API failure after | codes while faulty | /ready changed after | recovered after heal (API / ready) | log lines (WARN+ / stack) | client reconnect attempts |");
      System.out.println("|---|---|---|---|---|---|---|");
      report.forEach(System.out::println);
      System.out.printf("accepted (202) during the run: %d, delivered: all (lost: 0)%n", total);
      return total;
    } finally {
      reconnecting.set(false);
      clients.forEach(AckingClient::abort);
    }
  }

  /** Per user: accepted ids its client has not received (yet), and whether it is connected. */
  private Map<String, String> missing() {
    Map<String, String> out = new TreeMap<>();
    for (AckingClient c : clients) {
      Set<String> gone = new HashSet<>(accepted.getOrDefault(c.user, Set.of()));
      gone.removeAll(c.received);
      if (!gone.isEmpty()) out.put(c.user, gone.size() + " missing, connected=" + c.connected());
    }
    return out;
  }

  /** Stops the senders and closes the clients without waiting (a failed setup). */
  void abort() {
    sending.set(false);
    reconnecting.set(false);
    if (senders != null) senders.shutdownNow();
    clients.forEach(AckingClient::abort);
  }

  /**
   * The last 4 x USERS sends were all accepted, the oldest of them within the last 5 s, and no send
   * has waited longer than 500 ms for its answer (no session is still recovering).
   */
  private boolean steady() {
    long now = System.nanoTime();
    if (inFlight.stream().anyMatch(t -> now - t > 500_000_000L)) return false;
    int n = 4 * USERS;
    List<Sent> all = List.copyOf(sent);
    if (all.size() < n) return false;
    List<Sent> last = all.subList(all.size() - n, all.size());
    long fiveSecondsAgo = System.nanoTime() - Duration.ofSeconds(5).toNanos();
    return last.stream().allMatch(x -> x.status() == 202)
        && last.get(0).answeredNanos() > fiveSecondsAgo;
  }

  /** What one fault did; times in ms from the injection (recovery: from the heal). */
  record Outcome(
      String fault,
      long firstFailureMillis,
      List<String> codes,
      long readyMillis,
      long readyAnswerMaxMillis,
      long recoveredMillis,
      long readyAgainMillis,
      int plainAcceptedDuringFault,
      long warnLines,
      long stackLines) {}

  interface Action {
    void run() throws Exception;
  }

  /**
   * Injects a fault, holds it for the drill's fault duration while watching {@code /ready} (every
   * 100 ms) for {@code readyMarker} with {@code readyStatus}, heals it, and waits until a send made
   * after the heal is accepted and {@code /ready} is plain "ready" again.
   */
  Outcome inject(String fault, Action inject, Action heal, String readyMarker, int readyStatus)
      throws Exception {
    // start from a steady node: the last sends of every sender, to every user, were accepted (a
    // session still recovering from the previous fault would answer this fault's window late)
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(100))
        .until(this::steady);
    long logStart = Files.size(node.logFile);
    int reconnectsBefore = reconnects.get();
    long t0 = System.nanoTime();
    inject.run();
    long readyAt = -1;
    long readyAnswerMax = 0;
    while (System.nanoTime() - t0 < faultDuration.toNanos()) {
      long q = System.nanoTime();
      Ready r = ready();
      readyAnswerMax = Math.max(readyAnswerMax, (System.nanoTime() - q) / 1_000_000);
      if (readyAt < 0 && r.status == readyStatus && r.body.contains(readyMarker))
        readyAt = (System.nanoTime() - t0) / 1_000_000;
      await()
          .pollDelay(Duration.ofMillis(100))
          .until(() -> true); // the polling pace, not synchronisation
    }
    long t1 = System.nanoTime();
    heal.run();
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> sent.stream().anyMatch(s -> s.sentNanos() > t1 && s.status() == 202));
    long recovered =
        sent.stream()
            .filter(s -> s.sentNanos() > t1 && s.status() == 202)
            .mapToLong(s -> (s.answeredNanos() - t1) / 1_000_000)
            .min()
            .orElse(-1);
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              Ready r = ready();
              return r.status == 200 && r.body.contains("\"ready\"");
            });
    long readyAgain = (System.nanoTime() - t1) / 1_000_000;
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> sent.stream().filter(s -> s.sentNanos() > t1 && s.status() == 202).count() > 20);

    // every call the fault could touch: answered after the injection, sent before the heal
    List<Sent> during =
        sent.stream().filter(s -> s.answeredNanos() >= t0 && s.sentNanos() < t1).toList();
    long firstFailure =
        during.stream()
            .filter(s -> s.status() != 202)
            .mapToLong(s -> (s.answeredNanos() - t0) / 1_000_000)
            .min()
            .orElse(-1);
    List<String> codes =
        during.stream()
            .filter(s -> s.status() != 202)
            .map(s -> s.status() + " " + s.code())
            .distinct()
            .sorted()
            .toList();
    int plainAccepted =
        (int) during.stream().filter(s -> !s.idempotent() && s.status() == 202).count();
    List<String> logLines = newLogLines(logStart);
    long warn =
        logLines.stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).count();
    long stack =
        logLines.stream().filter(l -> l.startsWith("\tat ") || l.startsWith("Caused by")).count();
    Outcome o =
        new Outcome(
            fault,
            firstFailure,
            codes,
            readyAt,
            readyAnswerMax,
            recovered,
            readyAgain,
            plainAccepted,
            warn,
            stack);
    report.add(
        String.format(
            "| %s | %d ms | %s | %d ms | %d ms / %d ms | %d / %d | %d |",
            fault,
            firstFailure,
            String.join(", ", codes),
            readyAt,
            recovered,
            readyAgain,
            warn,
            stack,
            reconnects.get() - reconnectsBefore));
    System.out.println(o);
    logLines.stream()
        .filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
        .limit(40)
        .forEach(l -> System.out.println("  log: " + l));
    return o;
  }

  private List<String> newLogLines(long from) throws Exception {
    byte[] all = Files.readAllBytes(node.logFile);
    return new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8)
        .lines()
        .toList();
  }

  record Ready(int status, String body) {}

  private Ready ready() {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + node.managementPort + "/ready"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(r.body());
      return new Ready(r.statusCode(), body.toString());
    } catch (Exception e) {
      return new Ready(-1, e.toString());
    }
  }
}
