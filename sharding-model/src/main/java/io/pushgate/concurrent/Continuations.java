package io.pushgate.concurrent;

import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * Where continuations on {@link java.util.concurrent.CompletionStage}s run.
 *
 * <p>Stages returned by Pekko's Java API (asks, route handlers, {@code toStrict}) are Scala futures
 * converted with {@code FutureConverters.asJava}. That wrapper turns every non-async continuation
 * ({@code thenApply}, {@code thenCompose}, {@code handle}, {@code whenComplete}, ...) into its
 * {@code ...Async} form on the JDK's default async executor, which is {@link
 * ForkJoinPool#commonPool()}, or, when the common pool's parallelism is below 2 (any 2-core
 * machine: parallelism = cores - 1), a <em>new thread per continuation</em>. On our 2-core
 * benchmark machine that thread churn cut API throughput by 7x (docs/benchmarks.md).
 *
 * <p>Hot paths therefore chain with the explicit-executor variants and {@link #SAME_THREAD}, which
 * runs the continuation on the thread that completes the stage, as a plain {@code
 * CompletableFuture} would. Such continuations must be short and never block: they run on a Pekko
 * dispatcher or Netty event-loop thread. The node also raises the common pool's parallelism to at
 * least {@link #MIN_COMMON_POOL_PARALLELISM} at start-up ({@link #ensureCommonPoolParallelism()})
 * for library code that chains without an executor.
 */
public final class Continuations {

  /** Runs a continuation directly on the completing thread; for short, non-blocking work only. */
  public static final Executor SAME_THREAD = Runnable::run;

  /** Below this, {@code CompletableFuture} starts a thread per async task. */
  public static final int MIN_COMMON_POOL_PARALLELISM = 2;

  static final String PARALLELISM_PROPERTY = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private Continuations() {}

  /**
   * Sets the common pool's parallelism to {@link #MIN_COMMON_POOL_PARALLELISM} unless it was
   * configured; effective only before the common pool is first used, so call it first in {@code
   * main}. Returns the parallelism in force, so callers can warn if it is still too low.
   */
  public static int ensureCommonPoolParallelism() {
    if (System.getProperty(PARALLELISM_PROPERTY) == null
        && Runtime.getRuntime().availableProcessors() - 1 < MIN_COMMON_POOL_PARALLELISM) {
      System.setProperty(PARALLELISM_PROPERTY, Integer.toString(MIN_COMMON_POOL_PARALLELISM));
    }
    return ForkJoinPool.getCommonPoolParallelism();
  }
}
