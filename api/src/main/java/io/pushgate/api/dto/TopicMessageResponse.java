package io.pushgate.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The 202 body of {@code POST /v1/apps/{app}/topics/{topic}/messages}.
 *
 * @param offset the message's offset in the topic's history, when the topic keeps history
 * @param epoch the history's epoch (changes when the history was lost)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TopicMessageResponse(String id, String topic, Long offset, String epoch) {}
