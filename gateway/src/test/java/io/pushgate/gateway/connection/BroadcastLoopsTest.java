package io.pushgate.gateway.connection;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushgate.gateway.transport.Transport;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BroadcastLoopsTest {

  /**
   * An event loop the test turns: tasks queue until {@link #runAll}; timers until {@link #tick}.
   */
  private static final class Loop implements Executor {
    final Queue<Runnable> tasks = new ArrayDeque<>();
    final List<Runnable> timers = new ArrayList<>();
    int handedOver;

    @Override
    public void execute(Runnable task) {
      handedOver++;
      tasks.add(task);
    }

    Transport.Loop loop() {
      return new Transport.Loop(
          this,
          (delay, task) -> {
            timers.add(task);
            return () -> timers.remove(task);
          },
          true);
    }

    void runAll() {
      for (Runnable t; (t = tasks.poll()) != null; ) t.run();
    }

    void tick() {
      List<Runnable> due = new ArrayList<>(timers);
      timers.clear();
      due.forEach(Runnable::run);
    }
  }

  private final ListBroadcastFeed feed = new ListBroadcastFeed(Duration.ofSeconds(1));

  private static Runnable counting(AtomicInteger count) {
    return count::incrementAndGet;
  }

  @Test
  void connectionsOfOneLoopAreOneListenerAndOneHandOverPerBroadcast() {
    BroadcastLoops loops = new BroadcastLoops(feed, app -> 1_000_000);
    Loop loop = new Loop();
    AtomicInteger a = new AtomicInteger();
    AtomicInteger b = new AtomicInteger();
    loops.follow("app", loop.loop(), counting(a));
    loops.follow("app", loop.loop(), counting(b));
    assertEquals(1, feed.listeners.size(), "one feed listener per loop and app");

    feed.news();
    feed.news(); // a second broadcast before the loop ran: the wake-up on its way covers it
    assertEquals(1, loop.handedOver);
    loop.runAll();
    assertEquals(1, a.get());
    assertEquals(1, b.get());

    feed.news(); // after the loop ran, a broadcast wakes it again
    loop.runAll();
    assertEquals(2, a.get());
    assertEquals(2, loop.handedOver);
  }

  @Test
  void eachLoopAndAppIsItsOwnGroup() {
    BroadcastLoops loops = new BroadcastLoops(feed, app -> 1_000_000);
    Loop one = new Loop();
    Loop two = new Loop();
    loops.follow("app", one.loop(), () -> {});
    loops.follow("app", two.loop(), () -> {});
    loops.follow("other", one.loop(), () -> {});
    assertEquals(3, loops.groupCount());
    assertEquals(3, feed.listeners.size());
  }

  @Test
  void theLastMemberToLeaveUnfollowsTheFeed() {
    BroadcastLoops loops = new BroadcastLoops(feed, app -> 1_000_000);
    Loop loop = new Loop();
    AtomicInteger a = new AtomicInteger();
    Runnable first = counting(a);
    Runnable second = () -> {};
    loops.follow("app", loop.loop(), first);
    loops.follow("app", loop.loop(), second);
    loops.unfollow("app", loop, first);
    assertEquals(1, feed.listeners.size());
    feed.news();
    loop.runAll();
    assertEquals(0, a.get(), "a member that left is not woken");

    loops.unfollow("app", loop, second);
    assertTrue(feed.listeners.isEmpty(), "the group still follows the feed");
    assertEquals(0, loops.groupCount());
    loops.unfollow("app", loop, second); // twice: no-op
  }

  @Test
  void aGroupWakesASliceOfItsMembersPerTickAtTheAppsRate() {
    // 200 per second is 2 per 10 ms tick on this node; one group has it all
    BroadcastLoops loops = new BroadcastLoops(feed, app -> 200);
    Loop loop = new Loop();
    AtomicInteger woken = new AtomicInteger();
    for (int i = 0; i < 5; i++) loops.follow("app", loop.loop(), counting(woken));
    feed.news();
    loop.runAll();
    assertEquals(2, woken.get());
    assertEquals(1, loop.timers.size(), "the rest waits for the next tick");
    loop.tick();
    assertEquals(4, woken.get());
    loop.tick();
    assertEquals(5, woken.get());
    assertTrue(loop.timers.isEmpty(), "a round that ended schedules nothing");
  }

  @Test
  void theAppsRateIsSharedAmongItsGroups() {
    BroadcastLoops loops = new BroadcastLoops(feed, app -> 400); // 4 per tick on the node
    Loop one = new Loop();
    Loop two = new Loop();
    AtomicInteger woken = new AtomicInteger();
    for (int i = 0; i < 5; i++) {
      loops.follow("app", one.loop(), counting(woken));
      loops.follow("app", two.loop(), counting(woken));
    }
    feed.news();
    one.runAll();
    two.runAll();
    assertEquals(4, woken.get(), "two groups, 2 each per tick");
  }

  @Test
  void aLoopThatRefusesTasksIsNotAnError() {
    BroadcastLoops loops = new BroadcastLoops(feed, app -> 1_000_000);
    AtomicInteger attempts = new AtomicInteger();
    Executor shutDown =
        task -> {
          attempts.incrementAndGet();
          throw new RejectedExecutionException("shut down");
        };
    loops.follow("app", new Transport.Loop(shutDown, (d, t) -> () -> {}, true), () -> {});
    assertDoesNotThrow(feed::news);
    assertDoesNotThrow(feed::news);
    assertEquals(2, attempts.get(), "a refused wake-up does not block the next one");
  }
}
