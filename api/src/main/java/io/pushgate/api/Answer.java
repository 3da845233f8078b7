package io.pushgate.api;

/**
 * A call's outcome as a value, for transports that answer a failure as data (a gRPC stream's
 * refused result, a kept idempotent answer): exactly one of {@code value} and {@code problem}.
 */
public record Answer<T>(T value, ApiProblem problem) {

  public Answer {
    if ((value == null) == (problem == null))
      throw new IllegalArgumentException("exactly one of value and problem");
  }

  public static <T> Answer<T> of(T value) {
    return new Answer<>(value, null);
  }

  public static <T> Answer<T> refused(ApiProblem problem) {
    return new Answer<>(null, problem);
  }
}
