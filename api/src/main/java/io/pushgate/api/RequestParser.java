package io.pushgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.api.dto.BatchRequest;
import io.pushgate.api.dto.BroadcastRequest;
import io.pushgate.api.dto.SendMessageRequest;
import io.pushgate.api.dto.TokenRequest;
import io.pushgate.model.AppLimits;
import io.pushgate.model.PushMessage;
import io.pushgate.model.Qos;
import io.pushgate.model.SessionId;
import io.pushgate.topic.TopicName;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * Turns request bodies into validated requests. Pure and thread-safe (no I/O, no actors).
 *
 * <p>Rules (docs/api.md): the body is one JSON object; unknown fields are refused with {@code
 * invalid_field} (so a typo such as {@code "tll"} never silently falls back to a default); the
 * first failing check is reported, with the field at fault.
 */
public final class RequestParser {

  private static final Set<String> MESSAGE_FIELDS =
      Set.of("to", "qos", "ttl", "data", "collapseKey", "notification");
  private static final Set<String> BATCH_FIELDS = Set.of("messages");
  private static final Set<String> TOKEN_FIELDS = Set.of("user", "ttl", "topics");
  private static final Set<String> TOPIC_MESSAGE_FIELDS = Set.of("qos", "data");
  private static final Set<String> BROADCAST_FIELDS = Set.of("qos", "ttl", "data", "collapseKey");

  private final ApiSettings settings;

  public RequestParser(ApiSettings settings) {
    this.settings = settings;
  }

  /**
   * Validates a message request body against the app's limits (TTL bounds).
   *
   * @throws ApiProblem malformed_json, invalid_field, invalid_user, too_many_recipients,
   *     invalid_qos, invalid_ttl, invalid_collapse_key, missing_data, payload_too_large or
   *     invalid_notification
   */
  public SendMessageRequest parseMessage(byte[] body, AppLimits limits) {
    return parseMessage(ApiJson.parse(body), limits);
  }

  private SendMessageRequest parseMessage(JsonNode json, AppLimits limits) {
    JsonNode root = object(json, MESSAGE_FIELDS);
    List<String> to = recipients(root.get("to"));
    Qos qos = qos(number(root.get("qos")));
    Duration ttl = messageTtl(number(root.get("ttl")), limits);
    String collapseKey = collapseKey(text(root.get("collapseKey")), qos);
    String data = data(root.get("data"));
    return new SendMessageRequest(
        to, qos, ttl, data, collapseKey, PushRequests.notification(root.get("notification"), qos));
  }

  /**
   * Validates a message given as typed fields (the gRPC API): the same checks, codes and details as
   * {@link #parseMessage(byte[], AppLimits)}, field by field in the same order.
   *
   * @param fields the fields as sent; null where absent
   * @throws ApiProblem as {@link #parseMessage(byte[], AppLimits)}, and malformed_json (field
   *     {@code data}) when {@code data} is not one JSON value
   */
  public SendMessageRequest message(MessageFields fields, AppLimits limits) {
    List<String> to = fields.to();
    if (to == null || to.isEmpty()) {
      throw ApiProblem.field(ErrorCode.INVALID_FIELD, "to", "\"to\" must name at least one user");
    }
    List<String> users = users(to.size(), to::get);
    Qos qos = qos(fields.qos());
    Duration ttl = messageTtl(fields.ttl(), limits);
    String collapseKey = collapseKey(fields.collapseKey(), qos);
    String data = data(dataText(fields.data()));
    return new SendMessageRequest(
        users, qos, ttl, data, collapseKey, PushRequests.notification(fields.notification(), qos));
  }

  /**
   * Validates a batch given as typed messages (the gRPC API), as {@link #parseBatch}: each message
   * on its own, then the batch's size and its recipients together.
   */
  public BatchRequest batch(List<MessageFields> messages, AppLimits limits) {
    return batch(messages.size(), i -> message(messages.get(i), limits));
  }

  /**
   * Validates a batch send body {@code {"messages":[...]}}: 1..max-batch-messages message objects,
   * each validated as a message on its own; the valid ones may have at most max-recipients
   * recipients together.
   *
   * @throws ApiProblem for the whole batch: malformed_json, invalid_field, too_many_messages or
   *     too_many_recipients
   */
  public BatchRequest parseBatch(byte[] body, AppLimits limits) {
    JsonNode root = object(ApiJson.parse(body), BATCH_FIELDS);
    JsonNode messages = root.get("messages");
    if (messages == null || !messages.isArray()) {
      throw ApiProblem.field(
          ErrorCode.INVALID_FIELD,
          "messages",
          "\"messages\" is required: an array of message objects");
    }
    return batch(messages.size(), i -> parseMessage(messages.get(i), limits));
  }

