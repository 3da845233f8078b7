// node render.mjs REPORT_DIR [CHROMIUM]: writes REPORT_DIR/chart-*.png, one per headline chart of
// the Gatling report (its index.html, charts drawn by the report's own scripts), and prints the
// files. Charts missing from a report (a simulation without that chart) are skipped.
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import { join, resolve } from "node:path";

const CHARTS = {
  "active-users": "#MaxConcurrentUsersContainerId",
  "response-time-ranges": "#RangesContainerId",
  "response-time-distribution": "#ResponseTimeDistributionContainerId",
  "response-time-percentiles": "#ResponseTimeContainerId",
  "requests-per-second": "#RequestsContainerId",
  "responses-per-second": "#ResponsesContainerId",
};

const dir = resolve(process.argv[2] ?? ".");
const browser = await chromium.launch({
  executablePath: process.argv[3] ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(pathToFileURL(join(dir, "index.html")).href);
  await page.waitForLoadState("networkidle");
  for (const [name, selector] of Object.entries(CHARTS)) {
    const chart = page.locator(selector);
    if ((await chart.count()) === 0) continue;
    await chart.locator("svg").first().waitFor({ timeout: 10000 }).catch(() => {});
    const section = chart.locator("xpath=ancestor::div[contains(@class,'schema')][1]");
    const target = (await section.count()) ? section : chart;
    const file = join(dir, `chart-${name}.png`);
    await target.screenshot({ path: file });
    console.log(file);
  }
} finally {
  await browser.close();
}
