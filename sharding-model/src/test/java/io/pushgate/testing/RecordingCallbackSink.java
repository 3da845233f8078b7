package io.pushgate.testing;

import io.pushgate.callback.CallbackEvent;
import io.pushgate.callback.CallbackEventType;
import io.pushgate.callback.CallbackSink;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A {@link CallbackSink} that records what it is offered, for the event types it wants. */
public final class RecordingCallbackSink implements CallbackSink {

  private final Set<CallbackEventType> wanted;
  private final Duration offlineDelay;
  private final ConcurrentLinkedQueue<CallbackEvent> events = new ConcurrentLinkedQueue<>();

  public RecordingCallbackSink(Duration offlineDelay, CallbackEventType... wanted) {
    this.offlineDelay = offlineDelay;
    this.wanted =
        wanted.length == 0 ? EnumSet.allOf(CallbackEventType.class) : EnumSet.of(wanted[0], wanted);
  }

  @Override
  public boolean wants(String app, CallbackEventType type) {
    return wanted.contains(type);
  }

  @Override
  public void offer(CallbackEvent event) {
    if (!wanted.contains(event.type()))
      throw new AssertionError("offered an unwanted event: " + event);
    events.add(event);
  }

  @Override
  public Duration offlineDelay(String app) {
    return offlineDelay;
  }

  public List<CallbackEvent> events() {
    return List.copyOf(events);
  }

  public List<CallbackEvent> events(CallbackEventType type) {
    return events.stream().filter(e -> e.type() == type).toList();
  }
}
