package io.pushgate.api.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Timestamp;
import io.pushgate.api.ApiJson;
import io.pushgate.api.DeviceService;
import io.pushgate.api.ErrorCode;
import io.pushgate.api.MessageFields;
import io.pushgate.api.dto.BatchSendResponse;
import io.pushgate.api.dto.BroadcastResponse;
import io.pushgate.api.dto.BroadcastStatusResponse;
import io.pushgate.api.dto.DevicesResponse;
import io.pushgate.api.dto.KickResponse;
import io.pushgate.api.dto.MessageStatusResponse;
import io.pushgate.api.dto.SendMessageResponse;
import io.pushgate.api.dto.TokenResponse;
import io.pushgate.api.dto.TopicMessageResponse;
import io.pushgate.api.dto.UserStatusResponse;
import io.pushgate.api.dto.UserTopicsResponse;
import io.pushgate.grpc.v1.BatchResult;
import io.pushgate.grpc.v1.BroadcastStatus;
import io.pushgate.grpc.v1.Connection;
import io.pushgate.grpc.v1.Device;
import io.pushgate.grpc.v1.DeviceNotification;
import io.pushgate.grpc.v1.Devices;
import io.pushgate.grpc.v1.Message;
import io.pushgate.grpc.v1.MessageStatus;
import io.pushgate.grpc.v1.MintTokenResponse;
import io.pushgate.grpc.v1.Notification;
import io.pushgate.grpc.v1.Paced;
import io.pushgate.grpc.v1.Problem;
import io.pushgate.grpc.v1.PublishTopicResponse;
import io.pushgate.grpc.v1.PutDeviceRequest;
import io.pushgate.grpc.v1.PutDeviceResponse;
import io.pushgate.grpc.v1.Recipient;
import io.pushgate.grpc.v1.RecipientStatus;
import io.pushgate.grpc.v1.SendBatchResponse;
import io.pushgate.grpc.v1.SendResponse;
import io.pushgate.grpc.v1.UserStatus;
import io.pushgate.grpc.v1.UserTopics;
import java.time.Instant;
import java.util.Locale;

/**
 * Between the API's records and the v1 protobuf messages: requests in as {@link MessageFields},
 * responses out field for field as the HTTP API's JSON carries them. Pure.
 */
final class GrpcMessages {

  private GrpcMessages() {}

  /** A message's fields as sent; proto3 presence gives null for absent optional fields. */
  static MessageFields fields(Message m) {
    return new MessageFields(
        m.getToList(),
        m.hasQos() ? (long) m.getQos() : null,
        m.hasTtl() ? m.getTtl() : null,
        m.getData(),
        m.hasCollapseKey() ? m.getCollapseKey() : null,
        m.hasNotification() ? notification(m.getNotification()) : null);
  }

  /** A notification as the JSON object the HTTP API takes, so both pass the same checks. */
  private static JsonNode notification(Notification n) {
    ObjectNode o = ApiJson.mapper().createObjectNode();
    if (n.hasTitle()) o.put("title", n.getTitle());
    if (n.hasBody()) o.put("body", n.getBody());
    if (n.getDataCount() > 0) {
      ObjectNode data = o.putObject("data");
      n.getDataMap().forEach(data::put);
    }
    if (n.hasSound()) o.put("sound", n.getSound());
    if (n.hasBadge()) o.put("badge", n.getBadge());
    if (n.hasCollapseKey()) o.put("collapseKey", n.getCollapseKey());
    return o;
  }

  /** A device registration as the JSON body the HTTP API takes. */
  static JsonNode deviceBody(PutDeviceRequest in) {
    ObjectNode o = ApiJson.mapper().createObjectNode();
    o.put("platform", in.getPlatform());
    o.put("token", in.getToken());
    if (!in.getTopic().isEmpty()) o.put("topic", in.getTopic());
    return o;
  }

  static PutDeviceResponse registered(DeviceService.Registered r) {
    return PutDeviceResponse.newBuilder()
        .setCreated(r.created())
        .setDevices(devices(r.devices()))
        .build();
  }

  static Devices devices(DevicesResponse r) {
    Devices.Builder b = Devices.newBuilder().setUser(r.user());
    for (DevicesResponse.View d : r.devices()) {
      b.addDevices(
          Device.newBuilder()
              .setId(d.id())
              .setPlatform(d.platform())
              .setTopic(d.topic() == null ? "" : d.topic())
              .setTokenHint(d.tokenHint())
              .setRegisteredAt(timestamp(d.registeredAt())));
    }
    return b.build();
  }

  static SendResponse send(SendMessageResponse r) {
    SendResponse.Builder b =
        SendResponse.newBuilder().setId(r.id()).setAllAccepted(r.allAccepted());
    for (SendMessageResponse.Recipient recipient : r.recipients())
      b.addRecipients(recipient(recipient));
    if (r.paced() != null) {
      b.setPaced(
          Paced.newBuilder()
              .setRecipients(r.paced().recipients())
              .setQueuedAhead(r.paced().queuedAhead()));
    }
    return b.build();
  }

