package io.pushgate.api.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * One accepted Netty channel as a Pekko Streams flow of bytes, under the API's HTTP layer: what the
 * flow emits was read from the socket, what it takes is written to it. It replaces Pekko IO's TCP
 * connection there: a read reaches the stream in one hand-off (event loop to the stream's actor)
 * and a write leaves it in one (the other way), where Pekko IO takes about six per request
 * (selector, connection actor, read resumption with its selector wake-up, write acknowledgement;
 * docs/benchmarks.md, "The unicast path").
 *
 * <p>Semantics, those of Pekko's TCP flow with half-close on:
 *
 * <ul>
 *   <li>Reads are pushed as they arrive. At most {@value #MAX_WAITING_READS} reads wait for demand;
 *       then the channel stops reading (auto-read off) until they are taken.
 *   <li>The peer's half-close (FIN) completes the output once the reads before it are taken.
 *   <li>Completing the input (nothing more to write) half-closes the socket after the writes before
 *       it; failing it closes the channel at once.
 *   <li>Writes are pulled one at a time while the channel is writable (its outbound buffer under
 *       the high-water mark), then only when it is writable again.
 *   <li>The channel is closed, after every write, when the stage stops (both sides done, or the
 *       stream torn down); the channel closing (reset, our close) completes the output and cancels
 *       the input.
 * </ul>
 *
 * The channel must be created with auto-read off and have {@link Bridge} in its pipeline (see
 * {@link #install}); the flow turns reading on when it starts. Materialize once per channel.
 */
final class ChannelFlow extends GraphStage<FlowShape<ByteString, ByteString>> {

  /** Reads that may wait for the HTTP layer's demand before the channel pauses reading. */
  static final int MAX_WAITING_READS = 4;

  private final Inlet<ByteString> in = Inlet.create("ChannelFlow.in");
  private final Outlet<ByteString> out = Outlet.create("ChannelFlow.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
  private final Channel channel;

  private ChannelFlow(Channel channel) {
    this.channel = channel;
  }

  /** Adds the handler that feeds the flow to a new channel's pipeline (on its initialisation). */
  static void install(Channel channel) {
    channel.pipeline().addLast(new Bridge());
  }

  /** The flow of {@code channel} (installed with {@link #install}, auto-read off). */
  static Flow<ByteString, ByteString, NotUsed> of(Channel channel) {
    return Flow.fromGraph(new ChannelFlow(channel));
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  /**
   * What the event loop tells the stage; each method only hands over to the stage (async
   * callbacks).
   */
  private interface Listener {
    void read(ByteString bytes);

    void peerClosed();

    void writable();

    void closed();
  }

  /** The channel's end of the flow: confined to its event loop. */
  static final class Bridge extends ChannelInboundHandlerAdapter {
    private Listener listener;
    private boolean closed;

    /** Called on the event loop: from now on events go to {@code l}, and reading starts. */
    private void attach(ChannelHandlerContext ctx, Listener l) {
      listener = l;
      if (closed) {
        l.closed();
      } else {
        ctx.channel().config().setAutoRead(true);
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        if (listener != null) listener.read(ByteString.fromArrayUnsafe(ByteBufUtil.getBytes(buf)));
      } finally {
        buf.release();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof ChannelInputShutdownEvent) {
        if (listener != null) listener.peerClosed();
      } else {
        super.userEventTriggered(ctx, evt);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable() && listener != null) listener.writable();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closed = true;
      if (listener != null) listener.closed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a reset or an I/O error: the channel's end, reported by channelInactive
    }
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new GraphStageLogic(shape) {
      private final ArrayDeque<ByteString> waiting = new ArrayDeque<>(MAX_WAITING_READS);
      private boolean peerClosed;
      private boolean paused;
      private boolean awaitingWritable;

      {
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                ByteString next = waiting.poll();
                if (next != null) {
                  push(out, next);
                  if (paused && waiting.size() < MAX_WAITING_READS) {
                    paused = false;
                    channel.config().setAutoRead(true);
                  }
                } else if (peerClosed) {
                  complete(out);
                }
              }

              @Override
              public void onDownstreamFinish(Throwable cause) {
                // no more reads wanted: the writes still go out; the channel closes when the stage
                // stops
                waiting.clear();
                if (isClosed(in)) completeStage();
              }
            });
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                ByteString bytes = grab(in);
                channel.writeAndFlush(
                    Unpooled.wrappedBuffer(bytes.asByteBuffer()), channel.voidPromise());
                if (channel.isWritable()) {
                  pull(in);
                } else {
                  awaitingWritable = true;
                }
              }

              @Override
              public void onUpstreamFinish() {
                // half-close after the writes before it (a FIN; the peer may still send)
                channel
                    .writeAndFlush(Unpooled.EMPTY_BUFFER)
                    .addListener(
                        (ChannelFutureListener)
                            f -> {
                              if (channel instanceof SocketChannel socket && channel.isActive())
                                socket.shutdownOutput();
                            });
                if (isClosed(out)) completeStage();
              }

              @Override
              public void onUpstreamFailure(Throwable ex) {
                channel.close();
                failStage(ex);
              }
            });
      }

      @Override
      public void preStart() {
        AsyncCallback<ByteString> onRead = createAsyncCallback(this::onRead);
        AsyncCallback<Boolean> onPeerClosed = createAsyncCallback(x -> onPeerClosed());
        AsyncCallback<Boolean> onWritable = createAsyncCallback(x -> onWritable());
        AsyncCallback<Boolean> onClosed = createAsyncCallback(x -> onClosed());
        Listener listener =
            new Listener() {
              @Override
              public void read(ByteString bytes) {
                onRead.invoke(bytes);
              }

              @Override
              public void peerClosed() {
                onPeerClosed.invoke(true);
              }

              @Override
              public void writable() {
                onWritable.invoke(true);
              }

              @Override
              public void closed() {
                onClosed.invoke(true);
              }
            };
        Bridge bridge = channel.pipeline().get(Bridge.class);
        ChannelHandlerContext ctx = bridge == null ? null : channel.pipeline().context(bridge);
        if (ctx == null) { // closed and torn down before the stream started
          completeStage();
          return;
        }
        try {
          channel.eventLoop().execute(() -> bridge.attach(ctx, listener));
        } catch (RejectedExecutionException e) { // the listener is stopping
          completeStage();
          return;
        }
        pull(in);
      }

      private void onRead(ByteString bytes) {
        if (isClosed(out)) return; // reads nobody wants any more: discarded
        if (waiting.isEmpty() && isAvailable(out)) {
          push(out, bytes);
          return;
        }
        waiting.add(bytes);
        if (!paused && waiting.size() >= MAX_WAITING_READS) {
          paused = true;
          channel.config().setAutoRead(false);
        }
      }

      private void onPeerClosed() {
        peerClosed = true;
        if (waiting.isEmpty() && !isClosed(out)) complete(out);
      }

      private void onWritable() {
        if (awaitingWritable && !isClosed(in) && !hasBeenPulled(in)) {
          awaitingWritable = false;
          pull(in);
        }
      }

      private void onClosed() {
        completeStage();
      }

      @Override
      public void postStop() {
        // after every write already queued; a no-op if the channel is closed
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
    };
  }
}
