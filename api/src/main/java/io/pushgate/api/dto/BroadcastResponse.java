package io.pushgate.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The 202 body of {@code POST /v1/apps/{app}/broadcasts}.
 *
 * @param bseq the broadcast's position in the app's log (QoS 1 only)
 * @param replacedId the live broadcast this one replaced through its collapse key, if any
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BroadcastResponse(String id, int qos, Long bseq, String replacedId) {}
