package io.pushgate.gateway.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pushgate.fanout.LivePush;
import io.pushgate.gateway.protocol.ClientFrame.Ack;
import io.pushgate.gateway.protocol.ClientFrame.Hello;
import io.pushgate.gateway.protocol.ClientFrame.Ping;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The client wire format: one JSON object per text frame, its type in field {@code t}
 * (docs/protocol.md); {@link CborCodec} is the binary form of the same frames. Parsing never
 * throws; encoding produces compact JSON. Stateless and thread-safe.
 *
 * <p>Unknown fields in client frames are ignored (forward compatibility). Input size is bounded
 * before it gets here by {@code pushgate.gateway.max-frame-bytes}.
 */
public final class FrameCodec {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonStringEncoder QUOTER = JsonStringEncoder.getInstance();
  private static final int MAX_ECHO_CHARS = 32;
  private static final String PONG = "{\"t\":\"pong\"}";

  private FrameCodec() {}

  /** Parses one client text frame. */
  public static ParseResult parse(String text) {
    ParseResult ack = AckText.match(text);
    if (ack != null) return ack;
    ack = PlainAck.read(MAPPER.getFactory(), text);
    if (ack != null) return ack;
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return bad("malformed JSON");
    }
    return parse(root, false);
  }

  /**
   * Parses one client JSON frame given as UTF-8 bytes (the TCP transport); invalid UTF-8 is
   * malformed JSON.
   */
  public static ParseResult parse(byte[] utf8) {
    ParseResult ack = PlainAck.read(MAPPER.getFactory(), utf8);
    if (ack != null) return ack;
    JsonNode root;
    try {
      root = MAPPER.readTree(utf8);
    } catch (IOException e) {
      return bad("malformed JSON");
    }
    return parse(root, false);
  }

  /**
   * Parses a decoded frame tree: JSON, or CBOR ({@link CborCodec}), where an up frame's {@code
   * data} is a text string holding JSON instead of a JSON value.
   */
  static ParseResult parse(JsonNode root, boolean cbor) {
    if (root == null || !root.isObject()) return bad("a frame must be a JSON object");
    JsonNode t = root.get("t");
    if (t == null || !t.isTextual()) return bad("missing string field \"t\"");
    return switch (t.textValue()) {
      case "hello" -> parseHello(root);
      case "ack" -> parseAck(root);
      case "ping" -> new ParseResult.Ok(new Ping());
      case "sub" -> parseSub(root);
      case "bind" -> parseBind(root);
      case "unbind" -> parseUnbind(root);
      case "unsub" -> parseUnsub(root);
      case "up" -> parseUp(root, cbor);
      default ->
          new ParseResult.Invalid(
              ClientErrorCode.UNKNOWN_TYPE,
              "unknown frame type \"" + shorten(t.textValue()) + "\"");
    };
  }

  private static ParseResult parseHello(JsonNode root) {
    JsonNode app = root.get("app");
    if (app == null || !app.isTextual()) return bad("hello needs a string \"app\"");
    JsonNode token = root.get("token");
    if (token == null || !token.isTextual()) return bad("hello needs a string \"token\"");
    JsonNode hb = root.get("hb");
    Integer proposed = null;
    if (hb != null && !hb.isNull()) {
      if (!hb.isIntegralNumber() || !hb.canConvertToInt()) {
        return bad("\"hb\" must be a whole number of seconds");
      }
      proposed = hb.intValue();
    }
    return new ParseResult.Ok(new Hello(app.textValue(), token.textValue(), proposed));
  }

  private static ParseResult parseAck(JsonNode root) {
    JsonNode seq = root.get("seq");
    JsonNode bseq = root.get("bseq");
    if (seq == null && bseq == null)
      return bad("ack needs a non-negative integer \"seq\" or \"bseq\"");
    if (seq != null && !isCounter(seq)) return bad("ack needs a non-negative integer \"seq\"");
    if (bseq != null && !isCounter(bseq)) return bad("ack needs a non-negative integer \"bseq\"");
    JsonNode app = root.get("app");
    if (app != null && !app.isTextual()) return bad("\"app\" must be a string");
    return new ParseResult.Ok(
        new Ack(
            seq == null ? 0 : seq.longValue(),
            bseq == null ? 0 : bseq.longValue(),
            app == null ? null : app.textValue()));
  }

  private static boolean isCounter(JsonNode n) {
    return n.isIntegralNumber() && n.canConvertToLong() && n.longValue() >= 0;
  }

  private static ParseResult parseSub(JsonNode root) {
    JsonNode topic = root.get("topic");
    if (topic == null || !topic.isTextual()) return bad("sub needs a string \"topic\"");
    JsonNode since = root.get("since");
    if (since != null && !isCounter(since))
      return bad("\"since\" must be a non-negative integer offset");
    JsonNode epoch = root.get("epoch");
    if (epoch != null && !epoch.isTextual()) return bad("\"epoch\" must be a string");
    JsonNode app = root.get("app");
    if (app != null && !app.isTextual()) return bad("\"app\" must be a string");
    return new ParseResult.Ok(
        new ClientFrame.Sub(
            topic.textValue(),
            since == null ? null : since.longValue(),
            epoch == null ? null : epoch.textValue(),
            app == null ? null : app.textValue()));
  }

  private static ParseResult parseBind(JsonNode root) {
    JsonNode app = root.get("app");
    if (app == null || !app.isTextual()) return bad("bind needs a string \"app\"");
    JsonNode token = root.get("token");
    if (token == null || !token.isTextual()) return bad("bind needs a string \"token\"");
    return new ParseResult.Ok(new ClientFrame.Bind(app.textValue(), token.textValue()));
  }

  private static ParseResult parseUnbind(JsonNode root) {
    JsonNode app = root.get("app");
    if (app == null || !app.isTextual()) return bad("unbind needs a string \"app\"");
    return new ParseResult.Ok(new ClientFrame.Unbind(app.textValue()));
  }

  private static ParseResult parseUnsub(JsonNode root) {
    JsonNode topic = root.get("topic");
    if (topic == null || !topic.isTextual()) return bad("unsub needs a string \"topic\"");
    JsonNode app = root.get("app");
    if (app != null && !app.isTextual()) return bad("\"app\" must be a string");
    return new ParseResult.Ok(
        new ClientFrame.Unsub(topic.textValue(), app == null ? null : app.textValue()));
  }

  private static final Pattern UP_TYPE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private static ParseResult parseUp(JsonNode root, boolean cbor) {
    JsonNode id = root.get("id");
    if (id == null || !id.isTextual() || id.textValue().isEmpty() || id.textValue().length() > 64) {
      return bad("up needs a string \"id\" of 1-64 characters");
    }
    JsonNode type = root.get("type");
    if (type == null || !type.isTextual() || !UP_TYPE.matcher(type.textValue()).matches()) {
      return bad("up needs a \"type\" of 1-64 characters [A-Za-z0-9._-]");
    }
    JsonNode app = root.get("app");
    if (app != null && !app.isTextual()) return bad("\"app\" must be a string");
    JsonNode data = root.get("data");
    String json;
    if (data == null) {
      json = "null";
    } else if (!cbor) {
      json = data.toString();
    } else if (!data.isTextual()) {
      return bad("in a binary frame, up \"data\" must be a text string holding JSON");
    } else {
      try {
        JsonNode value = MAPPER.readTree(data.textValue());
        if (value == null || value.isMissingNode()) return bad("up \"data\" is not valid JSON");
        json = value.toString();
      } catch (JsonProcessingException e) {
        return bad("up \"data\" is not valid JSON");
      }
    }
    return new ParseResult.Ok(
        new ClientFrame.Up(
            id.textValue(), type.textValue(), json, app == null ? null : app.textValue()));
  }

  private static ParseResult bad(String message) {
    return new ParseResult.Invalid(ClientErrorCode.BAD_FRAME, message);
  }

  private static String shorten(String s) {
    return s.length() <= MAX_ECHO_CHARS ? s : s.substring(0, MAX_ECHO_CHARS) + "...";
  }

  // ---- server -> client ----

  /**
   * {@code {"t":"welcome","session":...,"hb":...,"pending":...}}; without {@code pending} when it
   * is negative (not known yet).
   */
  public static String welcome(String session, int hb, int pending) {
    return "{\"t\":\"welcome\",\"session\":"
        + quote(session)
        + ",\"hb\":"
        + hb
        + (pending < 0 ? "" : ",\"pending\":" + pending)
        + "}";
  }

  /**
   * A push frame. {@code data} must already be one valid JSON value (it is spliced verbatim);
   * {@code seq} is written only for QoS 1.
   */
  public static String push(String id, int qos, long seq, String data) {
    return push(id, qos, seq, 0, data);
  }

  /**
   * A push frame. A QoS 1 broadcast ({@code bseq > 0}) carries {@code bseq} instead of {@code seq};
   * a QoS 1 direct message carries {@code seq}; QoS 0 carries neither.
   */
  public static String push(String id, int qos, long seq, long bseq, String data) {
    return push(id, qos, seq, bseq, data, null);
  }

  /**
   * As {@link #push(String, int, long, long, String)}, naming the app when {@code app} is not null.
   */
  public static String push(String id, int qos, long seq, long bseq, String data, String app) {
    StringBuilder sb = new StringBuilder(data.length() + id.length() + 64);
    sb.append("{\"t\":\"push\",\"id\":").append(quote(id)).append(",\"qos\":").append(qos);
    if (app != null) sb.append(",\"app\":").append(quote(app));
    if (bseq > 0) sb.append(",\"bseq\":").append(bseq);
    else if (qos > 0) sb.append(",\"seq\":").append(seq);
    return sb.append(",\"data\":").append(data).append('}').toString();
  }

  /**
   * A QoS 0 live push, the same bytes for every connection that takes it: {@code app} always;
   * {@code topic} and (with history) {@code offset} and {@code epoch} for topic messages.
   */
  public static String live(LivePush push) {
    StringBuilder sb = new StringBuilder(push.data().length() + push.id().length() + 96);
    sb.append("{\"t\":\"push\",\"id\":").append(quote(push.id())).append(",\"qos\":0");
    sb.append(",\"app\":").append(quote(push.app()));
    if (push.topic() != null) sb.append(",\"topic\":").append(quote(push.topic()));
    if (push.offset() > 0) {
      sb.append(",\"offset\":").append(push.offset());
      if (push.epoch() != null) sb.append(",\"epoch\":").append(quote(push.epoch()));
    }
    return sb.append(",\"data\":").append(push.data()).append('}').toString();
  }

  /**
   * {@code {"t":"reconnect","after":ms,"endpoints":[...]}}: the node is draining; the client should
   * close and connect to one of {@code endpoints} (in order) once {@code after} ms have passed.
   */
  public static String reconnect(long afterMillis, List<String> endpoints) {
    StringBuilder sb = new StringBuilder(64 + endpoints.size() * 40);
    sb.append("{\"t\":\"reconnect\",\"after\":").append(afterMillis).append(",\"endpoints\":[");
    for (int i = 0; i < endpoints.size(); i++) {
      if (i > 0) sb.append(',');
      sb.append(quote(endpoints.get(i)));
    }
    return sb.append("]}").toString();
  }

  /**
   * {@code {"t":"subscribed","topic":...}}, with {@code "by":"server"} for a server-side
   * subscription and, after a recovery attempt, {@code recovered}, {@code offset} and {@code
   * epoch}.
   */
  public static String subscribed(
      String topic, boolean byServer, Boolean recovered, long offset, String epoch) {
    StringBuilder sb = new StringBuilder(64 + topic.length());
    sb.append("{\"t\":\"subscribed\",\"topic\":").append(quote(topic));
    if (byServer) sb.append(",\"by\":\"server\"");
    if (recovered != null) sb.append(",\"recovered\":").append(recovered);
    if (epoch != null)
      sb.append(",\"offset\":").append(offset).append(",\"epoch\":").append(quote(epoch));
    return sb.append('}').toString();
  }

  /**
   * {@code {"t":"unsubscribed","topic":...}} (with {@code "by":"server"} when the backend removed
   * it).
   */
  public static String unsubscribed(String topic, boolean byServer) {
    return "{\"t\":\"unsubscribed\",\"topic\":"
        + quote(topic)
        + (byServer ? ",\"by\":\"server\"" : "")
        + "}";
  }

  /** {@code {"t":"error","code":...,"message":...,"topic":...}}: an error about one topic. */
  public static String topicError(ClientErrorCode code, String message, String topic) {
    return "{\"t\":\"error\",\"code\":\""
        + code.code()
        + "\",\"message\":"
        + quote(message)
        + ",\"topic\":"
        + quote(topic.length() <= 160 ? topic : topic.substring(0, 160))
        + "}";
  }

  /** {@code {"t":"bound","app":...,"session":...,"pending":...}}: a bind took effect. */
  public static String bound(String app, String session, int pending) {
    return "{\"t\":\"bound\",\"app\":"
        + quote(app)
        + ",\"session\":"
        + quote(session)
        + ",\"pending\":"
        + pending
        + "}";
  }

  /**
   * {@code {"t":"unbound","app":...,"reason":...}}; reason {@code client}, {@code kicked}, {@code
   * replaced} or {@code session_unavailable}.
   */
  public static String unbound(String app, String reason) {
    return "{\"t\":\"unbound\",\"app\":" + quote(app) + ",\"reason\":\"" + reason + "\"}";
  }

  /**
   * {@code {"t":"error","code":...,"message":...,"app":...}}: an error about one app of the
   * connection.
   */
  public static String appError(ClientErrorCode code, String message, String app) {
    return "{\"t\":\"error\",\"code\":\""
        + code.code()
        + "\",\"message\":"
        + quote(message)
        + ",\"app\":"
        + quote(shorten(app))
        + "}";
  }

  /**
   * {@code {"t":"upack","id":...,"status":"ok"}}: the backend took an up frame; with {@code
   * "reply":<message id>} when it answered with a reply (pushed as a QoS 1 message with that id),
   * or {@code "replyError"} when its reply could not be delivered.
   */
  public static String upack(String id, String replyId, String replyError, String app) {
    StringBuilder sb =
        new StringBuilder("{\"t\":\"upack\",\"id\":")
            .append(quote(id))
            .append(",\"status\":\"ok\"");
    if (replyId != null) sb.append(",\"reply\":").append(quote(replyId));
    if (replyError != null) sb.append(",\"replyError\":").append(quote(replyError));
    if (app != null) sb.append(",\"app\":").append(quote(app));
    return sb.append('}').toString();
  }

  /**
   * {@code {"t":"error","code":...,"message":...,"id":...}}: an up frame failed; {@code status} is
   * the backend's HTTP status for {@code upstream_rejected} (0: none).
   */
  public static String upError(
      ClientErrorCode code, String message, String id, int status, String app) {
    StringBuilder sb =
        new StringBuilder("{\"t\":\"error\",\"code\":\"")
            .append(code.code())
            .append("\",\"message\":")
            .append(quote(message))
            .append(",\"id\":")
            .append(quote(id));
    if (status > 0) sb.append(",\"status\":").append(status);
    if (app != null) sb.append(",\"app\":").append(quote(app));
    return sb.append('}').toString();
  }

  /** {@code {"t":"pong"}} */
  public static String pong() {
    return PONG;
  }

  /** {@code {"t":"error","code":...,"message":...}} */
  public static String error(ClientErrorCode code, String message) {
    return "{\"t\":\"error\",\"code\":\"" + code.code() + "\",\"message\":" + quote(message) + "}";
  }

  private static String quote(String s) {
    return "\"" + new String(QUOTER.quoteAsString(s)) + "\"";
  }
}
