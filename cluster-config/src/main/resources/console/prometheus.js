// Parses the Prometheus text exposition (GET /metrics) into samples: [{name, labels, value}].
// Comments (# HELP, # TYPE) are skipped; label values may hold escaped quotes.
export function parseMetrics(text) {
  const samples = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const brace = line.indexOf("{");
    const space = line.lastIndexOf(" ");
    const name = brace >= 0 && brace < space ? line.slice(0, brace) : line.slice(0, space);
    const labels = {};
    if (brace >= 0 && brace < space) {
      const body = line.slice(brace + 1, line.lastIndexOf("}"));
      for (const m of body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]] = m[2].replace(/\\(.)/g, "$1");
    }
    samples.push({ name, labels, value: Number(line.slice(space + 1)) });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `match`. */
export function sum(samples, name, match = {}) {
  let total = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) total += s.value;
  }
  return total;
}

/** The distinct values of label `label` among samples named `name`. */
export function labelValues(samples, name, label) {
  return [...new Set(samples.filter((s) => s.name === name && s.labels[label] !== undefined).map((s) => s.labels[label]))].sort();
}
