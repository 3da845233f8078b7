// The console page: cluster members and shards, live charts and per-app counters from /metrics
// (every 2 s), user lookup, kick, test messages and a test client (clients/js). Every action
// goes through a documented API (docs/operations.md "Web console").
import { parseMetrics, sum, labelValues } from "./prometheus.js";
import { LineChart } from "./chart.js";
import { state, management, api, proxiedFetch } from "./api.js";
import { PushgateClient } from "./pushgate.js";

const $ = (id) => document.getElementById(id);
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
const POLL_MS = 2000;

const connectionsChart = new LineChart($("chart-connections"), [{ name: "open", color: "#2563eb" }]);
const messagesChart = new LineChart($("chart-messages"), [{ name: "accepted", color: "#7c3aed" }, { name: "delivered", color: "#059669" }]);
let previous = null;

async function refreshCluster() {
  const [members, shards] = await Promise.all([management("/cluster/members"), management("/cluster/sessions/shards").catch(() => ({ regions: [] }))]);
  $("self-node").textContent = members.selfNode;
  const byNode = new Map(shards.regions.map((r) => [r.node, r]));
  const rows = members.members.map((m) => {
    const tr = el("tr");
    const region = byNode.get(m.node);
    tr.append(el("td", m.node), el("td", m.status), el("td", (m.roles || []).filter((r) => !r.startsWith("dc-")).join(", ")),
      el("td", region ? String(region.shards) : "-"), el("td", region ? String(region.entities) : "-"));
    const td = el("td");
    if (m.status === "Up") {
      const drain = el("button", "Drain", "danger");
      drain.dataset.node = m.node;
      drain.onclick = () => drainNode(m.node);
      td.append(drain);
    }
    tr.append(td);
    return tr;
  });
  $("members").replaceChildren(...rows);
}

async function drainNode(node) {
  if (!confirm(`Drain ${node}? Its clients are told to reconnect elsewhere, then it leaves the cluster.`)) return;
  const body = new URLSearchParams({ operation: "Leave" });
  await management(`/cluster/members/${encodeURIComponent(node)}`, { method: "PUT", body });
  refreshCluster();
}

async function refreshMetrics() {
  const samples = parseMetrics(await management("/metrics"));
  const now = Date.now();
  const accepted = sum(samples, "pushgate_messages_accepted_total");
  const delivered = sum(samples, "pushgate_messages_delivered_total");
  const open = sum(samples, "pushgate_connections_open");
  $("connections-now").textContent = String(open);
  connectionsChart.add([open]);
  if (previous) {
    const seconds = Math.max(0.001, (now - previous.at) / 1000);
    const a = Math.max(0, (accepted - previous.accepted) / seconds);
    const d = Math.max(0, (delivered - previous.delivered) / seconds);
    $("accepted-rate").textContent = a.toFixed(1);
    $("delivered-rate").textContent = d.toFixed(1);
    messagesChart.add([a, d]);
  }
  previous = { at: now, accepted, delivered };
  renderApps(samples);
}

function renderApps(samples) {
  const apps = labelValues(samples, "pushgate_messages_accepted_total", "app");
  $("app-counters").replaceChildren(...apps.map((app) => {
    const tr = el("tr");
    tr.dataset.app = app;
    const cells = [
      sum(samples, "pushgate_messages_accepted_total", { app }),
      sum(samples, "pushgate_messages_delivered_total", { app }),
      sum(samples, "pushgate_messages_acked_total", { app }),
      sum(samples, "pushgate_messages_pending", { app }),
      sum(samples, "pushgate_messages_dropped_total", { app }),
      sum(samples, "pushgate_messages_expired_total", { app }),
      sum(samples, "pushgate_messages_undeliverable_total", { app }),
      sum(samples, "pushgate_rate_limited_total", { app }),
    ];
    tr.append(el("td", app), ...cells.map((v, i) => {
      const td = el("td", String(v));
      td.dataset.counter = ["accepted", "delivered", "acked", "pending", "dropped", "expired", "undeliverable", "rateLimited"][i];
      return td;
    }));
    return tr;
  }));
}

