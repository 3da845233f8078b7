package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pushgate.api.grpc.GrpcErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/grpc.md's error table says, for every code, the HTTP status and the gRPC status the node
 * gives.
 */
class GrpcErrorTableTest {

  private static final Pattern ROW =
      Pattern.compile("^\\| `([a-z_]+)` \\| (\\d{3}) \\| `([A-Z_]+)` \\|$");

  @Test
  void everyCodeIsDocumentedWithItsStatuses() throws IOException {
    Map<String, String[]> documented = new HashMap<>();
    for (String line : Files.readAllLines(Path.of("..", "docs", "grpc.md"))) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) documented.put(m.group(1), new String[] {m.group(2), m.group(3)});
    }
    assertEquals(ErrorCode.values().length, documented.size(), "one row per code");
    for (ErrorCode code : ErrorCode.values()) {
      String[] row = documented.get(code.code());
      assertEquals(Integer.toString(code.status()), row[0], code.code());
      assertEquals(GrpcErrors.status(code).name(), row[1].toUpperCase(Locale.ROOT), code.code());
    }
  }
}
