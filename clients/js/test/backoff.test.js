import { test } from "node:test";
import assert from "node:assert/strict";
import { backoffDelay, shouldReconnect, PushgateClient } from "../src/pushgate.js";

test("backoff grows by factor up to max, with jitter around it", () => {
  const policy = { baseMillis: 1000, factor: 2, jitter: 0.5, maxMillis: 5000 };
  assert.equal(backoffDelay(policy, 0, () => 0.5), 1000);
  assert.equal(backoffDelay(policy, 2, () => 0.5), 4000);
  assert.equal(backoffDelay(policy, 10, () => 0.5), 5000, "capped at max");
  assert.equal(backoffDelay(policy, 0, () => 0), 500, "jitter -50 %");
  assert.equal(backoffDelay(policy, 0, () => 1), 1500, "jitter +50 %");
});

test("terminal close codes stop; 4100 retries only with a token function", () => {
  for (const code of [1002, 1007, 1008, 1009, 4101, 4102, 4103, 4104]) assert.equal(shouldReconnect(code, true), false, `${code}`);
  for (const code of [1001, 1006, 1011, 1013, 4000, 4001, 4002, 4003, 4004]) assert.equal(shouldReconnect(code, false), true, `${code}`);
  assert.equal(shouldReconnect(4100, false), false);
  assert.equal(shouldReconnect(4100, true), true);
});

test("QoS 1 duplicates are acked but emitted once; acks are batched", () => {
  const sent = [];
  class FakeSocket { constructor() { this.readyState = 1; } send(f) { sent.push(JSON.parse(f)); } close() {} }
  const client = new PushgateClient({ api: "http://x", app: "demo", user: "u", token: "t", WebSocket: FakeSocket, ackBatch: 3, ackDelayMs: 60000 });
  client.ws = new FakeSocket();
  client.welcomed = true;
  const got = [];
  client.on("message", (m) => got.push(m.seq));
  for (const seq of [1, 2, 2, 1]) client.onFrame(JSON.stringify({ t: "push", id: `m${seq}`, qos: 1, seq, data: {} }));
  assert.deepEqual(got, [1, 2]);
  assert.deepEqual(sent, [{ t: "ack", seq: 2 }], "one cumulative ack after 3 pushes (ackBatch)");
  client.close();
  assert.deepEqual(sent.at(-1), { t: "ack", seq: 2 }, "close flushes the pending ack");
});
