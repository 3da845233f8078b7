package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pushgate.model.App;
import io.pushgate.model.AppRegistry;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Pure tests of backend authentication. */
class ApiAuthTest {

  private static final App DEMO =
      new App("demo", "demo-key", "0123456789abcdef0123456789abcdef", false);
  private static final App OTHER =
      new App("other", "other-key", "fedcba9876543210fedcba9876543210", false);
  private final ApiAuth auth = new ApiAuth(new AppRegistry(List.of(DEMO, OTHER)));

  private ErrorCode failure(String app, String header) {
    return assertThrows(ApiProblem.class, () -> auth.authenticate(app, Optional.ofNullable(header)))
        .code();
  }

  @Test
  void acceptsTheAppsKeyWithAnyCaseOfBearer() {
    assertEquals(DEMO, auth.authenticate("demo", Optional.of("Bearer demo-key")));
    assertEquals(DEMO, auth.authenticate("demo", Optional.of("bearer demo-key")));
    assertEquals(DEMO, auth.authenticate("demo", Optional.of("  BEARER   demo-key ")));
  }

  @Test
  void refusesMissingWrongOrForeignKeys() {
    assertEquals(ErrorCode.UNAUTHORIZED, failure("demo", null));
    assertEquals(ErrorCode.UNAUTHORIZED, failure("demo", ""));
    assertEquals(ErrorCode.UNAUTHORIZED, failure("demo", "Bearer"));
    assertEquals(ErrorCode.UNAUTHORIZED, failure("demo", "Bearer "));
    assertEquals(ErrorCode.UNAUTHORIZED, failure("demo", "Bearer wrong"));
    assertEquals(ErrorCode.UNAUTHORIZED, failure("demo", "Basic ZGVtbzpkZW1vLWtleQ=="));
    assertEquals(ErrorCode.UNAUTHORIZED, failure("demo", "demo-key"));
    assertEquals(ErrorCode.UNAUTHORIZED, failure("demo", "Bearer other-key"));
  }

  @Test
  void unknownAppIsNotFoundEvenWithoutKey() {
    assertEquals(ErrorCode.UNKNOWN_APP, failure("nope", "Bearer demo-key"));
    assertEquals(ErrorCode.UNKNOWN_APP, failure("NOT VALID", null));
  }
}
