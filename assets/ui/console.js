// The status page (issue 15 part 1), served at / on both ports (src/http/console-routes.ts). Plain
// browser JavaScript, no build step: it reads the same endpoints as any client (/metrics, /health,
// /stations..., /api/v1/models) every REFRESH_MS and draws with uPlot (window.uPlot, docs/design.md
// § Status page and OpenAPI says why uPlot). Nothing leaves the page's own origin (its CSP forbids it).
"use strict";
(() => {
  const REFRESH_MS = 5000;
  /** Rows drawn in the station list at most: thousands of stations stay fast, search narrows. */
  const MAX_ROWS = 200;
  const api = document.body.dataset.api;
  const $ = (sel) => document.querySelector(sel);

  async function getJson(path) {
    const r = await fetch(path, { headers: { accept: "application/json" } });
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    return r.json();
  }

  /** Prometheus text format -> Map(name -> [{labels, value}]). */
  function parseMetrics(text) {
    const out = new Map();
    for (const line of text.split("\n")) {
      const m = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
      if (!m) continue;
      const labels = {};
      for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
      if (!out.has(m[1])) out.set(m[1], []);
      out.get(m[1]).push({ labels, value: Number(m[3]) });
    }
    return out;
  }
  const sum = (metrics, name) => (metrics.get(name) ?? []).reduce((a, s) => a + s.value, 0);
  const first = (metrics, name) => metrics.get(name)?.[0];

  function duration(seconds) {
    if (!Number.isFinite(seconds)) return "—";
    const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600), m = Math.floor(seconds % 3600 / 60);
    return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : `${m} min ${Math.floor(seconds % 60)} s`;
  }
  const mib = (bytes) => Number.isFinite(bytes) ? `${(bytes / 1048576).toFixed(1)} MiB` : "—";

  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    e.append(...children);
    return e;
  }
  function fact(dl, term, value, bad = false) {
    dl.append(el("div", {}, el("dt", {}, term), el("dd", bad ? { class: "bad" } : {}, String(value))));
  }

  // ---- overview: version, uptime, memory, outbox, both APIs' rates and latencies (from /metrics)
  const apis = [
    { name: "station", requests: "rb_aioutliers_station_http_requests_total", latency: "rb_aioutliers_station_http_request_duration_seconds" },
    { name: "traffic", requests: "rb_aioutliers_traffic_requests_total", latency: "rb_aioutliers_traffic_request_seconds" },
  ];
  let previous; // the last refresh's counters, for rates

  async function refreshOverview() {
    const [metrics, health] = await Promise.all([
      fetch("/metrics").then((r) => r.text()).then(parseMetrics),
      getJson("/health"),
    ]);
    const now = Date.now() / 1000;
    const dl = $("#overview-facts");
    dl.replaceChildren();
    fact(dl, "version", first(metrics, "rb_aioutliers_build_info")?.labels.version ?? "—");
    fact(dl, "uptime", duration(now - (first(metrics, "rb_aioutliers_process_start_time_seconds")?.value ?? NaN)));
    fact(dl, "memory (resident)", mib(first(metrics, "rb_aioutliers_process_resident_memory_bytes")?.value));
    fact(dl, "station state in memory", mib(first(metrics, "rb_aioutliers_station_cached_state_bytes")?.value));
    fact(dl, "health", health.status, health.status !== "ok");
    const depth = first(metrics, "rb_aioutliers_station_outbox_depth")?.value ?? 0;
    fact(dl, "outbox depth", depth, depth > 0);
    fact(dl, "oldest outbox entry", depth ? duration(first(metrics, "rb_aioutliers_station_outbox_oldest_age_seconds")?.value) : "—");
    if (health.outbox) {
      fact(dl, "downstream", health.outbox.endpoint ?? "none configured");
      fact(dl, "last delivery error", health.outbox.last_error ?? "none", health.outbox.last_error !== null);
      fact(dl, "stations (in memory)", `${health.stations} (${health.cached_stations})`);
    }
    const rows = apis.map((a) => {
      const count = sum(metrics, a.requests);
      const seconds = sum(metrics, `${a.latency}_sum`), done = sum(metrics, `${a.latency}_count`);
      const before = previous?.[a.name];
      const dt = before ? now - before.at : 0;
      const rate = dt > 0 ? ((count - before.count) / dt).toFixed(2) : "—";
      const mean = done > 0 ? `${(1000 * seconds / done).toFixed(1)} ms` : "—";
      return { a, count, at: now, tr: el("tr", {}, el("td", {}, a.name), el("td", {}, String(count)), el("td", {}, rate), el("td", {}, mean)) };
    });
    $("#api-table tbody").replaceChildren(...rows.map((r) => r.tr));
    previous = Object.fromEntries(rows.map((r) => [r.a.name, { count: r.count, at: r.at }]));
  }

  // ---- models (traffic port)
  async function refreshModels() {
    const { models } = await getJson("/api/v1/models");
    $("#models tbody").replaceChildren(...models.map((m) =>
      el("tr", {}, el("td", {}, m.name), el("td", {}, m.kind ?? ""), el("td", {}, m.description ?? m.version ?? ""))));
  }

  // ---- stations (station port): a searchable list, drawn MAX_ROWS at a time
  let stations = [];
  let drawnList;
  function drawStationList() {
    const q = $("#station-search").value.trim().toLowerCase();
    const hits = q ? stations.filter((s) => s.id_estacio.toLowerCase().includes(q)) : stations;
    const shown = hits.slice(0, MAX_ROWS);
    $("#station-count").textContent = `${hits.length} of ${stations.length} stations` + (hits.length > shown.length ? `; the first ${shown.length} shown, search to narrow` : "");
    // Redrawn only when it changed: a redraw would take the keyboard focus off a station link.
    const signature = JSON.stringify(shown);
    if (signature === drawnList) return;
    drawnList = signature;
    $("#station-table tbody").replaceChildren(...shown.map((s) => el("tr", {},
      el("td", {}, el("a", { href: `#station=${encodeURIComponent(s.id_estacio)}` }, s.id_estacio)),
      el("td", {}, String(s.blocks)), el("td", {}, String(s.samples)), el("td", {}, s.updated_at))));
  }
  async function refreshStations() {
    stations = (await getJson("/stations")).stations;
    drawStationList();
  }

  // ---- one station: each variable plotted with its flagged points
  const plots = new Map(); // variable -> { signature, plot }
  const selected = () => {
    const m = /^#station=(.+)$/.exec(location.hash);
    return m ? decodeURIComponent(m[1]) : undefined;
  };
  const toSeconds = (ts) => Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(ts) ? ts.replace(" ", "T") : `${ts.replace(" ", "T")}Z`) / 1000;

  /**
   * HOOK (issue 15 part 2, station history): when GET /stations/:id/history exists, return the
   * variable's recent samples {t: seconds[], value: number[], score: number[]} here; the plot then
   * draws the values as a line with the flagged points on it. Until then: undefined, and the plot
   * shows the flagged points alone (their score over time).
   */
  async function history(_id, _variable) { return undefined; }
  /**
   * HOOK (issue 15 part 3, events): when GET /stations/:id/events exists, return its drift and
   * retrain events here to be marked on the time axis. Until then: none.
   */
  async function events(_id) { return []; }

  /** The x range: the data's, padded; an hour either side of a lone point. */
  function timeRange(t) {
    const min = Math.min(...t), max = Math.max(...t);
    const pad = max - min < 60 ? 3600 : (max - min) * 0.02;
    return [min - pad, max + pad];
  }

  function drawPlot(area, variable, flagged, past) {
    if (!past && flagged.length === 0) {
      area.replaceChildren(el("p", { class: "muted" }, "no flagged points"));
      return undefined;
    }
    area.replaceChildren();
    const t = flagged.map((o) => toSeconds(o.timestamp));
    const at = new Set(t);
    const data = past ? [past.t, past.value, past.t.map((x, i) => (at.has(x) ? past.value[i] : null))] : [t, flagged.map((o) => o.score)];
    const points = { label: past ? "flagged" : "score of flagged point", stroke: "#a50e0e", paths: () => null, points: { show: true, size: 8, fill: "#a50e0e" } };
    const series = past ? [{}, { label: variable, stroke: "#4a5560", width: 1 }, points] : [{}, points];
    const width = Math.max(320, area.clientWidth || 1200);
    // Sample times are UTC (as the API gives them): the axis too.
    const opts = { width, height: 180, series, tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"), scales: { x: { time: true, range: timeRange(data[0]) } }, axes: [{}, { label: past ? "value" : "score" }] };
    return new uPlot(opts, data, area);
  }

  async function refreshStation() {
    const id = selected();
    $("#station").hidden = id === undefined;
    if (id === undefined) return;
    const [{ station }, { outliers }, marks] = await Promise.all([
      getJson(`/stations/${encodeURIComponent(id)}`),
      getJson(`/stations/${encodeURIComponent(id)}/outliers?limit=100000`),
      events(id),
    ]);
    $("#station-title").textContent = `Station ${station.id_estacio}`;
    $("#station-facts").textContent = `${station.blocks} blocks, ${station.samples} samples, updated ${station.updated_at}` + (marks.length ? `, ${marks.length} events` : "");
    const container = $("#plots");
    const names = station.variables.map((v) => v.name);
    for (const [name, p] of plots) if (!names.includes(name) || container.dataset.station !== id) { p.plot?.destroy(); plots.delete(name); }
    if (container.dataset.station !== id) { container.replaceChildren(); container.dataset.station = id; }
    for (const v of station.variables) {
      const flagged = outliers.filter((o) => o.variable === v.name);
      const signature = `${flagged.length}:${flagged.at(-1)?.timestamp ?? ""}:${v.samples_seen}`;
      let entry = plots.get(v.name);
      if (entry?.signature === signature) continue;
      let box = container.querySelector(`[data-variable="${CSS.escape(v.name)}"]`);
      if (!box) {
        box = el("figure", { class: "plot", "data-variable": v.name }, el("h3", {}), el("div", { class: "plot-area" }));
        container.append(box);
      }
      box.querySelector("h3").textContent = `${v.name}: ${v.pipeline}, window ${v.window}, ${v.samples_seen} samples, ${v.retrains} retrains, ${flagged.length} flagged`;
      entry?.plot?.destroy();
      box.dataset.flagged = String(flagged.length);
      const plot = drawPlot(box.querySelector(".plot-area"), v.name, flagged, await history(id, v.name));
      plots.set(v.name, { signature, plot });
    }
  }

  /** One run of refreshStation at a time; a call during a run makes one more run after it. */
  let running, again = false;
  function refreshStationSoon() {
    if (running) { again = true; return running; }
    running = refreshStation().finally(() => {
      running = undefined;
      if (again) { again = false; void refreshStationSoon(); }
    });
    return running;
  }

  // ---- refresh loop
  const parts = [refreshOverview];
  if (api === "station") parts.push(refreshStations, refreshStationSoon);
  if (api === "traffic") parts.push(refreshModels);
  async function refresh() {
    const results = await Promise.allSettled(parts.map((p) => p()));
    const failed = results.filter((r) => r.status === "rejected").map((r) => r.reason.message);
    $("#refreshed").textContent = failed.length ? `refresh failed: ${failed.join("; ")}` : `refreshed ${new Date().toLocaleTimeString()}`;
    document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed ?? 0) + 1);
  }

  $("#api-name").textContent = `${api} API`;
  $("#models").hidden = api !== "traffic";
  $("#stations").hidden = api !== "station";
  $("#station-search").addEventListener("input", drawStationList);
  window.addEventListener("hashchange", () => void refreshStationSoon().catch((e) => { $("#refreshed").textContent = e.message; }));
  void refresh();
  setInterval(() => void refresh(), REFRESH_MS);
})();
