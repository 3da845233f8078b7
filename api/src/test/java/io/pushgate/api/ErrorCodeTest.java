package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {

  @Test
  void codesAreLowerSnakeCaseAndStatusesAreErrors() {
    for (ErrorCode code : ErrorCode.values()) {
      assertTrue(code.code().matches("[a-z]+(_[a-z]+)*"), code::code);
      assertTrue(code.status() >= 400 && code.status() < 600, code::code);
      assertEquals("https://pushgate.dev/problems/" + code.code(), code.type());
    }
    assertEquals(
        ErrorCode.values().length,
        Arrays.stream(ErrorCode.values()).map(ErrorCode::code).distinct().count());
  }

  @Test
  void everyCodeIsDocumentedWithItsStatus() throws Exception {
    Path docs = Path.of("..", "docs");
    assumeTrue(Files.isDirectory(docs), "docs/ not found from " + Path.of("").toAbsolutePath());
    String api = Files.readString(docs.resolve("api.md"));
    String openapi = Files.readString(docs.resolve("openapi.yaml"));
    for (ErrorCode code : ErrorCode.values()) {
      assertTrue(
          api.contains("| `" + code.code() + "` | " + code.status() + " |"),
          () -> "docs/api.md lacks " + code.code());
      assertTrue(
          openapi.contains("- " + code.code() + "\n"),
          () -> "docs/openapi.yaml lacks " + code.code());
    }
  }

  @Test
  void statusFallbacksAreTheGeneralCodes() {
    assertEquals(ErrorCode.NOT_FOUND, ErrorCode.forStatus(404));
    assertEquals(ErrorCode.METHOD_NOT_ALLOWED, ErrorCode.forStatus(405));
    assertEquals(ErrorCode.BAD_REQUEST, ErrorCode.forStatus(406));
    assertEquals(ErrorCode.HEADERS_TOO_LARGE, ErrorCode.forStatus(431));
    assertEquals(ErrorCode.METHOD_NOT_IMPLEMENTED, ErrorCode.forStatus(501));
    assertEquals(ErrorCode.HTTP_VERSION_NOT_SUPPORTED, ErrorCode.forStatus(505));
    assertEquals(ErrorCode.INTERNAL_ERROR, ErrorCode.forStatus(502));
  }
}
