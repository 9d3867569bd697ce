// The status page in Firefox (issue 15 part 7: "the last two versions of Chromium and Firefox"):
// Debian's firefox-esr, headless, driven over WebDriver BiDi by puppeteer-core (playwright-core
// cannot drive a stock Firefox), against the same fed service as the chromium test
// (./fed-service.ts). The same page checks: the plots carry the API's flagged points and the
// history, a maintenance window is created from the page (the 400's message first), the traffic
// request plotted with its anomalies, no console error, nothing asked outside the box, axe-core
// clean; screenshots under test/output/ui/firefox-*.png. Every step has a timeout; the file too.
// Skipped, saying so, only when /usr/bin/firefox-esr is absent (CI installs it: .ci/apt-packages).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { AXE_RUN, axeSource, browserAvailable, outDir, RED_PIXELS, startFedService, STEP_MS, type FedService } from "./fed-service";

const FIREFOX = "/usr/bin/firefox-esr";

if (browserAvailable({ file: "test/ui/console-firefox.test.ts", binary: FIREFOX, aptPackage: "firefox-esr", boundMs: 240_000 })) {

  let fed: FedService;
  let browser: Browser;

  /** A page that records console errors, page errors and every request not to `base`'s origin (aborted). */
  async function openPage(base: string) {
    const page = await browser.newPage();
    page.setDefaultTimeout(STEP_MS);
    await page.setViewport({ width: 1280, height: 900 });
    const errors: string[] = [];
    const outside: string[] = [];
    const origin = new URL(base).origin;
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.setRequestInterception(true);
    page.on("request", (r) => {
      // data: URLs (the page's empty favicon) are no request; Firefox reports them to the interceptor.
      if (r.url().startsWith("data:") || new URL(r.url()).origin === origin) return void r.continue();
      outside.push(r.url());
      return void r.abort();
    });
    return { page, errors, outside };
  }

  const attr = (page: Page, selector: string, name: string) => page.$eval(selector, (e, n) => e.getAttribute(n), name);
  const text = (page: Page, selector: string) => page.$eval(selector, (e) => (e as unknown as { innerText: string }).innerText);
  const redPixels = (page: Page, canvas: string) => page.evaluate<[], () => number>(`(${RED_PIXELS})(document.querySelector(${JSON.stringify(canvas)}))` as never);
  async function axeViolations(page: Page): Promise<string[]> {
    await page.evaluate(axeSource);
    return page.evaluate(AXE_RUN) as Promise<string[]>;
  }

  test.before(async () => {
    mkdirSync(outDir, { recursive: true });
    fed = await startFedService();
    browser = await puppeteer.launch({
      // Firefox took 27 s to start on the loaded shared box (measured once): a longer bound here.
      browser: "firefox", executablePath: FIREFOX, headless: true, timeout: 90_000, protocolTimeout: 2 * STEP_MS,
      // No update checks, telemetry or other calls home: the only network is the loopback service.
      extraPrefsFirefox: { "app.update.enabled": false, "datareporting.policy.dataSubmissionEnabled": false, "toolkit.telemetry.enabled": false, "network.captive-portal-service.enabled": false },
    });
    console.log(`NOTE: the page's checks run in ${await browser.version()} (${FIREFOX})`);
  });

  test.after(async () => {
    await browser?.close();
    await fed?.stop();
  });

  test("station page in firefox: history plotted with the API's flagged points; a maintenance window created from the page", async () => {
    const { svc, flagged } = fed;
    const { page, errors, outside } = await openPage(svc.stationUrl);
    try {
      await page.goto(`${svc.stationUrl}/#station=station_1`);
      for (const variable of ["temperature", "humidity"]) {
        const figure = `figure[data-variable="${variable}"][data-flagged]`;
        await page.waitForSelector(figure);
        const count = flagged[`station_1/${variable}`] ?? 0;
        assert.is(await attr(page, figure, "data-flagged"), String(count), variable);
        assert.is(await attr(page, figure, "data-history"), "1440", variable);
        assert.is(await attr(page, figure, "data-drawn-flagged"), String(count), variable);
        if (count > 0) assert.ok(await redPixels(page, `${figure} canvas`) > 0, `${variable}: ${count} flagged points drawn`);
      }
      await page.screenshot({ path: join(outDir, "firefox-station.png"), fullPage: true });
      assert.equal(await axeViolations(page), []);
      await page.goto(`${svc.stationUrl}/#station=station_2`);
      await page.waitForSelector('figure[data-variable="level"][data-flagged]');
      await page.type("#mw-from", "2021-01-01 12:00:00");
      await page.type("#mw-to", "2021-01-01 10:00:00");
      await page.type("#mw-reason", "sensor cleaning");
      await page.click("#maintenance-form button[type=submit]");
      await page.waitForFunction(`document.querySelector("#mw-message").textContent.startsWith("not created")`);
      assert.match(await text(page, "#mw-message"), /^not created: HTTP 400: to: must be after "from"/);
      await page.$eval("#mw-to", (e) => { (e as unknown as { value: string }).value = ""; });
      await page.type("#mw-to", "2021-01-01 14:00:00");
      await page.focus("#mw-reason");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#maintenance-table tbody tr[data-window]");
      assert.match(await text(page, "#maintenance-table tbody tr[data-window]"), /2021-01-01T12:00:00.000Z\s+2021-01-01T14:00:00.000Z\s+all\s+sensor cleaning/);
      await page.waitForSelector('figure[data-variable="level"][data-marks$="maintenance:1"]');
      assert.equal(errors.filter((e) => !/status of 400|400 \(Bad Request\)/.test(e)), []);
      assert.equal(outside, []);
    } finally {
      await page.close();
    }
  });

  test("traffic page in firefox: the last requests, the newest plotted with its anomalies", async () => {
    const { svc, trafficSent } = fed;
    const { page, errors, outside } = await openPage(svc.trafficUrl);
    try {
      await page.goto(`${svc.trafficUrl}/`);
      await page.waitForSelector("#request-plot[data-request]");
      assert.is(await attr(page, "#request-plot", "data-request"), "2");
      assert.is(await attr(page, "#request-plot", "data-anomalies"), String(trafficSent[1]![1]));
      assert.ok(await redPixels(page, "#request-plot canvas") > 0);
      assert.match(await text(page, "#requests-table tbody"), /query on rb_flow/);
      await page.screenshot({ path: join(outDir, "firefox-traffic.png"), fullPage: true });
      assert.equal(await axeViolations(page), []);
      assert.equal(errors, []);
      assert.equal(outside, []);
    } finally {
      await page.close();
    }
  });

  test.run();
}
