package io.pushgate.testing;

import io.pushgate.notify.DeviceOutcome;
import io.pushgate.notify.NotificationRequest;
import io.pushgate.notify.PushNotifier;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A {@link PushNotifier} for entity tests: records every request and answers each with the outcomes
 * {@code answer} gives (the providers themselves are tested in the api module against local servers
 * that implement their contracts).
 */
public final class RecordingNotifier implements PushNotifier {

  private final Optional<Duration> notifyAfter;
  private final List<NotificationRequest> requests = new CopyOnWriteArrayList<>();
  private volatile Function<NotificationRequest, List<DeviceOutcome>> answer;

  public RecordingNotifier(
      Duration notifyAfter, Function<NotificationRequest, List<DeviceOutcome>> answer) {
    this.notifyAfter = Optional.of(notifyAfter);
    this.answer = answer;
  }

  /** Every device answered {@code SENT}. */
  public static Function<NotificationRequest, List<DeviceOutcome>> allSent() {
    return r ->
        r.devices().stream()
            .map(d -> new DeviceOutcome(d.id(), d.platform(), DeviceOutcome.Result.SENT, null, 1))
            .toList();
  }

  public void answerWith(Function<NotificationRequest, List<DeviceOutcome>> answer) {
    this.answer = answer;
  }

  public List<NotificationRequest> requests() {
    return List.copyOf(requests);
  }

  @Override
  public Optional<Duration> notifyAfter(String app) {
    return notifyAfter;
  }

  @Override
  public CompletionStage<List<DeviceOutcome>> send(NotificationRequest request) {
    requests.add(request);
    return CompletableFuture.completedFuture(answer.apply(request));
  }
}
