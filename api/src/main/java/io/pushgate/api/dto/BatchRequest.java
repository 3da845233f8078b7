package io.pushgate.api.dto;

import io.pushgate.api.ApiProblem;
import java.util.List;

/**
 * A validated {@code POST /v1/apps/{app}/messages:batch} body: its messages in request order, each
 * either valid or refused on its own (one bad message does not refuse the others).
 *
 * @param entries 1..max-batch-messages entries; the valid ones have at most max-recipients
 *     recipients together
 */
public record BatchRequest(List<Entry> entries) {

  public BatchRequest {
    entries = List.copyOf(entries);
  }

  /** One message of a batch. */
  public sealed interface Entry permits Valid, Invalid {}

  /** A message that passed validation. */
  public record Valid(SendMessageRequest request) implements Entry {}

  /** A message refused by validation; its field names are prefixed {@code messages[i].}. */
  public record Invalid(ApiProblem problem) implements Entry {}
}
