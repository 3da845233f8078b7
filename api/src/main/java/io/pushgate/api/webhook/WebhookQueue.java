package io.pushgate.api.webhook;

import io.pushgate.callback.CallbackEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One app's bounded queue of callback events on this node. {@link #offer} never blocks and never
 * grows past {@code capacity}: when full, the oldest event is dropped and counted. Thread-safe
 * (sessions and event loops offer, the app's sender takes); every operation is O(1) per event under
 * one short lock.
 */
final class WebhookQueue {

  private final int capacity;
  private final ArrayDeque<CallbackEvent> events = new ArrayDeque<>();
  private long offered;
  private long dropped;

  WebhookQueue(int capacity) {
    this.capacity = capacity;
  }

  synchronized void offer(CallbackEvent event) {
    offered++;
    if (events.size() >= capacity) {
      events.pollFirst();
      dropped++;
    }
    events.addLast(event);
  }

  /** Removes and returns up to {@code max} of the oldest events (empty if none). */
  synchronized List<CallbackEvent> take(int max) {
    int n = Math.min(max, events.size());
    if (n == 0) return List.of();
    List<CallbackEvent> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) batch.add(events.pollFirst());
    return batch;
  }

  synchronized int size() {
    return events.size();
  }

  /** Events ever offered. */
  synchronized long offered() {
    return offered;
  }

  /** Events dropped because the queue was full. */
  synchronized long dropped() {
    return dropped;
  }
}
