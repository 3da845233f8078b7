package io.pushgate.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

/** Expectations on the frames a test client receives, whatever its transport and encoding. */
public interface FrameExpectations {

  /** The next event must be a frame; returns it decoded (JSON or CBOR). */
  JsonNode nextJson() throws Exception;

  /** The next event must be a frame of type {@code t}. */
  default JsonNode expectFrame(String t) throws Exception {
    JsonNode frame = nextJson();
    assertEquals(t, frame.path("t").asText(), "frame " + frame);
    return frame;
  }

  /** The next event must be an error frame with {@code code} and a message. */
  default JsonNode expectError(String code) throws Exception {
    JsonNode error = expectFrame("error");
    assertEquals(code, error.path("code").asText(), "error " + error);
    assertTrue(error.path("message").isTextual());
    return error;
  }
}
