package io.pushgate.gateway.transport.tcp;

import io.pushgate.gateway.transport.Transport;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SinkShape;
import org.apache.pekko.stream.stage.AbstractGraphStageWithMaterializedValue;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream interpreter (one actor) that runs the graphs of many TCP connections, the way one
 * Netty event loop serves many WebSocket channels. Each graph handed to the {@link Host} is
 * materialized with this interpreter's sub-fusing materializer: it gets its own interpreter shell
 * (its stages, their completion and failure are its own; a failing connection fails nothing else)
 * but no actor of its own, which saves a connection the interpreter actor's cell, mailbox, path,
 * {@code Props} and {@code Deploy}.
 *
 * <p>Contract: the stage never pulls and never completes by itself ({@code keepGoing}); it ends
 * when its stream is shut down, which aborts the graphs it hosts. A task that throws is logged and
 * does not end the host. The graphs hosted here share the interpreter's thread: a stage must not
 * block (none of ours does).
 */
final class SharedInterpreter
    extends AbstractGraphStageWithMaterializedValue<SinkShape<Object>, SharedInterpreter.Host> {

  private static final Logger log = LoggerFactory.getLogger(SharedInterpreter.class);

  /** Runs graphs in the shared interpreter; callable from any thread. */
  interface Host {
    /**
     * Calls {@code materialize} inside the interpreter, with the materializer that fuses into it.
     * If the host has ended, {@code materialize} is not called and {@code onLost} runs instead.
     */
    void run(Consumer<Materializer> materialize, Runnable onLost);

    /**
     * The interpreter as the loop its connections share ({@link Transport#loop()}): tasks run in
     * the interpreter, so never at the same time as a hosted connection's; not directly in one.
     */
    Transport.Loop loop();
  }

  private final Inlet<Object> in = Inlet.create("SharedInterpreter.in");
  private final SinkShape<Object> shape = SinkShape.of(in);
  private final ActorSystem<?> system;

  SharedInterpreter(ActorSystem<?> system) {
    this.system = system;
  }

  @Override
  public SinkShape<Object> shape() {
    return shape;
  }

  @Override
  public Pair<GraphStageLogic, Host> createLogicAndMaterializedValuePair(
      Attributes inheritedAttributes) {
    Logic logic = new Logic();
    return Pair.create(logic, logic);
  }

  private final class Logic extends GraphStageLogic implements Host {
    private record Task(Consumer<Materializer> materialize, Runnable onLost) {}

    private final AsyncCallback<Task> tasks = createAsyncCallback(this::runTask);
    private final AsyncCallback<Runnable> loopTasks = createAsyncCallback(this::runLoopTask);
    private final Transport.Loop loop =
        new Transport.Loop(loopTasks::invoke, this::schedule, false);

    Logic() {
      super(shape);
      setHandler(
          in,
          new AbstractInHandler() {
            @Override
            public void onPush() {} // never pulled
          });
    }

    @Override
    public void preStart() {
      setKeepGoing(true);
    }

    @Override
    public void run(Consumer<Materializer> materialize, Runnable onLost) {
      tasks
          .invokeWithFeedbackCompletionStage(new Task(materialize, onLost))
          .whenComplete(
              (done, failure) -> {
                if (failure != null) onLost.run(); // the host ended before it ran the task
              });
    }

    @Override
    public Transport.Loop loop() {
      return loop;
    }

    private Transport.Timer schedule(Duration delay, Runnable task) {
      Cancellable c =
          system
              .scheduler()
              .scheduleOnce(delay, () -> loopTasks.invoke(task), system.executionContext());
      return c::cancel;
    }

    private void runLoopTask(Runnable task) {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("a task on a shared TCP interpreter failed", e);
      }
    }

    private void runTask(Task task) {
      try {
        task.materialize().accept(subFusingMaterializer());
      } catch (RuntimeException e) {
        log.warn("a TCP connection's stream could not be started", e);
        task.onLost().run();
      }
    }
  }
}