  private static Recipient recipient(SendMessageResponse.Recipient r) {
    Recipient.Builder b =
        Recipient.newBuilder()
            .setUser(r.user())
            .setStatus(RecipientStatus.valueOf(r.status().name()));
    if (r.seq() != null) b.setSeq(r.seq());
    if (r.replaced() != null) b.setReplaced(r.replaced());
    if (r.dropped() != null) b.addAllDropped(r.dropped());
    return b.build();
  }

  static SendBatchResponse batch(BatchSendResponse r) {
    SendBatchResponse.Builder b = SendBatchResponse.newBuilder().setAllAccepted(r.allAccepted());
    for (BatchSendResponse.Result result : r.results()) {
      if (result.problem() == null) {
        b.addResults(
            BatchResult.newBuilder()
                .setSent(
                    send(
                        new SendMessageResponse(
                            result.id(), result.recipients(), result.paced()))));
      } else {
        ErrorCode code = ErrorCode.valueOf(result.problem().code().toUpperCase(Locale.ROOT));
        Problem.Builder p =
            Problem.newBuilder()
                .setCode(code.code())
                .setDetail(result.problem().detail())
                .setGrpcStatus(GrpcErrors.status(code).value());
        if (result.problem().field() != null) p.setField(result.problem().field());
        b.addResults(BatchResult.newBuilder().setRefused(p));
      }
    }
    return b.build();
  }

  static io.pushgate.grpc.v1.BroadcastResponse broadcast(BroadcastResponse r) {
    io.pushgate.grpc.v1.BroadcastResponse.Builder b =
        io.pushgate.grpc.v1.BroadcastResponse.newBuilder().setId(r.id()).setQos(r.qos());
    if (r.bseq() != null) b.setBseq(r.bseq());
    if (r.replacedId() != null) b.setReplacedId(r.replacedId());
    return b.build();
  }

  static BroadcastStatus broadcastStatus(BroadcastStatusResponse r) {
    return BroadcastStatus.newBuilder()
        .setId(r.id())
        .setStatus(r.status())
        .setBseq(r.bseq())
        .setSentAt(timestamp(r.sentAt()))
        .setExpiresAt(timestamp(r.expiresAt()))
        .setTtl(r.ttl())
        .setAckedSessions(r.ackedSessions())
        .setAckedSessionsIsEstimate(r.ackedSessionsIsEstimate())
        .build();
  }

  static PublishTopicResponse topicMessage(TopicMessageResponse r) {
    PublishTopicResponse.Builder b =
        PublishTopicResponse.newBuilder().setId(r.id()).setTopic(r.topic());
    if (r.offset() != null) b.setOffset(r.offset());
    if (r.epoch() != null) b.setEpoch(r.epoch());
    return b.build();
  }

  static UserTopics userTopics(UserTopicsResponse r) {
    return UserTopics.newBuilder().setUser(r.user()).addAllTopics(r.topics()).build();
  }

  static UserStatus userStatus(UserStatusResponse r) {
    UserStatus.Builder b =
        UserStatus.newBuilder()
            .setApp(r.app())
            .setUser(r.user())
            .setOnline(r.online())
            .setPending(r.pending())
            .setLastSeq(r.lastSeq())
            .setAckedSeq(r.ackedSeq())
            .setUndeliverable(r.undeliverable())
            .addAllTopics(r.topics());
    for (UserStatusResponse.Connection c : r.connections()) {
      b.addConnections(
          Connection.newBuilder()
              .setId(c.id())
              .setNode(c.node())
              .setTransport(c.transport())
              .setSince(timestamp(c.since())));
    }
    return b.build();
  }

  static MessageStatus messageStatus(MessageStatusResponse r) {
    MessageStatus.Builder b =
        MessageStatus.newBuilder()
            .setId(r.id())
            .setUser(r.user())
            .setStatus(r.status())
            .setDeliveries(r.deliveries());
    if (r.seq() != null) b.setSeq(r.seq());
    if (r.since() != null) b.setSince(timestamp(r.since()));
    for (MessageStatusResponse.Notified n : r.notifications()) {
      b.addNotifications(
          DeviceNotification.newBuilder()
              .setDevice(n.device())
              .setPlatform(n.platform())
              .setResult(n.result())
              .setReason(n.reason() == null ? "" : n.reason())
              .setAt(timestamp(n.at())));
    }
    return b.build();
  }

  static io.pushgate.grpc.v1.KickResponse kick(KickResponse r) {
    return io.pushgate.grpc.v1.KickResponse.newBuilder().setClosed(r.closed()).build();
  }

  static MintTokenResponse token(TokenResponse r) {
    MintTokenResponse.Builder b = MintTokenResponse.newBuilder().setToken(r.token());
    if (r.expiresAt() != null) b.setExpiresAt(timestamp(r.expiresAt()));
    return b.build();
  }

  /** An ISO-8601 instant (as the HTTP API writes them) as a protobuf Timestamp. */
  private static Timestamp timestamp(String iso) {
    Instant t = Instant.parse(iso);
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
