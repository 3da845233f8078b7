// Against a real node: PUSHGATE_API (e.g. http://127.0.0.1:8081), PUSHGATE_APP, PUSHGATE_API_KEY.
// Run by cluster-config's JsClientIT, which starts the node; skipped when the variables are unset.
import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { PushgateClient } from "../src/pushgate.js";

const API = process.env.PUSHGATE_API;
const APP = process.env.PUSHGATE_APP || "demo";
const KEY = process.env.PUSHGATE_API_KEY;
const skip = !API || !KEY ? "PUSHGATE_API / PUSHGATE_API_KEY not set" : false;

async function api(method, path, body) {
  const res = await fetch(`${API}${path}`, {
    method,
    headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const token = async (user, extra = {}) => (await api("POST", `/v1/apps/${APP}/tokens`, { user, ...extra })).body.token;
const user = (name) => `${name}-${process.pid}-${Date.now()}`;
const clients = [];
/** A client closed after each test, passed or failed, so a failure cannot keep the process alive. */
const track = (client) => { clients.push(client); return client; };
afterEach(() => { while (clients.length) clients.pop().close(); });
const next = (client, event, pred = () => true) =>
  new Promise((resolve) => { const fn = (v) => { if (pred(v)) { client.off(event, fn); resolve(v); } }; client.on(event, fn); });

async function until(what, fn, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("connects through dispatch, receives a message and acks it", { skip, timeout: 60000 }, async () => {
  const u = user("js-basic");
  const client = track(new PushgateClient({ api: API, app: APP, user: u, token: () => token(u), WebSocket, ackDelayMs: 50 }));
  const welcome = next(client, "welcome");
  client.connect();
  assert.equal((await welcome).session, `${APP}:${u}`);
  const message = next(client, "message");
  assert.equal((await api("POST", `/v1/apps/${APP}/messages`, { to: [u], data: { hi: 1 } })).status, 202);
  const m = await message;
  assert.deepEqual(m.data, { hi: 1 });
  assert.equal(m.seq, 1);
  await until("the ack to reach the session", async () => (await api("GET", `/v1/apps/${APP}/users/${u}`)).body.pending === 0);
  client.close();
});

test("after a lost connection it reconnects; the redelivered message is not emitted twice", { skip, timeout: 60000 }, async () => {
  const u = user("js-redeliver");
  const client = track(new PushgateClient({ api: API, app: APP, user: u, token: () => token(u), WebSocket, ackDelayMs: 60000, ackBatch: 100 }));
  const seen = [];
  client.on("message", (m) => seen.push(m.id));
  const first = next(client, "welcome");
  client.connect();
  await first;
  const id = (await api("POST", `/v1/apps/${APP}/messages`, { to: [u], data: { n: 1 } })).body.id;
  await until("the push", () => seen.length === 1);
  // listeners first: the welcome and the redelivered push may arrive in one read
  const again = next(client, "welcome");
  const retrying = next(client, "reconnecting");
  const redelivered = next(client, "frame", (f) => f.t === "push" && f.id === id);
  client.ws.terminate(); // the network drops: no close frame, no ack sent
  assert.equal((await retrying).code, 1006);
  assert.equal((await again).pending, 1, "the unacked message is pending again");
  await redelivered;
  client.close(); // flushes the ack of the duplicate
  assert.deepEqual(seen, [id], "emitted once");
  await until("pending 0 after the flushed ack", async () => (await api("GET", `/v1/apps/${APP}/users/${u}`)).body.pending === 0);
});

test("a kick (4103) is terminal: closed, no reconnect", { skip, timeout: 60000 }, async () => {
  const u = user("js-kick");
  const client = track(new PushgateClient({ api: API, app: APP, user: u, token: await token(u), WebSocket }));
  const welcome = next(client, "welcome");
  client.connect();
  await welcome;
  let reconnecting = false;
  client.on("reconnecting", () => { reconnecting = true; });
  const closed = next(client, "closed");
  assert.equal((await api("DELETE", `/v1/apps/${APP}/users/${u}/connections`)).body.closed, 1);
  const c = await closed;
  assert.equal(c.code, 4103);
  assert.equal(c.terminal, true);
  assert.equal(reconnecting, false);
});

test("topics are subscribed on connect and their messages arrive", { skip, timeout: 60000 }, async () => {
  const u = user("js-topic");
  const client = track(new PushgateClient({ api: API, app: APP, user: u, token: () => token(u, { topics: ["js.>"] }), WebSocket, topics: ["js.news"] }));
  const subscribed = next(client, "frame", (f) => f.t === "subscribed" && f.topic === "js.news");
  client.connect();
  await subscribed;
  const message = next(client, "message", (m) => m.topic === "js.news");
  await until("the subscription to reach the cluster", async () => {
    await api("POST", `/v1/apps/${APP}/topics/js.news/messages`, { data: { t: 1 } });
    return Promise.race([message.then(() => true), new Promise((r) => setTimeout(() => r(false), 300))]);
  });
  assert.deepEqual((await message).data, { t: 1 });
  client.close();
});
