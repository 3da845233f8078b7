package io.pushgate.api;

import io.pushgate.model.AppLimits;
import io.pushgate.model.PushMessage;
import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.model.Qos;
import io.pushgate.model.SessionId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns request bodies into validated requests. Pure and thread-safe (no I/O, no actors).
 *
 * <p>Rules (docs/api.md): the body is one JSON object; unknown fields are refused with
 * {@code invalid_field} (so a typo such as {@code "tll"} never silently falls back to a default);
 * the first failing check is reported, with the field at fault.
 */
public final class RequestParser {

  private static final Set<String> MESSAGE_FIELDS = Set.of("to", "qos", "ttl", "data", "collapseKey");
  private static final Set<String> TOKEN_FIELDS = Set.of("user", "ttl");
  private static final Set<String> BROADCAST_FIELDS = Set.of("qos", "ttl", "data", "collapseKey");

  private final ApiSettings settings;

  public RequestParser(ApiSettings settings) {
    this.settings = settings;
  }

  /**
   * Validates a message request body against the app's limits (TTL bounds).
   *
   * @throws ApiProblem malformed_json, invalid_field, invalid_user, too_many_recipients,
   *     invalid_qos, invalid_ttl, invalid_collapse_key, missing_data or payload_too_large
   */
  public SendMessageRequest parseMessage(byte[] body, AppLimits limits) {
    JsonNode root = object(ApiJson.parse(body), MESSAGE_FIELDS);
    List<String> to = recipients(root.get("to"));
    Qos qos = qos(root.get("qos"));
    Duration ttl = ttl(root.get("ttl"), limits.defaultTtl(), limits.maxTtl(), "apps.<app>.limits.max-ttl");
    String collapseKey = collapseKey(root.get("collapseKey"), qos);
    String data = data(root.get("data"));
    return new SendMessageRequest(to, qos, ttl, data, collapseKey);
  }

  /**
   * Validates a broadcast request body: as a message, without recipients.
   *
   * @throws ApiProblem malformed_json, invalid_field, invalid_qos, invalid_ttl,
   *     invalid_collapse_key, missing_data or payload_too_large
   */
  public BroadcastRequest parseBroadcast(byte[] body, AppLimits limits) {
    JsonNode root = object(ApiJson.parse(body), BROADCAST_FIELDS);
    Qos qos = qos(root.get("qos"));
    Duration ttl = ttl(root.get("ttl"), limits.defaultTtl(), limits.maxTtl(), "apps.<app>.limits.max-ttl");
    String collapseKey = collapseKey(root.get("collapseKey"), qos);
    String data = data(root.get("data"));
    return new BroadcastRequest(qos, ttl, data, collapseKey);
  }

  private static String collapseKey(JsonNode key, Qos qos) {
    if (key == null || key.isNull()) return null;
    String rule =
        "\"collapseKey\" must be a string of 1.." + PushMessage.MAX_COLLAPSE_KEY_LENGTH
            + " printable ASCII characters";
    if (!key.isTextual()) throw ApiProblem.field(ErrorCode.INVALID_COLLAPSE_KEY, "collapseKey", rule);
    String value = key.textValue();
    if (value.isEmpty()
        || value.length() > PushMessage.MAX_COLLAPSE_KEY_LENGTH
        || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw ApiProblem.field(ErrorCode.INVALID_COLLAPSE_KEY, "collapseKey", rule);
    }
    if (qos != Qos.AT_LEAST_ONCE) {
      throw ApiProblem.field(
          ErrorCode.INVALID_COLLAPSE_KEY, "collapseKey", "\"collapseKey\" needs qos 1 (QoS 0 is never stored)");
    }
    return value;
  }

  /**
   * Validates a token request body.
   *
   * @throws ApiProblem malformed_json, invalid_field, invalid_user or invalid_ttl
   */
  public TokenRequest parseToken(byte[] body) {
    JsonNode root = object(ApiJson.parse(body), TOKEN_FIELDS);
    JsonNode user = root.get("user");
    if (user == null || user.isNull()) {
      throw ApiProblem.field(ErrorCode.INVALID_USER, "user", "\"user\" is required");
    }
    String userId = userId(user, "user");
    Duration ttl = ttl(root.get("ttl"), settings.defaultTokenTtl(), settings.maxTokenTtl(), "api.max-token-ttl");
    return new TokenRequest(userId, ttl);
  }

