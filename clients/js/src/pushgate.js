// Pushgate client for browsers and Node.js (ES module, no dependencies).
// Protocol: docs/protocol.md. Contract in one paragraph: connect() asks dispatch where to
// connect, opens a WebSocket, says hello and emits "welcome"; every push is emitted once as
// "message" (QoS 1 duplicates, recognised by seq/bseq per app, are acked again but not emitted);
// acks are cumulative and batched (ackDelayMs / ackBatch); pings keep the connection alive and
// detect a dead server; a lost connection is retried with dispatch's backoff and jitter, a
// "reconnect" frame is honoured after its delay, and terminal close codes stop the client
// ("closed" with terminal: true). Nothing here blocks; every timer is cleared by close().

/** Close codes after which the client does not reconnect on its own (docs/protocol.md, Close codes). */
export const TERMINAL_CLOSE_CODES = new Set([1002, 1007, 1008, 1009, 4101, 4102, 4103, 4104]);

/** 4100 invalid_token: terminal unless a token function can give a fresh token. */
export const INVALID_TOKEN = 4100;

const DEFAULT_BACKOFF = { baseMillis: 1000, factor: 1.8, jitter: 0.3, maxMillis: 300000 };
const STABLE_MILLIS = 60000; // a connection open this long resets the backoff

/** The delay before reconnect attempt n (0-based): min(max, base * factor^n) * (1 +- jitter). */
export function backoffDelay(policy, attempt, random = Math.random) {
  const p = { ...DEFAULT_BACKOFF, ...(policy || {}) };
  const raw = Math.min(p.maxMillis, p.baseMillis * Math.pow(p.factor, attempt));
  return Math.max(0, Math.round(raw * (1 + p.jitter * (2 * random() - 1))));
}

/** Whether a close with this code should be retried (tokenRefreshable: the token is a function). */
export function shouldReconnect(code, tokenRefreshable) {
  if (code === INVALID_TOKEN) return tokenRefreshable;
  return !TERMINAL_CLOSE_CODES.has(code);
}

export class PushgateClient {
  /**
   * @param {object} o
   * @param {string} o.api        API base URL for dispatch, e.g. "http://localhost:8081"
   * @param {string} o.app        the app id
   * @param {string} o.user       the user id (dispatch puts the user's session home first)
   * @param {string|function(): (string|Promise<string>)} o.token  a client token, or a function
   *     giving a fresh one for every connection attempt (then 4100 is retried with a new token)
   * @param {function} [o.WebSocket] WebSocket constructor (default: globalThis.WebSocket; Node 20 needs the "ws" package)
   * @param {function} [o.fetch]  fetch (default: globalThis.fetch)
   * @param {number} [o.hb]       proposed heartbeat seconds (the server grants 10..300)
   * @param {number} [o.ackDelayMs=200] batch acks for at most this long
   * @param {number} [o.ackBatch=32]    ack at once after this many unacked pushes
   * @param {string[]} [o.topics] topics to subscribe on every connection
   */
  constructor(o) {
    if (!o || !o.api || !o.app || !o.user || !o.token) throw new Error("api, app, user and token are required");
    this.o = { hb: undefined, ackDelayMs: 200, ackBatch: 32, topics: [], ...o };
    this.WebSocket = o.WebSocket || globalThis.WebSocket;
    this.fetch = o.fetch || globalThis.fetch?.bind(globalThis);
    if (!this.WebSocket) throw new Error("no WebSocket: pass one (in Node 20: import WebSocket from 'ws')");
    this.listeners = new Map();
    this.apps = new Map(); // app -> { seq, bseq, ackedSeq, ackedBseq, unacked }
    this.topics = new Set(this.o.topics);
    this.bound = new Map(); // extra app -> token (string or function)
    this.attempt = 0;
    this.stopped = true;
    this.ws = null;
    this.timers = new Set();
    this.policy = DEFAULT_BACKOFF;
    this.nextEndpoints = null;
  }

