package io.pushgate.gateway.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BseqRingTest {

  @Test
  void holdsUpToItsCapacityAndRefusesMore() {
    BseqRing ring = new BseqRing(3);
    ring.add(1);
    ring.add(2);
    ring.add(3);
    assertTrue(ring.isFull());
    assertThrows(IllegalStateException.class, () -> ring.add(4));
    assertEquals(3, ring.size());
  }

  @Test
  void aCumulativeAckDropsEverythingUpToItAndNothingAfter() {
    BseqRing ring = new BseqRing(64);
    for (long b = 10; b < 20; b++) ring.add(b);
    ring.removeUpTo(14);
    assertEquals(5, ring.size());
    ring.removeUpTo(14);
    assertEquals(5, ring.size(), "an ack seen twice drops nothing more");
    ring.removeUpTo(100);
    assertEquals(0, ring.size());
    assertFalse(ring.isFull());
  }

  /** Wraps, grows while wrapped and clears, against an ArrayDeque doing the same. */
  @Test
  void behavesAsABoundedQueueThroughWrapsAndGrowth() {
    Random random = new Random(42);
    for (int capacity : new int[] {1, 2, 7, 8, 9, 64, 100}) {
      BseqRing ring = new BseqRing(capacity);
      ArrayDeque<Long> model = new ArrayDeque<>();
      long next = 1;
      for (int step = 0; step < 20_000; step++) {
        int op = random.nextInt(10);
        if (op < 6) {
          if (model.size() < capacity) {
            ring.add(next);
            model.addLast(next++);
          }
        } else if (op < 9) {
          long upTo = model.isEmpty() ? next : model.peekFirst() + random.nextInt(capacity + 1);
          ring.removeUpTo(upTo);
          while (!model.isEmpty() && model.peekFirst() <= upTo) model.pollFirst();
        } else if (random.nextInt(50) == 0) {
          ring.clear();
          model.clear();
        }
        assertEquals(model.size(), ring.size(), "size at step " + step + ", capacity " + capacity);
        assertEquals(model.size() == capacity, ring.isFull());
        if (!model.isEmpty()) {
          // the oldest is what a cumulative ack just below it keeps
          long oldest = model.peekFirst();
          int before = ring.size();
          ring.removeUpTo(oldest - 1);
          assertEquals(
              before, ring.size(), "nothing older than " + oldest + " left, capacity " + capacity);
        }
      }
    }
  }
}