  private BatchRequest batch(int size, IntFunction<SendMessageRequest> message) {
    if (size == 0 || size > settings.maxBatchMessages()) {
      throw ApiProblem.field(
          ErrorCode.TOO_MANY_MESSAGES,
          "messages",
          "\"messages\" has "
              + size
              + " entries; 1 to "
              + settings.maxBatchMessages()
              + " are allowed (pushgate.api.max-batch-messages)");
    }
    List<BatchRequest.Entry> entries = new ArrayList<>(size);
    int recipients = 0;
    for (int i = 0; i < size; i++) {
      try {
        SendMessageRequest request = message.apply(i);
        recipients += request.to().size();
        entries.add(new BatchRequest.Valid(request));
      } catch (ApiProblem problem) {
        String field =
            "messages["
                + i
                + "]"
                + (problem.field() == null || problem.field().equals("(body)")
                    ? ""
                    : "." + problem.field());
        entries.add(
            new BatchRequest.Invalid(ApiProblem.field(problem.code(), field, problem.detail())));
      }
    }
    if (recipients > settings.maxRecipients()) {
      throw ApiProblem.field(
          ErrorCode.TOO_MANY_RECIPIENTS,
          "messages",
          "the batch's messages have "
              + recipients
              + " recipients together; at most "
              + settings.maxRecipients()
              + " are allowed (pushgate.api.max-recipients)");
    }
    return new BatchRequest(entries);
  }

  /**
   * Validates a broadcast request body: as a message, without recipients.
   *
   * @throws ApiProblem malformed_json, invalid_field, invalid_qos, invalid_ttl,
   *     invalid_collapse_key, missing_data or payload_too_large
   */
  public BroadcastRequest parseBroadcast(byte[] body, AppLimits limits) {
    JsonNode root = object(ApiJson.parse(body), BROADCAST_FIELDS);
    Qos qos = qos(number(root.get("qos")));
    Duration ttl = messageTtl(number(root.get("ttl")), limits);
    String collapseKey = collapseKey(text(root.get("collapseKey")), qos);
    String data = data(root.get("data"));
    return new BroadcastRequest(qos, ttl, data, collapseKey);
  }

  /**
   * Validates a broadcast given as typed fields (the gRPC API), as {@link #parseBroadcast}; {@code
   * to} is ignored.
   */
  public BroadcastRequest broadcast(MessageFields fields, AppLimits limits) {
    Qos qos = qos(fields.qos());
    Duration ttl = messageTtl(fields.ttl(), limits);
    String collapseKey = collapseKey(fields.collapseKey(), qos);
    String data = data(dataText(fields.data()));
    return new BroadcastRequest(qos, ttl, data, collapseKey);
  }

  private static Duration messageTtl(Long seconds, AppLimits limits) {
    return ttl(seconds, limits.defaultTtl(), limits.maxTtl(), "apps.<app>.limits.max-ttl");
  }

