package io.pushgate.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenerRoundsTest {

  private final List<String> told = new ArrayList<>();
  private final ListenerRounds rounds = new ListenerRounds();

  private Runnable listener(String name) {
    Runnable r = () -> told.add(name);
    rounds.add(r);
    return r;
  }

  @Test
  void aRoundTellsEveryListenerOnceAtMostBudgetPerTick() {
    for (int i = 0; i < 5; i++) listener("l" + i);
    assertFalse(rounds.pending());
    rounds.broadcastArrived();
    rounds.tell(2);
    assertEquals(2, told.size());
    assertTrue(rounds.pending());
    rounds.tell(2);
    rounds.tell(2);
    assertEquals(5, told.size());
    assertEquals(5, told.stream().distinct().count(), "each once: " + told);
    assertFalse(rounds.pending());
    rounds.tell(10);
    assertEquals(5, told.size(), "nothing more without a broadcast");
  }

  @Test
  void aBroadcastDuringARoundTellsEveryoneAgainAfterIt() {
    for (int i = 0; i < 4; i++) listener("l" + i);
    rounds.broadcastArrived();
    rounds.tell(3);
    rounds
        .broadcastArrived(); // the one not told yet hears in this round, the three told again after
    rounds.broadcastArrived(); // folded into the same next round
    rounds.tell(100);
    assertEquals(8, told.size(), "one round to end, one more for everyone: " + told);
    assertFalse(rounds.pending());
  }

  @Test
  void aListenerRemovedDuringARoundIsSkippedWithoutSpendingBudget() {
    Runnable a = listener("a");
    Runnable b = listener("b");
    listener("c");
    rounds.broadcastArrived();
    rounds.remove(a);
    rounds.remove(b);
    rounds.tell(1);
    assertEquals(List.of("c"), told, "the removed ones did not use up the budget of 1");
    rounds.tell(1);
    assertEquals(List.of("c"), told);
    assertFalse(rounds.pending());
  }

  @Test
  void aListenerAddedDuringARoundHearsInTheNextOne() {
    listener("a");
    rounds.broadcastArrived();
    listener("late");
    rounds.tell(10);
    assertEquals(List.of("a"), told);
    rounds.broadcastArrived();
    rounds.tell(10);
    assertEquals(3, told.size());
    assertTrue(told.contains("late"));
  }

  @Test
  void addingTheSameListenerTwiceKeepsOne() {
    Runnable a = listener("a");
    assertFalse(rounds.add(a));
    rounds.broadcastArrived();
    rounds.tell(10);
    assertEquals(List.of("a"), told);
  }
}