async function poll() {
  try {
    await Promise.all([refreshCluster(), refreshMetrics()]);
    $("refresh-status").textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (e) {
    $("refresh-status").textContent = `refresh failed: ${e.message}`;
  }
}

// ---- app credentials, user lookup, kick, test message ----

function useCredentials(app, apiKey) {
  state.app = app;
  state.apiKey = apiKey;
  sessionStorage.setItem("pushgate-console", JSON.stringify({ app, apiKey }));
  $("access-status").textContent = `using app ${app}`;
}

$("access-form").onsubmit = (e) => { e.preventDefault(); useCredentials($("app").value.trim(), $("api-key").value); };

async function lookup(user) {
  const out = $("user-status");
  try {
    const path = `/v1/apps/${encodeURIComponent(state.app)}/users/${encodeURIComponent(user)}`;
    const [s, d] = await Promise.all([api("GET", path), api("GET", `${path}/devices`)]);
    const devices = d.devices.map((v) => `${v.id} (${v.platform}, token ${v.tokenHint}${v.topic ? `, ${v.topic}` : ""}) since ${v.registeredAt}`);
    const dl = [
      ["Online", s.online ? "online" : "offline", s.online ? "online" : "offline"],
      ["Connections", s.connections.map((c) => `${c.id} (${c.transport}) on ${c.node} since ${c.since}`).join("; ") || "none"],
      ["Pending", String(s.pending)],
      ["Last seq / acked", `${s.lastSeq} / ${s.ackedSeq}`],
      ["Undeliverable", String(s.undeliverable ?? 0)],
      ["Topics", (s.topics || []).join(", ") || "none"],
      ["Devices", devices.join("; ") || "none"],
    ].flatMap(([k, v, cls]) => { const dd = el("dd", v, cls); dd.dataset.field = k.toLowerCase(); return [el("dt", k), dd]; });
    out.replaceChildren(...dl);
  } catch (e) {
    out.replaceChildren(el("dt", "Error"), el("dd", e.message, "error"));
  }
}

$("lookup-form").onsubmit = (e) => { e.preventDefault(); lookup($("lookup-user").value.trim()); };
$("kick").onclick = async () => {
  const user = $("lookup-user").value.trim();
  if (!user) return;
  try {
    const r = await api("DELETE", `/v1/apps/${encodeURIComponent(state.app)}/users/${encodeURIComponent(user)}/connections`);
    $("send-result").textContent = `kicked ${user}: ${r.closed} connection(s) closed`;
  } catch (err) {
    $("send-result").textContent = `kick failed: ${err.message}`;
  }
  lookup(user);
};

$("send-form").onsubmit = async (e) => {
  e.preventDefault();
  try {
    const data = JSON.parse($("send-data").value);
    const r = await api("POST", `/v1/apps/${encodeURIComponent(state.app)}/messages`,
      { to: [$("send-user").value.trim()], qos: Number($("send-qos").value), data });
    $("send-result").textContent = JSON.stringify(r, null, 2);
  } catch (err) {
    $("send-result").textContent = `send failed: ${err.message}`;
  }
};

// ---- test client (clients/js) ----

let client = null;

$("client-form").onsubmit = (e) => {
  e.preventDefault();
  const user = $("client-user").value.trim();
  const log = (text, cls) => { const li = el("li", `${new Date().toLocaleTimeString()} ${text}`, cls); $("client-log").prepend(li); };
  client = new PushgateClient({
    api: `${location.origin}/console/api`,
    app: state.app,
    user,
    token: async () => (await api("POST", `/v1/apps/${encodeURIComponent(state.app)}/tokens`, { user, ttl: 3600 })).token,
    fetch: proxiedFetch,
  });
  client.on("welcome", (w) => { $("client-status").textContent = `connected as ${w.session}`; log(`welcome, ${w.pending} pending`); });
  client.on("message", (m) => log(`message ${m.id}${m.seq ? ` seq ${m.seq}` : ""}: ${JSON.stringify(m.data)}`, "message"));
  client.on("reconnecting", (r) => { $("client-status").textContent = `reconnecting in ${r.delay} ms (close ${r.code})`; });
  client.on("closed", (c) => { $("client-status").textContent = `closed ${c.code}${c.terminal ? " (terminal)" : ""}`; $("client-connect").disabled = false; $("client-disconnect").disabled = true; });
  client.on("error", (err) => log(`error: ${err.message}`, "error"));
  client.connect();
  $("client-connect").disabled = true;
  $("client-disconnect").disabled = false;
};

$("client-disconnect").onclick = () => { client?.close(); };

const saved = JSON.parse(sessionStorage.getItem("pushgate-console") || "null");
if (saved) { $("app").value = saved.app; $("api-key").value = saved.apiKey; useCredentials(saved.app, saved.apiKey); }
poll();
setInterval(poll, POLL_MS);
