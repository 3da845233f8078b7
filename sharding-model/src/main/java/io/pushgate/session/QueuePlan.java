package io.pushgate.session;

import io.pushgate.model.OverflowPolicy;
import io.pushgate.model.PushMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a new QoS 1 message goes in a session's queue: which pending message its collapse key
 * replaces, and, under {@link OverflowPolicy#DROP_OLDEST}, which oldest messages make room. Pure:
 * decides from the state without changing it.
 *
 * @param fits false when the message cannot be queued (queue full under REJECT, or a message larger
 *     than the byte limit on its own)
 * @param replacedSeq the pending message replaced by collapse key (0: none)
 * @param replacedId its id (null: none)
 * @param droppedSeqs oldest messages dropped to make room, in order
 * @param droppedIds their ids
 */
record QueuePlan(
    boolean fits,
    long replacedSeq,
    String replacedId,
    List<Long> droppedSeqs,
    List<String> droppedIds) {

  static QueuePlan make(
      SessionState state,
      PushMessage message,
      List<Long> expiringSeqs,
      OverflowPolicy overflow,
      int maxPending,
      long maxPendingBytes) {
    Set<Long> leaving = new HashSet<>(expiringSeqs);
    int count = state.pendingCount();
    long bytes = state.pendingBytes();
    for (long seq : expiringSeqs) {
      Optional<PendingMessage> p = state.pendingBySeq(seq);
      if (p.isPresent()) {
        count--;
        bytes -= p.get().message().weight();
      }
    }
    long replacedSeq = 0;
    String replacedId = null;
    Optional<PendingMessage> collapsed = state.pendingByCollapseKey(message.collapseKey());
    if (collapsed.isPresent() && !leaving.contains(collapsed.get().seq())) {
      replacedSeq = collapsed.get().seq();
      replacedId = collapsed.get().message().id();
      leaving.add(replacedSeq);
      count--;
      bytes -= collapsed.get().message().weight();
    }
    int weight = message.weight();
    if (weight > maxPendingBytes) return rejected();
    List<Long> droppedSeqs = new ArrayList<>();
    List<String> droppedIds = new ArrayList<>();
    if (count + 1 > maxPending || bytes + weight > maxPendingBytes) {
      if (overflow == OverflowPolicy.REJECT) return rejected();
      for (PendingMessage p : state.pendingInOrder()) {
        if (count + 1 <= maxPending && bytes + weight <= maxPendingBytes) break;
        if (leaving.contains(p.seq())) continue;
        droppedSeqs.add(p.seq());
        droppedIds.add(p.message().id());
        count--;
        bytes -= p.message().weight();
      }
    }
    return new QueuePlan(true, replacedSeq, replacedId, droppedSeqs, droppedIds);
  }

  private static QueuePlan rejected() {
    return new QueuePlan(false, 0, null, List.of(), List.of());
  }
}
