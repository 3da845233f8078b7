package io.pushgate.node;

import static io.pushgate.node.TestNodes.APP;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.client.Message;
import io.pushgate.client.PushgateClient;
import io.pushgate.client.PushgateListener;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Java client (clients/java) against a real node: dispatch, delivery, acks, de-duplication,
 * reconnect, topics, kick.
 */
class JavaClientIT extends SingleNodeFixture {

  /** Records what the client tells its app, for the test to wait on. */
  static final class Recorder implements PushgateListener {
    final BlockingQueue<JsonNode> welcomes = new LinkedBlockingQueue<>();
    final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<Integer> reconnecting = new LinkedBlockingQueue<>();
    final BlockingQueue<String> closed = new LinkedBlockingQueue<>();
    final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();

    @Override
    public void onWelcome(JsonNode welcome) {
      welcomes.add(welcome);
    }

    @Override
    public void onMessage(Message message) {
      messages.add(message);
    }

    @Override
    public void onReconnecting(int code, String reason, Duration delay) {
      reconnecting.add(code);
    }

    @Override
    public void onClosed(int code, String reason, boolean terminal) {
      closed.add(code + " " + terminal);
    }

    @Override
    public void onFrame(JsonNode frame) {
      frames.add(frame);
    }
  }

  private static <T> T next(BlockingQueue<T> queue) throws InterruptedException {
    T value = queue.poll(20, TimeUnit.SECONDS);
    if (value == null) throw new AssertionError("nothing arrived within 20 s");
    return value;
  }

  private PushgateClient client(String user, Recorder recorder) {
    return PushgateClient.builder(URI.create("http://" + apiHostPort), APP, user)
        .token(() -> mint(user))
        .listener(recorder)
        .ackDelay(Duration.ofMillis(50))
        .build();
  }

  private String mint(String user, String... topics) {
    try {
      return api.token(APP, user, topics);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private int pending(String user) throws Exception {
    return api.get("/v1/apps/" + APP + "/users/" + user).json().path("pending").asInt();
  }

  @Test
  void receivesAcksAndAfterALostConnectionDoesNotPassOnTheRedelivery() throws Exception {
    String user = SingleNodeEndToEndIT.newUser();
    Recorder r = new Recorder();
    PushgateClient client =
        PushgateClient.builder(URI.create("http://" + apiHostPort), APP, user)
            .token(() -> mint(user))
            .listener(r)
            .ackDelay(Duration.ofSeconds(60))
            .ackBatch(100)
            .build();
    client.connect();
    assertEquals(APP + ":" + user, next(r.welcomes).path("session").asText());
    String id = api.push(APP, user, "{\"n\":1}");
    Message m = next(r.messages);
    assertEquals(id, m.id());
    assertEquals(1, m.seq());
    assertEquals(1, m.data().path("n").asInt());

    client.abortConnection(); // no ack was sent (ackDelay 60 s)
    assertEquals(1006, next(r.reconnecting));
    assertEquals(
        1, next(r.welcomes).path("pending").asInt(), "the unacked message is pending again");
    String second = api.push(APP, user, "{\"n\":2}");
    Message after = next(r.messages); // seq 1 came again first (in order), and was not passed on
    assertEquals(second, after.id());
    assertEquals(2, after.seq());
    client.close(); // flushes the ack
    assertEquals("1000 false", next(r.closed));
    assertTrue(r.messages.isEmpty(), "the redelivery was not passed on again");
    await().atMost(Duration.ofSeconds(20)).until(() -> pending(user) == 0);
  }

  @Test
  void batchesAcksAndFollowsItsTopics() throws Exception {
    String user = SingleNodeEndToEndIT.newUser();
    Recorder r = new Recorder();
    PushgateClient client =
        PushgateClient.builder(URI.create("http://" + apiHostPort), APP, user)
            .token(() -> mint(user, "java.>"))
            .listener(r)
            .topics(List.of("java.news"))
            .ackDelay(Duration.ofMillis(50))
            .build();
    client.connect();
    next(r.welcomes);
    for (int i = 1; i <= 3; i++) api.push(APP, user, "{\"n\":" + i + "}");
    for (int i = 1; i <= 3; i++) assertEquals(i, next(r.messages).seq());
    await().atMost(Duration.ofSeconds(20)).until(() -> pending(user) == 0);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              api.post("/v1/apps/" + APP + "/topics/java.news/messages", "{\"data\":{\"t\":1}}");
              Message topic = r.messages.poll(300, TimeUnit.MILLISECONDS);
              return topic != null && "java.news".equals(topic.topic()) && topic.qos() == 0;
            });
    client.close();
  }

  @Test
  void aKickIsTerminal() throws Exception {
    String user = SingleNodeEndToEndIT.newUser();
    Recorder r = new Recorder();
    PushgateClient client = client(user, r);
    client.connect();
    next(r.welcomes);
    assertEquals(
        1,
        api.delete("/v1/apps/" + APP + "/users/" + user + "/connections")
            .json()
            .path("closed")
            .asInt());
    assertEquals("4103 true", next(r.closed));
    assertTrue(r.reconnecting.isEmpty(), "no reconnect after a kick");
  }
}