  /** Subscribes fn to an event: welcome, message, closed, reconnecting, error, frame, upack, bound, unbound. */
  on(event, fn) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(fn);
    return this;
  }

  off(event, fn) {
    this.listeners.get(event)?.delete(fn);
    return this;
  }

  emit(event, value) {
    for (const fn of this.listeners.get(event) || []) {
      try { fn(value); } catch (e) { if (event !== "error") this.emit("error", e); }
    }
  }

  /** Starts connecting (and keeps reconnecting until close() or a terminal close code). */
  connect() {
    this.stopped = false;
    this.open();
    return this;
  }

  /** Closes the connection for good (1000); no reconnect follows. */
  close() {
    this.stopped = true;
    this.flushAcks();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.ws) { try { this.ws.close(1000, "client"); } catch (_) { /* already closed */ } }
  }

  /** Subscribes to a topic now and on every later connection. */
  subscribe(topic, since) {
    this.topics.add(topic);
    this.send({ t: "sub", topic, ...(since ? { since: since.offset, epoch: since.epoch } : {}) });
  }

  unsubscribe(topic) {
    this.topics.delete(topic);
    this.send({ t: "unsub", topic });
  }

  /** Binds another app's session to this connection (now and after every reconnect). */
  bind(app, token) {
    this.bound.set(app, token);
    if (this.welcomed) this.sendBind(app, token);
  }

  unbind(app) {
    this.bound.delete(app);
    this.send({ t: "unbind", app });
  }

  /** Sends data upstream to the app's backend; the answer comes as "upack" or "error" with the same id. */
  up(id, type, data, app) {
    return this.send({ t: "up", id, type, data, ...(app ? { app } : {}) });
  }

  /** Whether a frame went out (false while not connected). */
  send(frame) {
    if (!this.ws || this.ws.readyState !== 1 || !this.welcomed) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  // ---- connection lifecycle ----

  async open() {
    if (this.stopped) return;
    let token;
    let endpoints = this.nextEndpoints;
    this.nextEndpoints = null;
    try {
      token = await this.token();
      if (!endpoints) endpoints = await this.dispatch(token);
    } catch (e) {
      this.emit("error", e);
      return this.retry(1006, "dispatch failed");
    }
    if (this.stopped) return;
    this.tryEndpoints(endpoints, 0, token);
  }

  async token() {
    return typeof this.o.token === "function" ? await this.o.token() : this.o.token;
  }

  async dispatch(token) {
    const url = `${this.o.api.replace(/\/$/, "")}/v1/dispatch?app=${encodeURIComponent(this.o.app)}&user=${encodeURIComponent(this.o.user)}`;
    const res = await this.fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`dispatch answered ${res.status}`);
    const body = await res.json();
    if (body.reconnect) this.policy = { ...DEFAULT_BACKOFF, ...body.reconnect };
    if (!body.endpoints?.length) throw new Error("dispatch returned no endpoints");
    return body.endpoints;
  }

  tryEndpoints(endpoints, i, token) {
    if (this.stopped) return;
    if (i >= endpoints.length) return this.retry(1006, "no endpoint answered");
    const ws = new this.WebSocket(endpoints[i]);
    this.ws = ws;
    this.welcomed = false;
    let opened = false;
    const openedAt = Date.now();
    ws.onopen = () => {
      opened = true;
      ws.send(JSON.stringify({ t: "hello", app: this.o.app, token, ...(this.o.hb ? { hb: this.o.hb } : {}) }));
    };
    ws.onmessage = (ev) => this.onFrame(typeof ev.data === "string" ? ev.data : String(ev.data));
    ws.onerror = () => { /* the close event follows and decides */ };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.welcomed = false;
      this.clearHeartbeat();
      if (!opened && i + 1 < endpoints.length) return this.tryEndpoints(endpoints, i + 1, token);
      if (Date.now() - openedAt >= STABLE_MILLIS) this.attempt = 0;
      this.retry(ev.code || 1006, ev.reason || "");
    };
  }

  retry(code, reason) {
    const refreshable = typeof this.o.token === "function";
    if (this.stopped || !shouldReconnect(code, refreshable)) {
      const terminal = !this.stopped;
      this.stopped = true;
      this.emit("closed", { code, reason, terminal });
      return;
    }
    const delay = this.nextEndpoints ? 0 : backoffDelay(this.policy, this.attempt++);
    this.emit("reconnecting", { code, reason, delay, attempt: this.attempt });
    this.later(delay, () => this.open());
  }

  later(ms, fn) {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, ms);
    this.timers.add(t);
    return t;
  }

  // ---- frames ----

  onFrame(text) {
    let f;
    try { f = JSON.parse(text); } catch (e) { return this.emit("error", new Error("unparsable frame")); }
    this.lastHeard = Date.now();
    this.emit("frame", f);
    switch (f.t) {
      case "welcome": return this.onWelcome(f);
      case "push": return this.onPush(f);
      case "reconnect": return this.onReconnect(f);
      case "upack": return this.emit("upack", f);
      case "bound": return this.emit("bound", f);
      case "unbound": return this.emit("unbound", f);
      case "error": return this.emit("error", Object.assign(new Error(f.message || f.code), { code: f.code, frame: f }));
      default: return undefined; // pong, subscribed, ...: lastHeard is what matters
    }
  }

  onWelcome(f) {
    this.welcomed = true;
    this.hb = f.hb;
    this.startHeartbeat(f.hb);
    for (const topic of this.topics) this.ws.send(JSON.stringify({ t: "sub", topic }));
    for (const [app, token] of this.bound) this.sendBind(app, token);
    this.emit("welcome", f);
  }

  async sendBind(app, token) {
    const t = typeof token === "function" ? await token() : token;
    this.send({ t: "bind", app, token: t });
  }

  onPush(f) {
    const app = f.app || this.o.app;
    if (f.qos === 1) {
      const s = this.session(app);
      if (f.seq > 0) {
        if (f.seq <= s.seq) return this.scheduleAck(app, s); // a redelivery: ack again, do not emit
        s.seq = f.seq;
      } else if (f.bseq > 0) {
        if (f.bseq <= s.bseq) return this.scheduleAck(app, s);
        s.bseq = f.bseq;
      }
      this.emit("message", { ...f, app });
      return this.scheduleAck(app, s);
    }
    this.emit("message", { ...f, app });
  }

  session(app) {
    let s = this.apps.get(app);
    if (!s) {
      s = { seq: 0, bseq: 0, ackedSeq: 0, ackedBseq: 0, unacked: 0, timer: null };
      this.apps.set(app, s);
    }
    return s;
  }

  /** Acks what was processed: at once after ackBatch pushes, else within ackDelayMs. */
  scheduleAck(app, s) {
    s.unacked++;
    if (s.unacked >= this.o.ackBatch) return this.ackNow(app, s);
    if (!s.timer) s.timer = this.later(this.o.ackDelayMs, () => { s.timer = null; this.ackNow(app, s); });
  }

  ackNow(app, s) {
    if (s.timer) { clearTimeout(s.timer); this.timers.delete(s.timer); s.timer = null; }
    s.unacked = 0;
    const frame = { t: "ack" };
    if (s.seq > 0) frame.seq = s.seq;
    if (s.bseq > 0) frame.bseq = s.bseq;
    if (app !== this.o.app) frame.app = app;
    if (this.send(frame)) { s.ackedSeq = s.seq; s.ackedBseq = s.bseq; }
  }

  flushAcks() {
    for (const [app, s] of this.apps) if (s.unacked > 0) this.ackNow(app, s);
  }

  onReconnect(f) {
    this.nextEndpoints = f.endpoints?.length ? f.endpoints : null;
    const ws = this.ws;
    this.later(f.after || 0, () => { if (this.ws === ws && ws) ws.close(1000, "reconnect"); });
  }

  // ---- heartbeats: ping every hb seconds; a pong overdue by hb seconds means a dead server ----

  startHeartbeat(hb) {
    this.clearHeartbeat();
    const ms = hb * 1000;
    this.heartbeat = setInterval(() => {
      if (!this.ws) return;
      if (Date.now() - this.lastHeard > 2 * ms) {
        try { this.ws.close(4001, "server silent"); } catch (_) { /* gone */ }
        return;
      }
      this.ws.send(JSON.stringify({ t: "ping" }));
    }, ms);
  }

  clearHeartbeat() {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
