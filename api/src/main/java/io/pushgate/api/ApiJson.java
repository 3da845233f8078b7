package io.pushgate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The API's JSON configuration: one thread-safe {@link ObjectMapper} used for every request and
 * response body.
 *
 * <p>Reading is strict: duplicate keys and trailing content are malformed JSON. Numbers are read
 * exactly (floats as BigDecimal, trailing zeros kept), so a {@code data} value is forwarded to
 * clients with the same numbers the backend sent (its whitespace is removed).
 */
public final class ApiJson {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  private ApiJson() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Parses a request body.
   *
   * @throws ApiProblem {@link ErrorCode#MALFORMED_JSON} if it is empty or not one valid JSON value
   */
  public static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      throw new ApiProblem(
          ErrorCode.MALFORMED_JSON, "the request body is empty; a JSON object is required");
    }
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw new ApiProblem(ErrorCode.MALFORMED_JSON, "the request body holds no JSON value");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new ApiProblem(
          ErrorCode.MALFORMED_JSON,
          "the request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ApiProblem(ErrorCode.MALFORMED_JSON, "the request body could not be read as JSON");
    }
  }

  /** Compact serialization of a JSON value. */
  public static String compact(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serializes a response body (a record of this package or a JSON tree). */
  public static byte[] bytes(Object body) {
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
