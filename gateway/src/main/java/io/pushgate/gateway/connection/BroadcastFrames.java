package io.pushgate.gateway.connection;

import io.pushgate.gateway.protocol.CborCodec;
import io.pushgate.gateway.protocol.FrameCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * QoS 1 broadcast push frames of this gateway node, encoded once and shared by every connection
 * that is given the same broadcast (the frame is the same for every user of the app: same id, bseq
 * and data). Thread-safe. Bounded: past {@link #MAX_FRAMES} frames the cache starts again empty (a
 * broadcast's pushes cluster in time, so a rare re-encoding is all it costs).
 */
final class BroadcastFrames {

  static final int MAX_FRAMES = 4096;

  private final Map<Key, SharedFrame> frames = new ConcurrentHashMap<>();

  /** A frame's identity; a record, so a lookup per delivery builds no string (measured: 2 %). */
  private record Key(String app, long bseq, boolean withApp) {}

  /** The frame of broadcast {@code bseq} of {@code app}; {@code withApp} names the app in it. */
  SharedFrame frame(String app, String id, long bseq, String data, boolean withApp) {
    Key key = new Key(app, bseq, withApp);
    SharedFrame frame = frames.get(key);
    if (frame == null) {
      if (frames.size() >= MAX_FRAMES) frames.clear();
      String named = withApp ? app : null;
      frame =
          new SharedFrame(
              FrameCodec.push(id, 1, 0, bseq, data, named).getBytes(StandardCharsets.UTF_8),
              () -> CborCodec.push(id, 1, 0, bseq, data, named));
      frames.put(key, frame);
    }
    return frame;
  }
}
