package io.pushgate.api.server;

import java.time.Duration;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * The byte-level guard of one API connection, between the socket (below) and Pekko's HTTP layer
 * (above). It answers, with a problem written directly to the socket, what the HTTP layer would
 * otherwise leave hanging:
 *
 * <ul>
 *   <li><b>Read deadline</b>: a request head must arrive whole within {@code request-read-timeout}
 *       of its first byte (of the connection's opening, for the first request), else 408 {@code
 *       request_timeout} and the connection is closed. Bounds slowloris senders, which the idle
 *       timeout does not (every byte resets it). Between a whole head and the start of its response
 *       nothing is timed here: the body is bounded by the API's own body read deadline and the
 *       response by {@code request-timeout}. An idle keep-alive connection is bounded by {@code
 *       idle-timeout}.
 *   <li><b>Garbage</b>: the first request of a connection must start with a token character (an
 *       HTTP method), after optional empty lines; anything else (TLS to a plain port, a binary
 *       protocol) gets 400 {@code bad_request} at once instead of waiting for a line end that never
 *       comes.
 * </ul>
 *
 * <p>After it answered, the guard stops passing bytes either way, completes the socket's write side
 * and keeps reading and discarding for {@code linger} before closing, so a client still sending
 * gets the answer instead of a reset. The end of a head is found by its empty line ({@code CRLF
 * CRLF} or {@code LF LF}); bodies and pipelined requests are not scanned. One instance per
 * connection; confined to its stream stage.
 */
