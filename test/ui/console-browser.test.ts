// The status page in a real browser (issue 15 part 7): Debian's chromium, headless, driven by
// playwright-core against the real service fed with the README's station block. Asserts the plots
// carry the API's flagged points, the page logs no error, asks nothing outside the box, works with
// the keyboard, and axe-core finds no WCAG 2 A/AA violation (contrast, keyboard, names); saves
// screenshots under test/output/ui/. Every browser step has a timeout; the file as a whole too.
// Skipped, saying so, only when /usr/bin/chromium is absent (CI installs it: .ci/apt-packages).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { startService } from "../support/service-process";
import { blockBody } from "../stations/stream";
import { AXE_RUN, axeSource, browserAvailable, outDir, redPixelsFunction, startFedService, STEP_MS, type FedService } from "./fed-service";

const CHROMIUM = "/usr/bin/chromium";

if (browserAvailable({ file: "test/ui/console-browser.test.ts", binary: CHROMIUM, aptPackage: "chromium", boundMs: 240_000 })) {

  let fed: FedService;
  let browser: Browser;
  // Set in test.before; read by the tests.
  let svc: FedService["svc"], flagged: FedService["flagged"], trafficSent: FedService["trafficSent"];

  /** A page that records console errors, page errors and every request that is not to `base`'s origin (aborted). */
  async function openPage(base: string) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(STEP_MS);
    const errors: string[] = [];
    const outside: string[] = [];
    const origin = new URL(base).origin;
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      outside.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(String(e)));
    return { page, errors, outside, close: () => context.close() };
  }

  /** Pixels of the flagged points' colour (#a50e0e) on a plot's canvas. */
  const redPixels = (canvas: Locator): Promise<number> => canvas.evaluate(redPixelsFunction);

  async function axeViolations(page: Page): Promise<string[]> {
    await page.evaluate(axeSource); // evaluated by the debugger protocol: the page's CSP does not apply
    return page.evaluate<string[]>(AXE_RUN); // browser code as text: the project's TypeScript has no DOM types
  }

  test.before(async () => {
    mkdirSync(outDir, { recursive: true });
    fed = await startFedService();
    ({ svc, flagged, trafficSent } = fed);
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true, timeout: STEP_MS,
      // Playwright adds --no-sandbox (chromiumSandbox: false) and a fresh --user-data-dir itself.
      args: ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    console.log(`NOTE: the page's checks run in Chromium ${browser.version()} (${CHROMIUM})`);
  });

  test.after(async () => {
    await browser?.close();
    await fed?.stop();
  });

  test("station page: each variable plotted with the API's flagged points; no error, nothing outside the box", async () => {
    const { page, errors, outside, close } = await openPage(svc.stationUrl);
    try {
      await page.goto(`${svc.stationUrl}/#station=station_1`);
      for (const variable of ["temperature", "humidity"]) {
        const figure = page.locator(`figure[data-variable="${variable}"][data-flagged]`);
        await figure.waitFor();
        const count = flagged[`station_1/${variable}`] ?? 0;
        assert.is(await figure.getAttribute("data-flagged"), String(count), variable);
        // The day's 1,440 samples are all in the history; its labels are the API's flagged points.
        assert.is(await figure.getAttribute("data-history"), "1440", variable);
        assert.is(await figure.getAttribute("data-drawn-flagged"), String(count), variable);
        assert.match(await figure.locator(".history-note").innerText(), /^history: the last 1440 of 10080 samples kept/);
        assert.match(await figure.locator(".pipeline-state").innerText(), /^state: judging; last decision at 2024-05-20 23:59:00 \(sample 1440\b/);
        const canvases = figure.locator("canvas");
        assert.is(await canvases.count(), 2, `${variable}: values and the score beneath`);
        if (count > 0) assert.ok(await redPixels(canvases.first()) > 0, `${variable}: ${count} flagged points drawn`);
      }
      await page.locator("body[data-refreshed]").waitFor({ state: "attached" }); // the first refresh ended (a string to waitForFunction may be refused by the CSP)
      // One process, one overview: the station port shows the traffic half's part of /status too.
      const facts = await page.locator("#overview-facts").innerText();
      assert.match(facts, /version\s+\d+\.\d+\.\d+/);
      assert.match(facts, /downstream\s+none configured\s+last delivery error\s+none/);
      assert.match(facts, /Druid broker\s+answered at \d{4}-/);
      assert.match(facts, /next training\s+\d{4}-\d\d-\d\dT15:00:00/);
      assert.match(facts, /\[Stations\] state_cache_bytes\s+\d+\.\d MiB of 128\.0 MiB used/);
      assert.match(facts, /\[ShallowOutliers\] memory_bytes\s+\d+\.\d MiB of 512\.0 MiB used/);
      assert.ok(await page.evaluate<boolean>("document.documentElement.scrollWidth <= window.innerWidth"), "no horizontal scrolling at 1280 px");
      await page.screenshot({ path: join(outDir, "station.png"), fullPage: true });
      assert.equal(await axeViolations(page), []);
      assert.equal(errors, []);
      assert.equal(outside, []);
    } finally {
      await close();
    }
  });

  test("station page: searchable list, and a station opened with the keyboard alone", async () => {
    const { page, errors, close } = await openPage(svc.stationUrl);
    try {
      await page.goto(`${svc.stationUrl}/`);
      await page.locator("#station-table a", { hasText: "station_2" }).waitFor();
      assert.match(await page.locator("#station-count").innerText(), /^2 of 2 stations/);
      await page.locator("#station-search").focus();
      await page.keyboard.type("tion_2");
      assert.match(await page.locator("#station-count").innerText(), /^1 of 2 stations/);
      await page.keyboard.press("Tab"); // from the search box to the one station left
      assert.is(await page.evaluate<string | undefined>("document.activeElement?.textContent"), "station_2");
      await page.keyboard.press("Enter");
      const figure = page.locator('figure[data-variable="level"][data-flagged]');
      await figure.waitFor();
      assert.is(await figure.getAttribute("data-flagged"), String(flagged["station_2/level"]));
      assert.is(await figure.getAttribute("data-drawn-flagged"), String(flagged["station_2/level"]));
      assert.ok(await redPixels(figure.locator("canvas").first()) > 0);
      console.log(`station_2/level marks: ${await figure.getAttribute("data-marks")}`);
      assert.equal(errors, []);
    } finally {
      await close();
    }
  });

  test("station page: a maintenance window created from the page (the 400's message first), listed, marked, deleted", async () => {
    const { page, errors, outside, close } = await openPage(svc.stationUrl);
    try {
      await page.goto(`${svc.stationUrl}/#station=station_2`);
      const figure = page.locator('figure[data-variable="level"][data-flagged]');
      await figure.waitFor();
      assert.match(await figure.getAttribute("data-marks") ?? "", /maintenance:0$/);
      // Reversed: the service's 400 is shown as it said it.
      await page.locator("#mw-from").fill("2021-01-01 12:00:00");
      await page.locator("#mw-to").fill("2021-01-01 10:00:00");
      await page.locator("#mw-reason").fill("sensor cleaning");
      await page.locator("#maintenance-form button[type=submit]").click();
      await page.locator("#mw-message", { hasText: "not created" }).waitFor();
      assert.match(await page.locator("#mw-message").innerText(), /^not created: HTTP 400: to: must be after "from"/);
      // Corrected, with the keyboard: the window is created and listed, and marked on the plot.
      await page.locator("#mw-to").fill("2021-01-01 14:00:00");
      await page.locator("#mw-variables input[value=level]").check();
      await page.locator("#mw-reason").focus();
      await page.keyboard.press("Enter");
      await page.locator("#maintenance-table tbody tr[data-window]").waitFor();
      const row = await page.locator("#maintenance-table tbody tr[data-window]").innerText();
      assert.match(row, /2021-01-01T12:00:00.000Z\s+2021-01-01T14:00:00.000Z\s+level\s+sensor cleaning/);
      const listed = await (await fetch(`${svc.stationUrl}/stations/station_2/maintenance`)).json() as { windows: Array<{ reason: string; variables: string[] }> };
      assert.equal(listed.windows.map((w) => [w.reason, w.variables]), [["sensor cleaning", ["level"]]]);
      await page.locator('figure[data-variable="level"][data-marks$="maintenance:1"]').waitFor();
      await page.screenshot({ path: join(outDir, "maintenance.png"), fullPage: true });
      assert.equal(await axeViolations(page), []);
      await page.locator("#maintenance-table button", { hasText: "Delete" }).click();
      await page.locator("#maintenance-table tbody tr[data-window]").waitFor({ state: "detached" });
      assert.equal((await (await fetch(`${svc.stationUrl}/stations/station_2/maintenance`)).json() as { windows: unknown[] }).windows, []);
      assert.equal(errors.filter((e) => !/status of 400/.test(e)), []); // the browser logs the refused POST itself
      assert.equal(outside, []);
    } finally {
      await close();
    }
  });

  test("station page with 2,000 stations: the list draws 200 rows, and a search redraws it at once", async () => {
    const many = await startService({ configIni: "[Stations]\nhistory_samples = 0\n" });
    const { page, errors, close } = await openPage(many.stationUrl);
    try {
      const N = 2000;
      const made = Date.now();
      let next = 0;
      await Promise.all(Array.from({ length: 8 }, async () => {
        for (let i = next++; i < N; i = next++) {
          const r = await fetch(`${many.stationUrl}/initialize`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id_estacio: `box-${String(i).padStart(4, "0")}`, variables: { level: 8 } }), signal: AbortSignal.timeout(STEP_MS) });
          assert.is(r.status, 200, await r.text());
        }
      }));
      const listStarted = performance.now();
      const list = await fetch(`${many.stationUrl}/stations`, { signal: AbortSignal.timeout(STEP_MS) });
      const listBytes = (await list.arrayBuffer()).byteLength;
      const listMs = performance.now() - listStarted;
      const loadStarted = performance.now();
      await page.goto(`${many.stationUrl}/`);
      await page.locator("#station-count", { hasText: `${N} of ${N} stations` }).waitFor();
      const loadMs = performance.now() - loadStarted;
      assert.match(await page.locator("#station-count").innerText(), /; the first 200 shown, search to narrow$/);
      assert.is(await page.locator("#station-table tbody tr").count(), 200);
      // A search as typed: the input handler redraws the list synchronously; timed in the page.
      const redraws = await page.evaluate<number[]>(`(() => {
        const input = document.querySelector("#station-search");
        return ["box-1", "box-19", "box-199", "box-1999", ""].map((q) => {
          const t0 = performance.now();
          input.value = q;
          input.dispatchEvent(new Event("input"));
          return performance.now() - t0;
        });
      })()`);
      await page.locator("#station-search").fill("box-1999");
      assert.match(await page.locator("#station-count").innerText(), new RegExp(`^1 of ${N} stations$`));
      assert.is(await page.locator("#station-table tbody tr").count(), 1);
      console.log(`NOTE: ${N} stations (made in ${((Date.now() - made) / 1000).toFixed(1)} s): GET /stations ${listMs.toFixed(0)} ms, ${(listBytes / 1024).toFixed(0)} KiB; page to its list ${loadMs.toFixed(0)} ms; search redraws ${redraws.map((ms) => ms.toFixed(1)).join(", ")} ms`);
      // Generous for a shared, loaded machine (measured 1-9 ms with 3,000 stations): a redraw that
      // drew every station, not 200 at most, or searched slowly would take far longer.
      assert.ok(Math.max(...redraws) < 250, `search redraws ${redraws.join(", ")} ms`);
      await page.screenshot({ path: join(outDir, "stations-2000.png") });
      assert.equal(errors, []);
    } finally {
      await close();
      await many.stop();
    }
  });

  test("station page with history off: says so, and plots the flagged points' scores", async () => {
    const off = await startService({ configIni: "[Stations]\nhistory_samples = 0\n" });
    const { page, errors, close } = await openPage(off.stationUrl);
    try {
      const r = await fetch(`${off.stationUrl}/initialize`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id_estacio: "station_2", variables: { level: 32 } }) });
      assert.is(r.status, 200);
      const d = await fetch(`${off.stationUrl}/detection`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(blockBody("station_2", 0, 1000, ["level"])) });
      assert.is(d.status, 200);
      await page.goto(`${off.stationUrl}/#station=station_2`);
      const figure = page.locator('figure[data-variable="level"][data-flagged]');
      await figure.waitFor();
      assert.is(await figure.getAttribute("data-history"), "off");
      assert.match(await figure.locator(".history-note").innerText(), /^history off \(\[Stations\] history_samples = 0\)/);
      assert.is(await figure.locator("canvas").count(), 1);
      assert.ok(await redPixels(figure.locator("canvas").first()) > 0);
      assert.equal(errors, []);
    } finally {
      await close();
      await off.stop();
    }
  });

  test("traffic page: models, the last requests, one plotted with its forecast and anomalies; no error, nothing outside the box, no axe violation", async () => {
    const { page, errors, outside, close } = await openPage(svc.trafficUrl);
    try {
      await page.goto(`${svc.trafficUrl}/`);
      await page.locator("#models tbody tr").first().waitFor();
      assert.match(await page.locator("#models tbody").innerText(), /default/);
      assert.ok(await page.locator("#stations").isHidden());
      // Newest first: the posted series, then the query; the newest is plotted unless one is chosen.
      const rows = page.locator("#requests-table tbody tr");
      await rows.nth(1).waitFor();
      const texts = await rows.allInnerTexts();
      for (const [i, [source, anomalies]] of [...trafficSent].reverse().entries()) {
        assert.match(texts[i]!, new RegExp(`^#${2 - i}\\s.*\\s${source.replace(/[."]/g, "\\$&")}\\s.*\\sdefault\\s+\\w+\\s+${anomalies}\\s`), texts[i]);
      }
      const plot = page.locator("#request-plot[data-request]");
      await plot.waitFor();
      assert.is(await plot.getAttribute("data-request"), "2");
      assert.is(await plot.getAttribute("data-anomalies"), String(trafficSent[1]![1]));
      // The query's request, chosen with the keyboard: its series replaces the plot.
      await page.locator("#requests-table a", { hasText: "#1" }).focus();
      await page.keyboard.press("Enter");
      await page.locator('#request-plot[data-request="1"]').waitFor(); // (waitForFunction with a string is refused by the page's CSP)
      assert.is(await plot.getAttribute("data-anomalies"), String(trafficSent[0]![1]));
      if (trafficSent[0]![1] > 0) assert.ok(await redPixels(plot.locator("canvas")) > 0, "the query's anomalies drawn");
      // The overview: Druid's last contact (the query's), the next training, the data dir.
      const facts = await page.locator("#overview-facts").innerText();
      assert.match(facts, /Druid broker\s+answered at \d{4}-/);
      assert.match(facts, /next training\s+\d{4}-\d\d-\d\dT15:00:00/);
      assert.match(facts, /data dir on disk\s+\d+\.\d MiB \(/);
      assert.match(facts, /downstream\s+none configured/);
      // Training: none yet; a run asked with a wrong setting shows the service's 400 as it is.
      await page.locator("#runs-table tbody", { hasText: "no training run yet" }).waitFor();
      await page.locator("#train-epochs").fill("0");
      await page.locator("#train-epochs").press("Enter");
      await page.locator("#train-message", { hasText: "not started" }).waitFor();
      assert.is(await page.locator("#train-message").innerText(), `not started: HTTP 400: "epochs" must be a positive integer, got '0'`);
      assert.ok(await page.evaluate<boolean>("document.documentElement.scrollWidth <= window.innerWidth"), "no horizontal scrolling at 1280 px");
      await page.screenshot({ path: join(outDir, "traffic.png"), fullPage: true });
      assert.equal(await axeViolations(page), []);
      assert.equal(errors.filter((e) => !/status of 400/.test(e)), []); // the browser logs the refused POST itself
      assert.equal(outside, []);
    } finally {
      await close();
    }
  });

  test("/docs in the browser: rendered from the document, no error, no axe violation", async () => {
    const { page, errors, outside, close } = await openPage(svc.stationUrl);
    try {
      await page.goto(`${svc.stationUrl}/docs`);
      await page.locator("h3", { hasText: "POST /detection" }).waitFor();
      await page.screenshot({ path: join(outDir, "docs.png"), fullPage: true });
      assert.equal(await axeViolations(page), []);
      assert.equal(errors, []);
      assert.equal(outside, []);
    } finally {
      await close();
    }
  });

  test("with [Server] auth_token and auth_reads: the page asks for the token, then every request carries it", async () => {
    const token = "console-token-0123456789";
    const guarded = await startService({ configIni: `[Server]\nauth_token = ${token}\nauth_reads = true\n` });
    const { page, errors, outside, close } = await openPage(guarded.stationUrl);
    try {
      const r = await fetch(`${guarded.stationUrl}/initialize`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ id_estacio: "station_9", variables: { level: 8 } }), signal: AbortSignal.timeout(STEP_MS) });
      assert.is(r.status, 200);
      const apiRequests: Array<{ path: string; authorization?: string }> = [];
      page.on("request", (req) => {
        const path = new URL(req.url()).pathname;
        if (!path.startsWith("/ui/") && path !== "/") apiRequests.push({ path, authorization: req.headers().authorization });
      });
      await page.goto(`${guarded.stationUrl}/`);
      await page.locator("#auth-form").waitFor();
      assert.match(await page.locator("#auth-why").innerText(), /asks for a token/);
      assert.is(await page.evaluate<string | undefined>("document.activeElement?.id"), "auth-token", "asked at load: the entry has the focus");
      assert.equal(await axeViolations(page), []);
      await page.screenshot({ path: join(outDir, "token.png"), fullPage: true });
      await page.locator("#auth-token").fill(token);
      apiRequests.length = 0;
      await page.locator("#auth-token").press("Enter");
      await page.locator("#station-table a", { hasText: "station_9" }).waitFor();
      await page.locator("body[data-refreshed]").waitFor({ state: "attached" }); // the first refresh ended (a string to waitForFunction may be refused by the CSP)
      assert.ok(await page.locator("#auth-form").count() === 0, "no form once the token is accepted");
      assert.ok(apiRequests.some((q) => q.path === "/stations") && apiRequests.some((q) => q.path === "/metrics"), JSON.stringify(apiRequests));
      for (const q of apiRequests) assert.is(q.authorization, `Bearer ${token}`, q.path);
      // The 401s before the token was given are the console errors Chromium logs for them, nothing else.
      assert.equal(errors.filter((e) => !/status of 401/.test(e)), []);
      assert.equal(outside, []);
    } finally {
      await close();
      await guarded.stop();
    }
  });

  test("with [Server] auth_token, reads open: the page offers the token before any write, and a window created from it carries the token", async () => {
    const token = "console-token-writes-0123456789";
    const guarded = await startService({ configIni: `[Server]\nauth_token = ${token}\n` });
    const { page, errors, outside, close } = await openPage(guarded.stationUrl);
    try {
      const r = await fetch(`${guarded.stationUrl}/initialize`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ id_estacio: "station_9", variables: { level: 8 } }), signal: AbortSignal.timeout(STEP_MS) });
      assert.is(r.status, 200);
      const writes: Array<{ method: string; path: string; authorization?: string }> = [];
      page.on("request", (req) => { if (req.method() !== "GET") writes.push({ method: req.method(), path: new URL(req.url()).pathname, authorization: req.headers().authorization }); });
      await page.goto(`${guarded.stationUrl}/#station=station_9`);
      await page.locator('figure[data-variable="level"][data-flagged]').waitFor(); // drawn: its state said, the form's variables listed
      assert.is(await page.locator('figure[data-variable="level"] .pipeline-state').innerText(), "state: learning, no decision yet (0 samples seen, window 8)");
      // Before any write: the token entry is in the header, saying why, and the write button says so.
      await page.locator("#auth-form").waitFor();
      assert.match(await page.locator("#auth-why").innerText(), /^Changes from this page .* need the service's token/);
      const after = () => page.evaluate<string>(`getComputedStyle(document.querySelector("#maintenance-form button[type=submit]"), "::after").content`);
      assert.is(await after(), '" (token needed)"');
      assert.equal(writes, [], "no write before the token is given");
      assert.ok(await page.evaluate<boolean>(`document.activeElement?.id !== "auth-token"`), "reads are open: the entry does not take the focus");
      assert.equal(await axeViolations(page), []);
      await page.screenshot({ path: join(outDir, "token-writes.png"), fullPage: true });
      // The token given (no reload: what the forms hold stays), the button no longer asks for it.
      await page.locator("#mw-reason").fill("sensor cleaning");
      await page.locator("#auth-token").fill(token);
      await page.locator("#auth-token").press("Enter");
      await page.locator("#auth-state", { hasText: "kept for this tab" }).waitFor();
      assert.is(await after(), "none");
      assert.is(await page.locator("#mw-reason").inputValue(), "sensor cleaning");
      await page.locator("#mw-from").fill("2021-01-01 12:00:00");
      await page.locator("#mw-to").fill("2021-01-01 14:00:00");
      await page.locator("#maintenance-form button[type=submit]").click();
      await page.locator("#maintenance-table tbody tr[data-window]").waitFor();
      assert.equal(writes, [{ method: "POST", path: "/stations/station_9/maintenance", authorization: `Bearer ${token}` }]);
      const listed = await (await fetch(`${guarded.stationUrl}/stations/station_9/maintenance`)).json() as { windows: Array<{ reason: string }> };
      assert.equal(listed.windows.map((w) => w.reason), ["sensor cleaning"]);
      assert.equal(errors, []);
      assert.equal(outside, []);
    } finally {
      await close();
      await guarded.stop();
    }
  });

  test.run();
}
