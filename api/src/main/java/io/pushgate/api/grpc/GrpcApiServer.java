package io.pushgate.api.grpc;

import io.pushgate.api.ApiProblem;
import io.pushgate.api.ApiServices;
import io.pushgate.api.ErrorCode;
import io.pushgate.grpc.health.v1.Health;
import io.pushgate.grpc.health.v1.HealthHandlerFactory;
import io.pushgate.grpc.v1.PushgateApi;
import io.pushgate.grpc.v1.PushgateApiPowerApiHandlerFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLContext;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.grpc.Trailers;
import org.apache.pekko.grpc.javadsl.GrpcExceptionHandler;
import org.apache.pekko.grpc.javadsl.ServerReflection;
import org.apache.pekko.grpc.javadsl.ServiceHandler;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.http.scaladsl.model.RequestEntity;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.SystemMaterializer;
import org.apache.pekko.stream.scaladsl.Flow;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC API's port ({@code pushgate.api.grpc}, default 8083): Pekko gRPC over Pekko HTTP's
 * HTTP/2 server, plaintext (h2c with prior knowledge) or TLS. Serves {@code
 * pushgate.v1.PushgateApi} ({@link GrpcApiService}), the standard health service ({@link
 * GrpcHealth}) and server reflection, so {@code grpcurl} works without the proto.
 *
 * <p>Bounds: {@code http.max-connections} connections, {@code http.http2.max-concurrent-streams}
 * calls per connection, request messages of at most {@code max-message-bytes} (checked on the gRPC
 * framing before a message is buffered, {@link GrpcMessageLimit}: a larger one fails its call
 * RESOURCE_EXHAUSTED {@code payload_too_large}), {@code publish.max-in-flight} sends per Publish
 * stream.
 */
public final class GrpcApiServer {

  private static final Logger log = LoggerFactory.getLogger(GrpcApiServer.class);

  /**
   * What the server is built from.
   *
   * @param tls the SSL context when {@code pushgate.api.grpc.tls} is on (the client ports'
   *     certificate), else empty
   */
  public record Deps(ApiServices api, GrpcApiSettings settings, Optional<SSLContext> tls) {}

  private final ServerBinding binding;
  private volatile boolean serving = true;

  private GrpcApiServer(ServerBinding binding) {
    this.binding = binding;
  }

  /**
   * Binds the gRPC port.
   *
   * @return completes once bound; fails if the port cannot be bound, or if TLS is on without a
   *     context
   */
  public static CompletionStage<GrpcApiServer> start(ActorSystem<?> system, Deps deps) {
    GrpcApiSettings settings = deps.settings();
    if (settings.tls() && deps.tls().isEmpty()) {
      throw new IllegalArgumentException(
          "pushgate.api.grpc.tls is on: enable pushgate.gateway.tls, whose certificate it serves");
    }
    GrpcApiServer[] self = new GrpcApiServer[1];
    GrpcHealth health = new GrpcHealth(() -> self[0] == null || self[0].serving);
    Function<HttpRequest, CompletionStage<HttpResponse>> api =
        PushgateApiPowerApiHandlerFactory.partial(
            new GrpcApiService(deps.api(), settings.maxInFlight()),
            PushgateApi.name,
            SystemMaterializer.get(system).materializer(),
            GrpcApiServer::errors,
            system);
    Function<HttpRequest, CompletionStage<HttpResponse>> handler =
        ServiceHandler.concatOrNotFound(
            api,
            HealthHandlerFactory.partial(health, Health.name, system),
            ServerReflection.create(List.of(PushgateApi.description, Health.description), system));
    @SuppressWarnings({"unchecked", "rawtypes"})
    Flow<ByteString, ByteString, Object> limit =
        (Flow) Flow.fromGraph(new GrpcMessageLimit(settings.maxMessageBytes()));
    Function<HttpRequest, CompletionStage<HttpResponse>> bounded =
        request ->
            handler.apply(
                request.withEntity(((RequestEntity) request.entity()).transformDataBytes(limit)));
    ServerBuilder builder =
        Http.get(system)
            .newServerAt(settings.host(), settings.port())
            .withSettings(ServerSettings.create(settings.http()));
    if (deps.tls().isPresent())
      builder = builder.enableHttps(ConnectionContext.httpsServer(deps.tls().get()));
    return builder
        .bind(bounded)
        .thenApply(
            binding -> {
              GrpcApiServer server = new GrpcApiServer(binding);
              self[0] = server;
              log.info(
                  "gRPC API listening on {}{}",
                  binding.localAddress(),
                  deps.tls().isPresent() ? " (TLS)" : "");
              return server;
            });
  }

  /**
   * Our problems as statuses; a message over max-message-bytes as payload_too_large; else Pekko
   * gRPC's mapping.
   */
  private static org.apache.pekko.japi.Function<Throwable, Trailers> errors(
      org.apache.pekko.actor.ActorSystem system) throws Exception {
    org.apache.pekko.japi.Function<Throwable, Trailers> standard =
        GrpcExceptionHandler.defaultMapper().apply(system);
    return error -> {
      for (Throwable t = error; t != null; t = t.getCause()) {
        if (t instanceof GrpcMessageLimit.TooLarge tooLarge) {
          var e =
              GrpcErrors.exception(
                  new ApiProblem(ErrorCode.PAYLOAD_TOO_LARGE, tooLarge.getMessage()));
          return new Trailers(e.status(), e.getMetadata());
        }
        if (t instanceof ApiProblem problem) {
          var e = GrpcErrors.exception(problem);
          return new Trailers(e.status(), e.getMetadata());
        }
      }
      return standard.apply(error);
    };
  }

  /** The bound address (the actual port when configured with port 0). */
  public InetSocketAddress localAddress() {
    return binding.localAddress();
  }

  /**
   * Reports NOT_SERVING on health, stops accepting, lets calls in progress finish for up to {@code
   * deadline}, then closes every connection.
   */
  public CompletionStage<Done> stop(Duration deadline) {
    serving = false;
    return binding.terminate(deadline).thenApply(terminated -> Done.getInstance());
  }
}
