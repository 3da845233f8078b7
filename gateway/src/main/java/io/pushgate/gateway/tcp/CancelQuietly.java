package io.pushgate.gateway.tcp;

import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * A pass-through stage that turns a failing cancellation from downstream into a plain one
 * upstream. Placed between the TCP read side and {@code Framing}: when framing fails (an
 * oversize or negative length), Pekko's TCP stage would abort the connection (a reset) on a
 * failing cancellation, destroying the close frame that is still to be written; a plain
 * cancellation only stops reading, so the close frame goes out and the write side half-closes.
 */
final class CancelQuietly<T> extends GraphStage<FlowShape<T, T>> {

  private final Inlet<T> in = Inlet.create("CancelQuietly.in");
  private final Outlet<T> out = Outlet.create("CancelQuietly.out");
  private final FlowShape<T, T> shape = FlowShape.of(in, out);

  @Override
  public FlowShape<T, T> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new GraphStageLogic(shape) {
      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            push(out, grab(in));
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(in);
          }

          @Override
          public void onDownstreamFinish(Throwable cause) {
            cancel(in); // without the cause
          }
        });
      }
    };
  }
}
