// Calls the documented APIs from the console's origin: management routes directly, the backend
// API through /console/api (the app's credential in X-Pushgate-Authorization, because the
// browser's Authorization header carries the operator's Basic credential for this port).
export const state = { app: "demo", apiKey: "" };

export async function management(path, init = {}) {
  const res = await fetch(path, init);
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.headers.get("content-type")?.includes("json") ? res.json() : res.text();
}

export async function api(method, path, body) {
  const res = await fetch(`/console/api${path}`, {
    method,
    headers: { "X-Pushgate-Authorization": `Bearer ${state.apiKey}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) throw Object.assign(new Error(json?.detail || `${res.status}`), { status: res.status, body: json });
  return json;
}

/** A fetch for the JS client's dispatch call: its bearer token goes in X-Pushgate-Authorization. */
export function proxiedFetch(url, init = {}) {
  const headers = { ...(init.headers || {}) };
  if (headers.Authorization) {
    headers["X-Pushgate-Authorization"] = headers.Authorization;
    delete headers.Authorization;
  }
  return fetch(url, { ...init, headers });
}
