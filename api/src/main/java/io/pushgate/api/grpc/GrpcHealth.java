package io.pushgate.api.grpc;

import io.grpc.Status;
import io.pushgate.grpc.health.v1.Health;
import io.pushgate.grpc.health.v1.HealthCheckRequest;
import io.pushgate.grpc.health.v1.HealthCheckResponse;
import io.pushgate.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.pushgate.grpc.v1.PushgateApi;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The standard gRPC health service ({@code grpc.health.v1.Health}) of the gRPC port: SERVING while
 * the node serves the API, NOT_SERVING once it stops (drain). Knows the service {@code ""} (the
 * server) and {@code pushgate.v1.PushgateApi}; Check on another is NOT_FOUND, Watch on another
 * answers SERVICE_UNKNOWN, as the protocol says. Watch sends the status, then each change (looked
 * at every {@link #WATCH_INTERVAL}).
 */
final class GrpcHealth implements Health {

  static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);

  private final BooleanSupplier serving;

  GrpcHealth(BooleanSupplier serving) {
    this.serving = serving;
  }

  @Override
  public CompletionStage<HealthCheckResponse> check(HealthCheckRequest in) {
    if (!known(in.getService())) {
      return CompletableFuture.failedFuture(
          new GrpcServiceException(
              Status.NOT_FOUND.withDescription("unknown service " + in.getService())));
    }
    return CompletableFuture.completedFuture(response(status()));
  }

  @Override
  public Source<HealthCheckResponse, NotUsed> watch(HealthCheckRequest in) {
    if (!known(in.getService())) {
      return Source.single(response(ServingStatus.SERVICE_UNKNOWN)).concat(Source.never());
    }
    return Source.tick(Duration.ZERO, WATCH_INTERVAL, NotUsed.notUsed())
        .map(tick -> status())
        .statefulMap(
            () -> ServingStatus.UNKNOWN,
            (last, now) ->
                Pair.create(
                    now,
                    now == last
                        ? Optional.<HealthCheckResponse>empty()
                        : Optional.of(response(now))),
            last -> Optional.empty())
        .filter(Optional::isPresent)
        .map(Optional::get)
        .mapMaterializedValue(cancellable -> NotUsed.notUsed());
  }

  private static boolean known(String service) {
    return service.isEmpty() || service.equals(PushgateApi.name);
  }

  private ServingStatus status() {
    return serving.getAsBoolean() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
  }

  private static HealthCheckResponse response(ServingStatus status) {
    return HealthCheckResponse.newBuilder().setStatus(status).build();
  }
}
