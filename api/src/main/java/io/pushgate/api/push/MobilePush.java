package io.pushgate.api.push;

import com.typesafe.config.Config;
import io.pushgate.metrics.PushgateMeters;
import io.pushgate.notify.Device;
import io.pushgate.notify.DeviceOutcome;
import io.pushgate.notify.NotificationRequest;
import io.pushgate.notify.Platform;
import io.pushgate.notify.PushNotifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's mobile push (docs/push.md): the {@link PushNotifier} sessions hand notifications to.
 * One {@link AppPushQueue} per app with a provider configured ({@code pushgate.apps.<app>.push}),
 * one JDK {@link HttpClient} (HTTP/2 over TLS with ALPN; HTTP/1.1 where a server offers only that)
 * for the node. Nothing here blocks a caller.
 */
public final class MobilePush implements PushNotifier {

  private static final Logger log = LoggerFactory.getLogger(MobilePush.class);

  private final Map<String, AppPushConfig> configs;
  private final Map<String, AppPushQueue> queues;

  private MobilePush(Map<String, AppPushConfig> configs, Map<String, AppPushQueue> queues) {
    this.configs = Map.copyOf(configs);
    this.queues = Map.copyOf(queues);
  }

  /**
   * Reads {@code pushgate.push} and every {@code pushgate.apps.<app>.push} of {@code config}.
   *
   * @throws IllegalArgumentException for invalid settings or credentials, naming the key (never a
   *     secret)
   */
  public static MobilePush start(ActorSystem<?> system, Config config) {
    PushSettings settings = PushSettings.fromConfig(config);
    Map<String, AppPushConfig> configs = new TreeMap<>();
    Config apps = config.getConfig("pushgate.apps");
    for (String app : apps.root().keySet()) {
      String path = "pushgate.apps." + app + ".push";
      if (!config.hasPath(path)) continue;
      AppPushConfig c = AppPushConfig.fromConfig(app, config.getConfig(path));
      if (c.enabled()) configs.put(app, c);
    }
    Map<String, AppPushQueue> queues = new TreeMap<>();
    if (!configs.isEmpty()) {
      HttpClient http = httpClient(settings);
      PushMeters meters = new PushMeters(PushgateMeters.get(system).registry());
      Clock clock = Clock.systemUTC();
      for (AppPushConfig c : configs.values()) {
        Map<Platform, AppPushQueue.Provider> providers = new EnumMap<>(Platform.class);
        c.fcm()
            .ifPresent(
                f ->
                    providers.put(
                        Platform.FCM,
                        new AppPushQueue.Provider(
                            new FcmSender(f, http, settings.requestTimeout(), clock),
                            breaker(system, settings, c.app(), "fcm"))));
        c.apns()
            .ifPresent(
                a ->
                    providers.put(
                        Platform.APNS,
                        new AppPushQueue.Provider(
                            new ApnsSender(a, http, settings.requestTimeout(), clock),
                            breaker(system, settings, c.app(), "apns"))));
        queues.put(c.app(), new AppPushQueue(c.app(), providers, settings, meters, clock, system));
        log.info(
            "mobile push of app {}: {} (notify-after {})",
            c.app(),
            providers.keySet(),
            c.notifyAfter());
      }
    }
    return new MobilePush(configs, queues);
  }

  @Override
  public Optional<Duration> notifyAfter(String app) {
    AppPushConfig c = configs.get(app);
    return c == null ? Optional.empty() : Optional.of(c.notifyAfter());
  }

  @Override
  public CompletionStage<List<DeviceOutcome>> send(NotificationRequest request) {
    AppPushQueue queue = queues.get(request.app());
    if (queue == null) return CompletableFuture.completedFuture(List.of());
    List<CompletableFuture<DeviceOutcome>> each = new ArrayList<>(request.devices().size());
    for (Device device : request.devices())
      each.add(queue.offer(request, device).toCompletableFuture());
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(done -> each.stream().map(CompletableFuture::join).toList());
  }

  private static CircuitBreaker breaker(
      ActorSystem<?> system, PushSettings settings, String app, String provider) {
    CircuitBreaker breaker =
        CircuitBreaker.create(
                system.classicSystem().scheduler(),
                settings.breakerMaxFailures(),
                settings.requestTimeout().plusSeconds(1),
                settings.breakerResetTimeout())
            .withExponentialBackoff(settings.breakerMaxResetTimeout());
    breaker.addOnOpenListener(
        () ->
            log.warn(
                "mobile push of app {}: circuit to {} open after {} failed requests; its notifications are dropped meanwhile",
                app,
                provider,
                settings.breakerMaxFailures()));
    breaker.addOnCloseListener(
        () -> log.info("mobile push of app {}: circuit to {} closed", app, provider));
    return breaker;
  }

  private static HttpClient httpClient(PushSettings settings) {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_2)
            .connectTimeout(settings.requestTimeout());
    if (!settings.caFile().isEmpty()) builder.sslContext(trusting(Path.of(settings.caFile())));
    return builder.build();
  }

  /** A TLS context that trusts exactly the CA certificates of a PEM file. */
  private static SSLContext trusting(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, cert);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException("pushgate.push.ca-file: cannot read " + pem, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "pushgate.push.ca-file: " + pem + " holds no usable certificate", e);
    }
  }
}
