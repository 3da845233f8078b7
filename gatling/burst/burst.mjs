// ./bench burst: N single-recipient sends at once, each on a new connection (what a backend
// does with Promise.all over fetch without a keep-alive agent, or a fleet of PHP workers).
// Prints one BURST line: wall time, statuses, socket errors, answer time p50/p99/max.
//   node gatling/burst/burst.mjs N [PORT] [PREFIX]
const n = Number(process.argv[2] || 1000);
const port = process.argv[3] || 8081;
const prefix = process.argv[4] || 'burst-';
const t0 = Date.now();
const statuses = {};
const errors = {};
let retryAfter = 0;
const took = [];
await Promise.all(Array.from({ length: n }, async (_, i) => {
  const start = Date.now();
  try {
    const r = await fetch(`http://127.0.0.1:${port}/v1/apps/demo/messages`, {
      method: 'POST',
      headers: { Authorization: 'Bearer demo-api-key', 'Content-Type': 'application/json', Connection: 'close' },
      body: JSON.stringify({ to: [prefix + i], qos: 0, data: { i } }),
    });
    await r.arrayBuffer();
    statuses[r.status] = (statuses[r.status] || 0) + 1;
    if (r.headers.get('retry-after')) retryAfter++;
  } catch (e) {
    const k = String(e.cause?.code || e.message);
    errors[k] = (errors[k] || 0) + 1;
  }
  took.push(Date.now() - start);
}));
took.sort((a, b) => a - b);
const pct = (p) => took[Math.min(n - 1, Math.floor(n * p))];
console.log(`BURST n=${n} totalMs=${Date.now() - t0} statuses=${JSON.stringify(statuses)} retryAfter=${retryAfter}`
  + ` errors=${JSON.stringify(errors)} p50ms=${pct(0.5)} p99ms=${pct(0.99)} maxMs=${took[n - 1]}`);
