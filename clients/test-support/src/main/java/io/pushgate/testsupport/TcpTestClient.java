package io.pushgate.testsupport;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;

/**
 * A client of the raw TCP transport over a real socket (docs/protocol.md, "TCP transport"): writes
 * length-prefixed frames, and a reader thread turns what arrives into {@link Event}s; or, made by
 * {@link #connectNotReading}, reads only when the test asks, so the server's writes back up. Every
 * wait is bounded ({@link #TIMEOUT_SECONDS}).
 */
public final class TcpTestClient implements AutoCloseable, FrameExpectations {

  public static final long TIMEOUT_SECONDS = 20;
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final ObjectMapper CBOR = new CBORMapper();

  public sealed interface Event {}

  /** A frame of kind 1 (JSON) or 2 (CBOR), parsed. */
  public record Frame(int kind, JsonNode frame) implements Event {}

  /** A close frame (kind 3); code -1 when it had none. */
  public record Closed(int code, String reason) implements Event {}

  /** The server ended the stream (FIN), or the socket failed. */
  public record Eof(String how) implements Event {}

  private final Socket socket;
  private final DataOutputStream out;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

  private TcpTestClient(Socket socket, boolean reading) throws IOException {
    this.socket = socket;
    this.out = new DataOutputStream(socket.getOutputStream());
    if (reading) {
      Thread reader = new Thread(this::read, "tcp-test-client-reader");
      reader.setDaemon(true);
      reader.start();
    }
  }

  public static TcpTestClient connect(InetSocketAddress address) throws IOException {
    return connect(SocketFactory.getDefault(), address);
  }

  public static TcpTestClient connect(SocketFactory factory, InetSocketAddress address)
      throws IOException {
    Socket socket = factory.createSocket(address.getAddress(), address.getPort());
    socket.setTcpNoDelay(true);
    if (socket instanceof SSLSocket tls) tls.startHandshake(); // fails here on a bad certificate
    return new TcpTestClient(socket, true);
  }

  /**
   * Connects a client that reads nothing unless told ({@link #readFrame}), with a receive buffer of
   * about {@code receiveBufferBytes}: what the server writes then backs up in the socket and in the
   * server's own queue, as with a client that stopped reading.
   */
  public static TcpTestClient connectNotReading(InetSocketAddress address, int receiveBufferBytes)
      throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(receiveBufferBytes);
    socket.connect(address);
    return new TcpTestClient(socket, false);
  }

  private void read() {
    try {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      while (true) events.add(readEvent(in));
    } catch (EOFException e) {
      events.add(new Eof("eof"));
    } catch (IOException e) {
      events.add(new Eof(e.toString()));
    }
  }

  /** Reads the next frame now, on the caller's thread: for a client made by connectNotReading. */
  public Event readFrame() throws IOException {
    return readEvent(new DataInputStream(socket.getInputStream()));
  }

  private static Event readEvent(DataInputStream in) throws IOException {
    int length = in.readInt();
    int kind = in.readUnsignedByte();
    byte[] body = new byte[length - 1];
    in.readFully(body);
    return switch (kind) {
      case 1 -> new Frame(1, JSON.readTree(body));
      case 2 -> new Frame(2, CBOR.readTree(body));
      case 3 ->
          body.length < 2
              ? new Closed(-1, "")
              : new Closed(
                  ((body[0] & 0xff) << 8) | (body[1] & 0xff),
                  new String(body, 2, body.length - 2, StandardCharsets.UTF_8));
      default -> throw new IOException("unknown frame kind " + kind);
    };
  }

  // ---- sending ----

  public void sendFrame(int kind, byte[] body) throws IOException {
    out.writeInt(1 + body.length);
    out.writeByte(kind);
    out.write(body);
    out.flush();
  }

  public void send(String json) throws IOException {
    sendFrame(1, json.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends {@code json} re-encoded as a CBOR frame. */
  public void sendCbor(String json) throws IOException {
    sendFrame(2, CBOR.writeValueAsBytes(JSON.readTree(json)));
  }

  public void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  public void sendClose(int code) throws IOException {
    sendFrame(3, new byte[] {(byte) (code >>> 8), (byte) code});
  }

  public void hello(String app, String token, Integer hb) throws IOException {
    send(helloJson(app, token, hb));
  }

  public static String helloJson(String app, String token, Integer hb) {
    return "{\"t\":\"hello\",\"app\":\""
        + app
        + "\",\"token\":\""
        + token
        + "\""
        + (hb == null ? "" : ",\"hb\":" + hb)
        + "}";
  }

  public void ack(long seq) throws IOException {
    send("{\"t\":\"ack\",\"seq\":" + seq + "}");
  }

  /** Ends the client's side (FIN) without a close frame. */
  public void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  public InputStream input() throws IOException {
    return socket.getInputStream();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  // ---- expectations ----

  public Event next() throws InterruptedException {
    Event e = events.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(e, "no event within " + TIMEOUT_SECONDS + " s");
    return e;
  }

  /** The next event must be a frame; returns it. */
  public Frame nextFrame() throws Exception {
    Event e = next();
    if (!(e instanceof Frame frame)) throw new AssertionError("expected a frame, got " + e);
    return frame;
  }

  @Override
  public JsonNode nextJson() throws Exception {
    return nextFrame().frame();
  }

  /**
   * Skips frames until the close frame, which must then be followed by the end of the stream;
   * returns its code.
   */
  public int awaitClose() throws Exception {
    while (true) {
      Event e = next();
      if (e instanceof Closed closed) {
        Event after = next();
        if (!(after instanceof Eof))
          throw new AssertionError(
              "expected the end of stream after the close frame, got " + after);
        return closed.code();
      }
      if (e instanceof Eof eof)
        throw new AssertionError("stream ended without a close frame: " + eof.how());
    }
  }

  /** Skips frames until the end of the stream (no close frame expected). */
  public void awaitEof() throws Exception {
    while (!(next() instanceof Eof)) {
      // skip
    }
  }
}
