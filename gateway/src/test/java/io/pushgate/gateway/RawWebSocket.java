package io.pushgate.gateway;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a bare {@link Socket} that can send anything (bad opcodes, bad lengths,
 * invalid UTF-8, bad close codes, floods) and records exactly what the server sent back, frame by
 * frame, and how the TCP connection ended (EOF or reset). {@link java.net.http.WebSocket} hides
 * both (it never reports a second close frame), so the close-frame and fuzz tests use this. Not
 * thread-safe; one test thread drives it.
 */
final class RawWebSocket implements AutoCloseable {

  static final int TEXT = 0x1,
      BINARY = 0x2,
      CLOSE = 0x8,
      PING = 0x9,
      PONG = 0xA,
      CONTINUATION = 0x0;

  /** One frame as the server sent it. */
  record Frame(boolean fin, int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The close code of a close frame (1005 when it has no body). */
    int closeCode() {
      return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }

    @Override
    public String toString() {
      return opcode == CLOSE
          ? "close(" + closeCode() + ")"
          : "frame(op=" + opcode + ", " + text() + ")";
    }
  }

  /** How the connection ended for the client. */
  enum Ending {
    EOF,
    RESET,
    TIMEOUT
  }

  /** Everything the server sent until the connection ended. */
  record Transcript(List<Frame> frames, Ending ending) {
    List<Frame> closeFrames() {
      return frames.stream().filter(f -> f.opcode() == CLOSE).toList();
    }

    /** The one close frame's code; fails unless there is exactly one. */
    int singleCloseCode() {
      List<Frame> closes = closeFrames();
      if (closes.size() != 1)
        throw new AssertionError("expected exactly one close frame, got " + this);
      return closes.get(0).closeCode();
    }

    boolean hasText(String fragment) {
      return frames.stream().anyMatch(f -> f.opcode() == TEXT && f.text().contains(fragment));
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects and completes the upgrade on {@code path}; fails unless the server answers 101. */
  static RawWebSocket open(int port, String path) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(20_000);
    RawWebSocket ws = new RawWebSocket(socket);
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    String request =
        "GET "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: "
            + Base64.getEncoder().encodeToString(key)
            + "\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n";
    ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
    ws.out.flush();
    String head = ws.readHttpHead();
    if (!head.startsWith("HTTP/1.1 101")) throw new IOException("upgrade refused: " + head);
    return ws;
  }

  private String readHttpHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) throw new EOFException("EOF in HTTP response head: " + head);
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  // ---- sending ----

  /** Sends one masked frame as a conforming client would (the payload is not checked). */
  void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
    out.write(encode(fin, opcode, payload));
    out.flush();
  }

  void sendText(String text) throws IOException {
    sendFrame(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A close frame with {@code code} and {@code reason} bytes (which may be invalid UTF-8). */
  void sendClose(int code, byte[] reason) throws IOException {
    byte[] body = new byte[2 + reason.length];
    body[0] = (byte) (code >> 8);
    body[1] = (byte) code;
    System.arraycopy(reason, 0, body, 2, reason.length);
    sendFrame(true, CLOSE, body);
  }

  /** Bytes as they are, for malformed headers and floods. */
  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  static byte[] encode(boolean fin, int opcode, byte[] payload) {
    return encodeRaw((fin ? 0x80 : 0) | (opcode & 0x0f), payload);
  }

  /** A masked frame with any first byte (FIN, RSV bits, opcode), e.g. with reserved bits set. */
  static byte[] encodeRaw(int firstByte, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write(firstByte);
    int len = payload.length;
    if (len < 126) {
      frame.write(0x80 | len);
    } else if (len <= 0xffff) {
      frame.write(0x80 | 126);
      frame.write(len >> 8);
      frame.write(len);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) frame.write((int) ((long) len >> shift));
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.writeBytes(mask);
    for (int i = 0; i < len; i++) frame.write(payload[i] ^ mask[i & 3]);
    return frame.toByteArray();
  }

  // ---- receiving ----

  /** The next frame; null at EOF. */
  Frame readFrame() throws IOException {
    int b0 = in.read();
    if (b0 < 0) return null;
    int b1 = in.readUnsignedByte();
    long len = b1 & 0x7f;
    if (len == 126) len = in.readUnsignedShort();
    else if (len == 127) len = in.readLong();
    if ((b1 & 0x80) != 0) throw new IOException("the server masked a frame");
    if (len > 16 << 20) throw new IOException("server frame of " + len + " bytes");
    byte[] payload = new byte[(int) len];
    in.readFully(payload);
    return new Frame((b0 & 0x80) != 0, b0 & 0x0f, payload);
  }

  /**
   * Reads until the server ends the connection, answering its close frame as a conforming client
   * does (echoing the code) when {@code answerClose}. Gives up after {@code timeoutMillis}.
   */
  Transcript readUntilEnd(boolean answerClose, int timeoutMillis) throws IOException {
    List<Frame> frames = new ArrayList<>();
    socket.setSoTimeout(timeoutMillis);
    boolean answered = false;
    try {
      while (true) {
        Frame f = readFrame();
        if (f == null) return new Transcript(frames, Ending.EOF);
        frames.add(f);
        if (f.opcode() == CLOSE && answerClose && !answered) {
          answered = true;
          try {
            sendFrame(
                true,
                CLOSE,
                f.payload().length >= 2
                    ? new byte[] {f.payload()[0], f.payload()[1]}
                    : new byte[0]);
          } catch (IOException e) {
            // the server may have closed already; what it sent is still to be read
          }
        }
      }
    } catch (SocketTimeoutException e) {
      return new Transcript(frames, Ending.TIMEOUT);
    } catch (SocketException | EOFException e) {
      return new Transcript(frames, Ending.RESET);
    }
  }

  /** The next text frame (skipping control frames); fails at EOF. */
  String nextText() throws IOException {
    while (true) {
      Frame f = readFrame();
      if (f == null) throw new EOFException("EOF while waiting for a text frame");
      if (f.opcode() == TEXT) return f.text();
      if (f.opcode() == CLOSE)
        throw new AssertionError("closed while waiting for a text frame: " + f);
    }
  }

  InputStream input() {
    return in;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
