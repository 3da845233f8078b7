// The web console end to end in headless Chromium: log in with the operator credential, connect a
// test user with the console's test client, register a push device, look it up (online, its device), send it a message, see it arrive
// and the app's counters move, kick it, and press Drain (the leave request is intercepted, so the
// node stays up). Screenshots go to $SCREENSHOTS.
// Env: CONSOLE_URL (http://127.0.0.1:<management port>), CONSOLE_USER, CONSOLE_PASSWORD,
// PUSHGATE_APP, PUSHGATE_API_KEY, SCREENSHOTS, CHROMIUM (default /usr/bin/chromium).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};

test("an operator sees a connected user, sends it a message and sees the counters move", { timeout: 120000 }, async () => {
  const shots = env("SCREENSHOTS");
  mkdirSync(shots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: env("CHROMIUM", "/usr/bin/chromium"),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const context = await browser.newContext({
      httpCredentials: { username: env("CONSOLE_USER"), password: env("CONSOLE_PASSWORD") },
      viewport: { width: 1280, height: 1100 },
    });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => { if (m.type() === "error") console.log(`page console: ${m.text()}`); });
    try {
      await steps(page, shots);
    } catch (e) {
      await page.screenshot({ path: `${shots}/console-failure.png`, fullPage: true }).catch(() => {});
      console.log(`page errors: ${JSON.stringify(errors)}; status line: ${await page.textContent("#refresh-status").catch(() => "?")}`);
      throw e;
    }
    assert.deepEqual(errors, [], "no script errors on the page");
  } finally {
    await browser.close();
  }
});

async function steps(page, shots) {

    await page.goto(`${env("CONSOLE_URL")}/console/`);
    await page.locator("#members tr", { hasText: "Up" }).first().waitFor();
    await page.locator("#members td", { hasText: /^\d+$/ }).first().waitFor(); // shards per node

    await page.fill("#app", env("PUSHGATE_APP"));
    await page.fill("#api-key", env("PUSHGATE_API_KEY"));
    await page.click("#access-form button[type=submit]");

    const user = `console-${Date.now()}`;
    await page.fill("#client-user", user);
    await page.click("#client-connect");
    await page.locator("#client-status", { hasText: `connected as ${env("PUSHGATE_APP")}:${user}` }).waitFor();

    // a push device registered by the backend shows in the lookup, its token by its last four characters
    const put = await page.request.put(
      `${env("CONSOLE_URL")}/console/api/v1/apps/${env("PUSHGATE_APP")}/users/${user}/devices/pixel`,
      { headers: { "X-Pushgate-Authorization": `Bearer ${env("PUSHGATE_API_KEY")}` }, data: { platform: "fcm", token: "fcm-console-token-9f3a" } });
    assert.equal(put.status(), 201, await put.text());

    await page.fill("#lookup-user", user);
    await page.click("#lookup-form button[type=submit]");
    await page.locator("dd[data-field=online]", { hasText: "online" }).waitFor();
    await page.locator("dd[data-field=connections]", { hasText: "websocket" }).waitFor();
    await page.locator("dd[data-field=devices]", { hasText: "pixel (fcm, token …9f3a)" }).waitFor();
    assert.ok(!(await page.textContent("#user-status")).includes("fcm-console-token"), "the console never shows a whole token");
    await page.screenshot({ path: `${shots}/console-1-user-online.png`, fullPage: true });

    const delivered = page.locator(`#app-counters tr[data-app="${env("PUSHGATE_APP")}"] td[data-counter=delivered]`);
    const before = (await delivered.count()) ? Number(await delivered.textContent()) : 0;

    await page.fill("#send-user", user);
    await page.fill("#send-data", JSON.stringify({ text: "hello from the browser test" }));
    await page.click("#send-form button[type=submit]");
    await page.locator("#send-result", { hasText: "queued" }).waitFor();
    await page.locator("#client-log li.message", { hasText: "hello from the browser test" }).waitFor();

    await page.waitForFunction(
      ([sel, n]) => Number(document.querySelector(sel)?.textContent ?? "0") > n,
      [`#app-counters tr[data-app="${env("PUSHGATE_APP")}"] td[data-counter=delivered]`, before],
      { timeout: 20000 });
    await page.locator("#delivered-rate").waitFor();
    await page.screenshot({ path: `${shots}/console-2-after-send.png`, fullPage: true });

    await page.click("#kick");
    await page.locator("#client-status", { hasText: "closed 4103 (terminal)" }).waitFor();
    await page.locator("dd[data-field=online]", { hasText: "offline" }).waitFor();
    await page.screenshot({ path: `${shots}/console-3-kicked.png`, fullPage: true });

    // Drain: the button sends the documented leave request (intercepted here, so the node stays)
    const drains = [];
    let drained;
    const drainSeen = new Promise((resolve) => { drained = resolve; });
    await page.route("**/cluster/members/**", async (route) => {
      drains.push({ method: route.request().method(), url: route.request().url(), body: route.request().postData() });
      await route.fulfill({ status: 200, contentType: "application/json", body: '{"message":"Leaving"}' });
      drained();
    });
    page.once("dialog", (d) => d.accept());
    await page.click("#members button[data-node]");
    await drainSeen;
    assert.equal(drains.length, 1, "one leave request");
    assert.equal(drains[0].method, "PUT");
    assert.match(decodeURIComponent(drains[0].url), /\/cluster\/members\/pekko:\/\/pushgate@/);
    assert.equal(drains[0].body, "operation=Leave");
}
