package io.pushgate.api.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Routing of upstream data by type, and the refusals of bad configuration, naming the key. */
class UpstreamEndpointTest {

  private static final String SECRET = "upstream-secret-of-at-least-32-bytes";

  private static Optional<UpstreamEndpoint> parse(String hocon) {
    Config c = ConfigFactory.parseString(hocon);
    return UpstreamEndpoint.fromConfig("shop", Optional.of(c));
  }

  @Test
  void typesGoToTheirUrlOthersToTheDefaultAndEmptyMeansRefused() {
    UpstreamEndpoint e =
        parse(
                "secret = \""
                    + SECRET
                    + "\", default-url = \"http://d/up\","
                    + " types { chat = \"https://c/up\", audit = \"\", \"log.v2\" = \"http://l/up\" }")
            .orElseThrow();
    assertEquals(Optional.of(URI.create("https://c/up")), e.urlFor("chat"));
    assertEquals(Optional.of(URI.create("http://l/up")), e.urlFor("log.v2"));
    assertEquals(Optional.empty(), e.urlFor("audit"));
    assertEquals(Optional.of(URI.create("http://d/up")), e.urlFor("anything"));
  }

  @Test
  void withoutADefaultOnlyListedTypesAreTaken() {
    UpstreamEndpoint e =
        parse("secret = \"" + SECRET + "\", types { chat = \"http://c/up\" }").orElseThrow();
    assertEquals(Optional.empty(), e.urlFor("other"));
  }

  @Test
  void noUrlAtAllMeansNoUpstream() {
    assertTrue(parse("secret = \"\", default-url = \"\"").isEmpty());
    assertTrue(UpstreamEndpoint.fromConfig("shop", Optional.empty()).isEmpty());
  }

  @Test
  void badUrlsAndShortSecretsAreRefusedNamingTheKey() {
    IllegalArgumentException url =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("secret = \"" + SECRET + "\", types { chat = \"ftp://x/y\" }"));
    assertTrue(
        url.getMessage().contains("pushgate.apps.shop.upstream.types.chat"), url.getMessage());
    IllegalArgumentException secret =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("secret = \"short\", default-url = \"http://d/up\""));
    assertTrue(
        secret.getMessage().contains("pushgate.apps.shop.upstream.secret"), secret.getMessage());
  }
}