  /** {@code value}: null when absent, {@link #NOT_TEXT} when not a string. */
  private static String collapseKey(String value, Qos qos) {
    if (value == null) return null;
    String rule =
        "\"collapseKey\" must be a string of 1.."
            + PushMessage.MAX_COLLAPSE_KEY_LENGTH
            + " printable ASCII characters";
    if (value == NOT_TEXT)
      throw ApiProblem.field(ErrorCode.INVALID_COLLAPSE_KEY, "collapseKey", rule);
    if (value.isEmpty()
        || value.length() > PushMessage.MAX_COLLAPSE_KEY_LENGTH
        || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw ApiProblem.field(ErrorCode.INVALID_COLLAPSE_KEY, "collapseKey", rule);
    }
    if (qos != Qos.AT_LEAST_ONCE) {
      throw ApiProblem.field(
          ErrorCode.INVALID_COLLAPSE_KEY,
          "collapseKey",
          "\"collapseKey\" needs qos 1 (QoS 0 is never stored)");
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
    Duration ttl = tokenTtl(number(root.get("ttl")));
    return new TokenRequest(userId, ttl, topicPatterns(root.get("topics")));
  }

  /**
   * Validates a token request given as typed fields (the gRPC API), as {@link #parseToken}; an
   * empty {@code user} is a missing one.
   */
  public TokenRequest token(String user, Long ttlSeconds, List<String> topics) {
    if (user == null || user.isEmpty()) {
      throw ApiProblem.field(ErrorCode.INVALID_USER, "user", "\"user\" is required");
    }
    if (!SessionId.isValidUser(user))
      throw ApiProblem.field(ErrorCode.INVALID_USER, "user", userRule("\"user\""));
    return new TokenRequest(user, tokenTtl(ttlSeconds), topicPatterns(topics.size(), topics::get));
  }

  private Duration tokenTtl(Long seconds) {
    return ttl(seconds, settings.defaultTokenTtl(), settings.maxTokenTtl(), "api.max-token-ttl");
  }

  /** Most topic patterns one client token may carry. */
  static final int MAX_TOKEN_TOPIC_PATTERNS = 32;

  private static final String TOPIC_PATTERNS_RULE =
      "\"topics\" must be an array of at most "
          + MAX_TOKEN_TOPIC_PATTERNS
          + " topic patterns (segments of [A-Za-z0-9_-], '*' for one segment, a last '>' for the rest)";

  private static List<String> topicPatterns(JsonNode topics) {
    if (topics == null || topics.isNull()) return List.of();
    if (!topics.isArray())
      throw ApiProblem.field(ErrorCode.INVALID_TOPIC, "topics", TOPIC_PATTERNS_RULE);
    return topicPatterns(topics.size(), i -> text(topics.get(i)));
  }

  /** {@code pattern(i)}: the i-th pattern, or {@link #NOT_TEXT}. */
  private static List<String> topicPatterns(int size, IntFunction<String> pattern) {
    if (size > MAX_TOKEN_TOPIC_PATTERNS)
      throw ApiProblem.field(ErrorCode.INVALID_TOPIC, "topics", TOPIC_PATTERNS_RULE);
    List<String> patterns = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      String p = pattern.apply(i);
      if (p == null || p == NOT_TEXT || !TopicName.isValidPattern(p)) {
        throw ApiProblem.field(ErrorCode.INVALID_TOPIC, "topics", TOPIC_PATTERNS_RULE);
      }
      patterns.add(p);
    }
    return patterns;
  }

  /**
   * Validates a topic name from a URL path.
   *
   * @throws ApiProblem invalid_topic
   */
  public static String pathTopic(String topic) {
    if (!TopicName.isValid(topic)) {
      throw ApiProblem.field(ErrorCode.INVALID_TOPIC, "topic", TopicName.RULE);
    }
    return topic;
  }

  /**
   * Validates a topic message body: {@code data} and an optional {@code qos} that must be 0.
   *
   * @throws ApiProblem malformed_json, invalid_field, invalid_qos, missing_data or
   *     payload_too_large
   */
  public String parseTopicMessage(byte[] body) {
    JsonNode root = object(ApiJson.parse(body), TOPIC_MESSAGE_FIELDS);
    topicQos(number(root.get("qos")));
    return data(root.get("data"));
  }

  /**
   * Validates a topic message given as typed fields (the gRPC API), as {@link #parseTopicMessage}.
   */
  public String topicMessage(Long qos, String data) {
    topicQos(qos);
    return data(dataText(data));
  }

