package io.pushgate.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import scala.concurrent.Promise;
import scala.jdk.javaapi.FutureConverters;

class ContinuationsTest {

  /**
   * The reason {@link Continuations} exists: a stage converted from a Scala future (what Pekko's
   * Java API returns) runs even a plain thenApply on another thread; with SAME_THREAD the
   * continuation runs on the completing thread.
   */
  @Test
  void sameThreadRunsContinuationsOfConvertedScalaFuturesOnTheCompletingThread() throws Exception {
    Promise<String> promise = Promise.apply();
    CompletionStage<String> stage = FutureConverters.asJava(promise.future());
    AtomicReference<Thread> plain = new AtomicReference<>();
    AtomicReference<Thread> direct = new AtomicReference<>();
    CompletableFuture<String> viaPlain =
        stage
            .thenApply(
                s -> {
                  plain.set(Thread.currentThread());
                  return s;
                })
            .toCompletableFuture();
    CompletableFuture<String> viaDirect =
        stage
            .thenApplyAsync(
                s -> {
                  direct.set(Thread.currentThread());
                  return s;
                },
                Continuations.SAME_THREAD)
            .toCompletableFuture();

    Thread completer = new Thread(() -> promise.success("done"), "completer");
    completer.start();
    completer.join();

    assertEquals("done", viaDirect.join());
    assertEquals("done", viaPlain.join());
    assertSame(completer, direct.get());
    assertNotSame(completer, plain.get(), "Scala's wrapper no longer forces async continuations");
  }
}