final class ConnectionGuard
    extends GraphStage<BidiShape<ByteString, ByteString, ByteString, ByteString>> {

  /** The guard's two answers as bytes on the wire, rendered once per listener. */
  record Answers(ByteString requestTimeout, ByteString malformed) {
    static Answers render(ListenerAnswers answers, String server) {
      return new Answers(
          RawResponse.render(answers.slowRequest(), server),
          RawResponse.render(answers.malformed(), server));
    }
  }

  private final Inlet<ByteString> fromHttp = Inlet.create("ConnectionGuard.fromHttp");
  private final Outlet<ByteString> toNet = Outlet.create("ConnectionGuard.toNet");
  private final Inlet<ByteString> fromNet = Inlet.create("ConnectionGuard.fromNet");
  private final Outlet<ByteString> toHttp = Outlet.create("ConnectionGuard.toHttp");
  private final BidiShape<ByteString, ByteString, ByteString, ByteString> shape =
      BidiShape.of(fromHttp, toNet, fromNet, toHttp);

  private final Duration readTimeout;
  private final Duration linger;
  private final Answers answers;
  private final ApiServerMeters meters;

  private ConnectionGuard(
      Duration readTimeout, Duration linger, Answers answers, ApiServerMeters meters) {
    this.readTimeout = readTimeout;
    this.linger = linger;
    this.answers = answers;
    this.meters = meters;
  }

  /** The guard as a bidi flow: top is HTTP layer to socket, bottom socket to HTTP layer. */
  static BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> flow(
      Duration readTimeout, Duration linger, Answers answers, ApiServerMeters meters) {
    return BidiFlow.fromGraph(new ConnectionGuard(readTimeout, linger, answers, meters));
  }

  @Override
  public BidiShape<ByteString, ByteString, ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new Logic();
  }

  private static final String DEADLINE = "read-deadline";
  private static final String LINGER = "linger";

  private final class Logic extends TimerGraphStageLogic {
    /** No byte of the connection seen yet: the garbage check applies to the first one. */
    private boolean firstRequest = true;

    /** A whole head arrived and its response has not started: inbound bytes are not scanned. */
    private boolean awaitingResponse;

    /** The head being read has ended a line and seen nothing but CR since. */
    private boolean afterLineFeed;

    private boolean armed;

    /** The guard answered: bytes are no longer passed, the answer is (being) written. */
    private ByteString answer;

    Logic() {
      super(shape);
      setHandler(
          fromNet,
          new AbstractInHandler() {
            @Override
            public void onPush() {
              ByteString bytes = grab(fromNet);
              if (answer != null) {
                pull(fromNet); // lingering: read and discard
                return;
              }
              if (inspect(bytes)) push(toHttp, bytes);
            }

            @Override
            public void onUpstreamFinish() {
              if (answer != null) completeStage();
              else
                complete(
                    toHttp); // the client half-closed: the HTTP layer answers what it has, then
              // closes
            }
          });
      setHandler(
          toHttp,
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              if (answer == null && !hasBeenPulled(fromNet)) pull(fromNet);
            }

            @Override
            public void onDownstreamFinish(Throwable cause) {
              if (answer == null) cancel(fromNet, cause);
            }
          });
      setHandler(
          fromHttp,
          new AbstractInHandler() {
            @Override
            public void onPush() {
              ByteString bytes = grab(fromHttp);
              if (answer != null) return; // our answer owns the socket now
              responseStarted(bytes);
              push(toNet, bytes);
            }

            @Override
            public void onUpstreamFinish() {
              if (answer == null) {
                cancelTimer(DEADLINE);
                complete(toNet);
              }
            }

            @Override
            public void onUpstreamFailure(Throwable ex) {
              if (answer == null) fail(toNet, ex);
            }
          });
      setHandler(
          toNet,
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              if (answer != null) writeAnswer();
              else if (!hasBeenPulled(fromHttp) && !isClosed(fromHttp)) pull(fromHttp);
            }

            @Override
            public void onDownstreamFinish(Throwable cause) {
              completeStage();
            }
          });
    }

    @Override
    public void preStart() {
      arm();
    }

    /** Scans inbound bytes; false if the guard answered instead of passing them. */
    private boolean inspect(ByteString bytes) {
      if (awaitingResponse) return true; // a body, or a pipelined request: not scanned
      int n = bytes.length();
      int i = 0;
      if (firstRequest) {
        while (i < n && (bytes.apply(i) == '\r' || bytes.apply(i) == '\n'))
          i++; // empty lines first (RFC 9112 2.2)
        if (i == n) return true;
        if (!isTokenChar(bytes.apply(i))) {
          meters.cut("malformed");
          answerWith(answers.malformed());
          return false;
        }
        firstRequest = false;
      }
      while (i < n) {
        if (afterLineFeed) { // at the start of a line: an empty one ends the head
          while (i < n && bytes.apply(i) == '\r') i++;
          if (i == n) break;
          if (bytes.apply(i) == '\n') {
            headReceived();
            return true; // what follows is a body or the next request
          }
          afterLineFeed = false;
        }
        int lineFeed = bytes.indexOf((byte) '\n', i);
        if (lineFeed < 0) break;
        afterLineFeed = true;
        i = lineFeed + 1;
      }
      // timed only when a head is left incomplete: the usual head, whole in one read, costs no
      // timer
      if (!armed) arm();
      return true;
    }

    private void headReceived() {
      awaitingResponse = true;
      afterLineFeed = false;
      if (armed) {
        armed = false;
        cancelTimer(DEADLINE);
      }
    }

    private void responseStarted(ByteString bytes) {
      // the next request's first byte arms the deadline; bytes of it that came before this
      // response (pipelining) are not timed: idle-timeout bounds a pipelined head left unfinished
      if (awaitingResponse && !isInterim(bytes))
        awaitingResponse = false; // 100 Continue: the body is still to come
    }

    private void arm() {
      armed = true;
      scheduleOnce(DEADLINE, readTimeout);
    }

    @Override
    public void onTimer(Object key) {
      if (DEADLINE.equals(key)) {
        if (armed && !awaitingResponse && answer == null) {
          meters.cut("read_timeout");
          answerWith(answers.requestTimeout());
        }
      } else if (LINGER.equals(key)) {
        completeStage();
      }
    }

    /** Stops passing bytes, writes {@code bytes} and closes the write side, then lingers. */
    private void answerWith(ByteString bytes) {
      answer = bytes;
      cancelTimer(DEADLINE);
      cancel(fromHttp);
      complete(toHttp);
      if (isAvailable(toNet)) writeAnswer();
      if (!hasBeenPulled(fromNet) && !isClosed(fromNet)) pull(fromNet);
      scheduleOnce(LINGER, linger);
    }

    private void writeAnswer() {
      if (isClosed(toNet)) return; // written already
      push(toNet, answer);
      complete(toNet);
    }
  }

  /** A 1xx status line: {@code HTTP/1.x 1..}. */
  private static boolean isInterim(ByteString bytes) {
    return bytes.length() > 9
        && bytes.apply(0) == 'H'
        && bytes.apply(8) == ' '
        && bytes.apply(9) == '1';
  }

  /** RFC 9110 tchar: the characters a method may have. */
  static boolean isTokenChar(byte b) {
    if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')) return true;
    return "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
  }
}
