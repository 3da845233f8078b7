package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The payload size check counts UTF-8 bytes without encoding: exactly as String.getBytes would. */
class Utf8LengthTest {

  @Test
  void countsWhatTheEncoderWrites() {
    Random random = new Random(23);
    char[] samples = {
      'a', '{', 0x7f, 0x80, 0x7ff, 0x800, 0xffff, 0xd83d, 0xde00, 0xdbff, 0xdc00, 0xe9
    };
    for (int n = 0; n < 100_000; n++) {
      StringBuilder s = new StringBuilder();
      for (int i = random.nextInt(12); i > 0; i--)
        s.append(samples[random.nextInt(samples.length)]);
      String text = s.toString();
      assertEquals(
          text.getBytes(StandardCharsets.UTF_8).length,
          RequestParser.utf8Length(text),
          () -> "length of " + text.chars().boxed().toList());
    }
  }
}