  private static void topicQos(Long qos) {
    if (qos != null && qos != 0) {
      throw ApiProblem.field(
          ErrorCode.INVALID_QOS,
          "qos",
          "topic messages are QoS 0 (\"qos\": 0); for QoS 1 use broadcasts or messages");
    }
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
      throw ApiProblem.field(
          ErrorCode.INVALID_FIELD, "(body)", "the request body must be a JSON object");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw ApiProblem.field(
            ErrorCode.INVALID_FIELD,
            name,
            "unknown field \"" + name + "\"; allowed: " + sorted(allowed));
      }
    }
    return root;
  }

  private List<String> recipients(JsonNode to) {
    if (to == null || to.isNull()) {
      throw ApiProblem.field(
          ErrorCode.INVALID_FIELD, "to", "\"to\" is required: an array of user ids");
    }
    if (!to.isArray()) {
      throw ApiProblem.field(ErrorCode.INVALID_FIELD, "to", "\"to\" must be an array of user ids");
    }
    if (to.isEmpty()) {
      throw ApiProblem.field(ErrorCode.INVALID_FIELD, "to", "\"to\" must name at least one user");
    }
    return users(to.size(), i -> text(to.get(i)));
  }

  /**
   * Recipients {@code user(0..size-1)} (each a user id, null or {@link #NOT_TEXT}), without
   * duplicates.
   */
  private List<String> users(int size, IntFunction<String> user) {
    if (size > settings.maxRecipients()) {
      throw ApiProblem.field(
          ErrorCode.TOO_MANY_RECIPIENTS,
          "to",
          "\"to\" has "
              + size
              + " entries; at most "
              + settings.maxRecipients()
              + " are allowed (pushgate.api.max-recipients)");
    }
    LinkedHashSet<String> users = new LinkedHashSet<>();
    for (int i = 0; i < size; i++) {
      String id = user.apply(i);
      if (id == null || id == NOT_TEXT || !SessionId.isValidUser(id)) {
        throw ApiProblem.field(
            ErrorCode.INVALID_USER, "to[" + i + "]", userRule("\"to[" + i + "]\""));
      }
      users.add(id);
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

  /**
   * Stands for a JSON value of the wrong type where a string is expected (compared by identity).
   */
  private static final String NOT_TEXT = new String("(not a string)");

  /** Stands for a JSON value that is not a whole number where one is expected. */
  private static final long NOT_A_NUMBER = Long.MIN_VALUE;

  /** A JSON string's value; null when absent or null; {@link #NOT_TEXT} for other types. */
  private static String text(JsonNode node) {
    if (node == null || node.isNull()) return null;
    return node.isTextual() ? node.textValue() : NOT_TEXT;
  }

  /** A JSON whole number's value; null when absent or null; {@link #NOT_A_NUMBER} otherwise. */
  private static Long number(JsonNode node) {
    if (node == null || node.isNull()) return null;
    return node.isIntegralNumber() && node.canConvertToLong() ? node.longValue() : NOT_A_NUMBER;
  }

  private static Qos qos(Long level) {
    if (level == null) return Qos.AT_LEAST_ONCE;
    if (level == 0) return Qos.AT_MOST_ONCE;
    if (level == 1) return Qos.AT_LEAST_ONCE;
    throw ApiProblem.field(ErrorCode.INVALID_QOS, "qos", "\"qos\" must be 0 or 1");
  }

  private static Duration ttl(Long seconds, Duration defaultTtl, Duration max, String maxKey) {
    if (seconds == null) return defaultTtl;
    long maxSeconds = max.getSeconds();
    if (seconds >= 1 && seconds <= maxSeconds) return Duration.ofSeconds(seconds);
    throw ApiProblem.field(
        ErrorCode.INVALID_TTL,
        "ttl",
        "\"ttl\" must be a whole number of seconds from 1 to "
            + maxSeconds
            + " (pushgate."
            + maxKey
            + ")");
  }

  /** {@code data} given as JSON text (the gRPC API): parsed; empty is absent. */
  private static JsonNode dataText(String data) {
    if (data == null || data.isEmpty()) return null;
    try {
      return ApiJson.parse(data.getBytes(StandardCharsets.UTF_8));
    } catch (ApiProblem problem) {
      throw ApiProblem.field(
          ErrorCode.MALFORMED_JSON,
          "data",
          "\"data\" must be one JSON value as text: " + problem.detail());
    }
  }

  private String data(JsonNode data) {
    if (data == null || data.isNull()) {
      throw ApiProblem.field(
          ErrorCode.MISSING_DATA, "data", "\"data\" is required (any JSON value but null)");
    }
    String json = ApiJson.compact(data);
    int bytes = utf8Length(json);
    if (bytes > settings.maxPayloadBytes()) {
      throw ApiProblem.field(
          ErrorCode.PAYLOAD_TOO_LARGE,
          "data",
          "\"data\" is "
              + bytes
              + " bytes as compact JSON; at most "
              + settings.maxPayloadBytes()
              + " are allowed (pushgate.api.max-payload-bytes)");
    }
    return json;
  }

  /** Bytes of {@code s} in UTF-8, counted without encoding it. */
  static int utf8Length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) bytes += 1;
      else if (c < 0x800) bytes += 2;
      else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        bytes += 1; // a lone surrogate: encoded as '?', as String.getBytes does
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private static String sorted(Set<String> names) {
    return String.join(", ", new TreeSet<>(names));
  }
}