  /**
   * Checks a user id taken from a URL path.
   *
   * @throws ApiProblem invalid_user
   */
  public static String pathUser(String user) {
    if (!SessionId.isValidUser(user)) {
      throw ApiProblem.field(ErrorCode.INVALID_USER, "user", userRule("the user id in the path"));
    }
    return user;
  }

  private static JsonNode object(JsonNode root, Set<String> allowed) {
    if (!root.isObject()) {
      throw ApiProblem.field(ErrorCode.INVALID_FIELD, "(body)", "the request body must be a JSON object");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw ApiProblem.field(
            ErrorCode.INVALID_FIELD, name, "unknown field \"" + name + "\"; allowed: " + sorted(allowed));
      }
    }
    return root;
  }

  private List<String> recipients(JsonNode to) {
    if (to == null || to.isNull()) {
      throw ApiProblem.field(ErrorCode.INVALID_FIELD, "to", "\"to\" is required: an array of user ids");
    }
    if (!to.isArray()) {
      throw ApiProblem.field(ErrorCode.INVALID_FIELD, "to", "\"to\" must be an array of user ids");
    }
    if (to.isEmpty()) {
      throw ApiProblem.field(ErrorCode.INVALID_FIELD, "to", "\"to\" must name at least one user");
    }
    if (to.size() > settings.maxRecipients()) {
      throw ApiProblem.field(
          ErrorCode.TOO_MANY_RECIPIENTS,
          "to",
          "\"to\" has " + to.size() + " entries; at most " + settings.maxRecipients()
              + " are allowed (pushgate.api.max-recipients)");
    }
    LinkedHashSet<String> users = new LinkedHashSet<>();
    for (int i = 0; i < to.size(); i++) {
      users.add(userId(to.get(i), "to[" + i + "]"));
    }
    return new ArrayList<>(users);
  }

  private static String userId(JsonNode node, String field) {
    if (!node.isTextual() || !SessionId.isValidUser(node.textValue())) {
      throw ApiProblem.field(ErrorCode.INVALID_USER, field, userRule("\"" + field + "\""));
    }
    return node.textValue();
  }

  private static String userRule(String what) {
    return what + " must be a string of 1..128 characters of [A-Za-z0-9._@+=-]";
  }

  private static Qos qos(JsonNode qos) {
    if (qos == null || qos.isNull()) return Qos.AT_LEAST_ONCE;
    if (qos.isIntegralNumber() && qos.canConvertToInt()) {
      int level = qos.intValue();
      if (level == 0) return Qos.AT_MOST_ONCE;
      if (level == 1) return Qos.AT_LEAST_ONCE;
    }
    throw ApiProblem.field(ErrorCode.INVALID_QOS, "qos", "\"qos\" must be 0 or 1");
  }

  private static Duration ttl(JsonNode ttl, Duration defaultTtl, Duration max, String maxKey) {
    if (ttl == null || ttl.isNull()) return defaultTtl;
    long maxSeconds = max.getSeconds();
    if (ttl.isIntegralNumber() && ttl.canConvertToLong()) {
      long seconds = ttl.longValue();
      if (seconds >= 1 && seconds <= maxSeconds) return Duration.ofSeconds(seconds);
    }
    throw ApiProblem.field(
        ErrorCode.INVALID_TTL,
        "ttl",
        "\"ttl\" must be a whole number of seconds from 1 to " + maxSeconds
            + " (pushgate." + maxKey + ")");
  }

  private String data(JsonNode data) {
    if (data == null || data.isNull()) {
      throw ApiProblem.field(ErrorCode.MISSING_DATA, "data", "\"data\" is required (any JSON value but null)");
    }
    String json = ApiJson.compact(data);
    int bytes = utf8Length(json);
    if (bytes > settings.maxPayloadBytes()) {
      throw ApiProblem.field(
          ErrorCode.PAYLOAD_TOO_LARGE,
          "data",
          "\"data\" is " + bytes + " bytes as compact JSON; at most " + settings.maxPayloadBytes()
              + " are allowed (pushgate.api.max-payload-bytes)");
    }
    return json;
  }

  private static int utf8Length(String s) {
    // Payloads are small (bounded by the gateway's body limit); encoding once is simplest.
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String sorted(Set<String> names) {
    return String.join(", ", new TreeSet<>(names));
  }
}
