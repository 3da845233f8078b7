package io.pushgate.gateway.connection;

import io.pushgate.fanout.LivePush;

/** A local connection that takes QoS 0 live pushes (app-wide broadcasts, topic messages). */
interface LiveTarget {

  /**
   * Writes one live push, already encoded as a frame shared by every target on this node. Called
   * from any thread; the target hands it to its event loop and may drop it (not open, not writable:
   * QoS 0).
   */
  void writeLive(LivePush push, SharedFrame frame);
}
