// The status page (issue 15 part 1), served at / on both ports (src/http/console-routes.ts). Plain
// browser JavaScript, no build step: it reads the same endpoints as any client (/metrics, /health,
// /status, /stations/... with their history, events and maintenance windows; /api/v1/models,
// /requests, /training, /backups) every REFRESH_MS, writes through send() alone (maintenance
// windows, training, restore), and draws with uPlot (window.uPlot, docs/design.md § Status page
// and OpenAPI says why uPlot). Nothing leaves the page's own origin (its CSP forbids it).
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

  // ---- overview: version, uptime, memory, outbox, both APIs' rates and latencies (from /metrics);
  // from /status the rest, the same on both ports (downstream, Druid, next training, disk, budgets)
  const apis = [
    { name: "station", requests: "rb_aioutliers_station_http_requests_total", latency: "rb_aioutliers_station_http_request_duration_seconds" },
    { name: "traffic", requests: "rb_aioutliers_traffic_requests_total", latency: "rb_aioutliers_traffic_request_seconds" },
  ];
  let previous; // the last refresh's counters, for rates

  async function refreshOverview() {
    const [metrics, health, status] = await Promise.all([
      fetch("/metrics").then((r) => r.text()).then(parseMetrics),
      getJson("/health"),
      getJson("/status"),
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
    if (status.downstream) {
      fact(dl, "downstream", status.downstream.endpoint ?? "none configured");
      fact(dl, "last delivery error", status.downstream.last_error ?? "none", status.downstream.last_error !== null);
    }
    if (health.outbox) fact(dl, "stations (in memory)", `${health.stations} (${health.cached_stations})`);
    const disk = status.data_dir;
    if (disk.error) fact(dl, "data dir on disk", `not measured: ${disk.error}`, true);
    else fact(dl, "data dir on disk", `${disk.complete ? "" : "at least "}${mib(disk.bytes)} (${mib(disk.filesystem_free_bytes)} free of ${mib(disk.filesystem_total_bytes)})`, disk.filesystem_free_bytes < 0.05 * disk.filesystem_total_bytes);
    for (const b of Object.values(status.budgets ?? {}))
      fact(dl, b.setting, `${mib(b.used_bytes)} of ${mib(b.bytes)} used`, b.used_bytes > b.bytes);
    if (status.druid) {
      const c = status.druid.last_contact;
      fact(dl, "Druid broker", c ? `${c.ok ? "answered" : "failed"} at ${c.at}${c.ok ? "" : `: ${c.detail}`}` : "not asked since the service started", c !== null && !c.ok);
    }
    if ("next_training" in status) fact(dl, "next training", status.next_training ?? "none scheduled ([Outliers] training_enabled is off)");
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
    const [{ models }, status] = await Promise.all([getJson("/api/v1/models"), getJson("/status")]);
    const version = new Map((status.models ?? []).map((m) => [m.name, m.version]));
    $("#models tbody").replaceChildren(...models.map((m) =>
      el("tr", {}, el("td", {}, m.name), el("td", {}, m.kind ?? ""), el("td", {}, version.get(m.name) ?? (m.kind === "shallow" ? "built in" : "")), el("td", {}, m.description ?? ""))));
  }

  // ---- training (traffic port): the runs and their progress, a run started now, backups restored
  let drawnBackups;
  async function refreshTraining() {
    const [training, { backups }] = await Promise.all([getJson("/api/v1/training"), getJson("/api/v1/backups")]);
    $("#training-next").textContent = `next scheduled training: ${training.next_training ?? "none ([Outliers] training_enabled is off)"}; a run trains ${training.defaults.model_names} for ${training.defaults.epochs} epochs unless told otherwise`;
    const num = (x, digits = 6) => (x === null ? "—" : x.toPrecision(digits));
    $("#runs-table tbody").replaceChildren(...(training.runs.length ? training.runs.map((r) => el("tr", { "data-run": String(r.id), "data-result": r.result },
      el("td", {}, `#${r.id}`), el("td", {}, r.model), el("td", {}, r.trigger), el("td", {}, r.host), el("td", {}, r.started_at),
      el("td", {}, r.duration_s === null ? "running" : `${r.duration_s} s`), el("td", {}, `${r.epoch} of ${r.epochs}`),
      el("td", {}, num(r.loss)), el("td", {}, num(r.avg_loss)), el("td", r.result === "failed" ? { class: "bad" } : {}, r.error ? `${r.result}: ${r.error}` : r.result)))
      : [el("tr", {}, el("td", { colspan: "10", class: "muted" }, "no training run yet"))]));
    // Redrawn only when they changed: a redraw would take the keyboard focus off a button.
    const signature = JSON.stringify(backups);
    if (signature === drawnBackups) return;
    drawnBackups = signature;
    $("#backups-table tbody").replaceChildren(...(backups.length ? backups.map((b) => {
      const restore = el("button", { type: "button", class: "write", "aria-label": `restore ${b.backup}` }, "Restore");
      restore.addEventListener("click", () => void restoreBackup(b));
      return el("tr", { "data-backup": b.backup }, el("td", {}, b.backup), el("td", {}, b.model), el("td", {}, b.saved_at), el("td", {}, restore));
    }) : [el("tr", {}, el("td", { colspan: "4", class: "muted" }, "no backup"))]));
  }
  async function restoreBackup(b) {
    const message = $("#train-message");
    message.classList.remove("bad");
    try {
      const r = await send("POST", `/api/v1/models/${encodeURIComponent(b.model)}/restore`, { backup: b.backup });
      message.textContent = `model ${r.model} restored from ${r.restored}` + (r.backup ? `; the model it replaced is backed up` : "");
    } catch (e) {
      message.textContent = `not restored: ${e.message}`;
      message.classList.add("bad");
    }
    await refreshTraining();
  }
  async function trainNow(event) {
    event.preventDefault();
    const body = {};
    const model = $("#train-model").value.trim(), epochs = $("#train-epochs").value.trim();
    if (model) body.model = model;
    if (epochs) body.epochs = Number(epochs);
    const message = $("#train-message");
    message.classList.remove("bad");
    try {
      const { started } = await send("POST", "/api/v1/training", body);
      message.textContent = `training ${started.models.join(", ")} for ${started.epochs} epochs: its progress is in the table`;
    } catch (e) {
      message.textContent = `not started: ${e.message}`;
      message.classList.add("bad");
    }
    await refreshTraining();
  }

  // ---- plot helpers
  /** A sample time as the API gives it (UTC when it names no zone) -> epoch seconds. */
  const toSeconds = (ts) => Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(ts) ? ts.replace(" ", "T") : `${ts.replace(" ", "T")}Z`) / 1000;
  /** The x range: the data's, padded; an hour either side of a lone point. */
  function timeRange(t) {
    const min = Math.min(...t), max = Math.max(...t);
    const pad = max - min < 60 ? 3600 : (max - min) * 0.02;
    return [min - pad, max + pad];
  }

  const FLAGGED = "#a50e0e";
  const flaggedSeries = (label) => ({ label, stroke: FLAGGED, paths: () => null, points: { show: true, size: 8, fill: FLAGGED } });
  // Sample times are UTC (as the API gives them): the axis too.
  const utc = (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC");

  // ---- traffic requests (traffic port): the last ones answered, and one plotted with its forecast
  const chosenRequest = () => {
    const m = /^#request=(\d+)$/.exec(location.hash);
    return m ? Number(m[1]) : undefined;
  };
  let drawnRequests, requestPlot;
  async function refreshRequests() {
    const { requests } = await getJson("/api/v1/requests");
    const signature = JSON.stringify([requests.map((r) => r.id), chosenRequest()]);
    if (signature === drawnRequests) return;
    drawnRequests = signature;
    const id = chosenRequest() ?? requests[0]?.id;
    $("#requests-table tbody").replaceChildren(...(requests.length ? requests.map((r) => el("tr", r.id === id ? { "aria-current": "true", class: "current" } : {},
      el("td", {}, el("a", { href: `#request=${r.id}` }, `#${r.id}`)), el("td", {}, r.at),
      el("td", {}, r.source === "query" ? `query on ${r.datasource}` : r.series_name === null ? "posted data" : `posted data "${r.series_name}"`),
      el("td", {}, String(r.points)), el("td", {}, r.model), el("td", {}, r.metric), el("td", {}, String(r.anomalies)), el("td", {}, `${r.ms} ms`)))
      : [el("tr", {}, el("td", { colspan: "8", class: "muted" }, "no outlier request since the service started"))]));
    await drawRequest(id);
  }
  async function drawRequest(id) {
    const figure = $("#request-plot");
    requestPlot?.destroy();
    requestPlot = undefined;
    figure.hidden = id === undefined;
    if (id === undefined) return;
    const area = figure.querySelector(".plot-area");
    area.replaceChildren();
    let request;
    try {
      ({ request } = await getJson(`/api/v1/requests/${id}`));
    } catch (e) {
      figure.querySelector("h3").textContent = `request #${id}`;
      figure.querySelector("p").textContent = `no longer kept (${e.message})`;
      delete figure.dataset.request;
      return;
    }
    const s = request.series;
    figure.querySelector("h3").textContent = `request #${request.id}: ${request.metric} with the ${request.model} model's forecast, ${request.anomalies} anomalies`;
    figure.querySelector("p").textContent = s.left_out ? `its last ${s.timestamps.length} of ${request.points} points` : `all ${request.points} points`;
    const t = s.timestamps.map(toSeconds);
    requestPlot = new uPlot({
      width: Math.max(320, area.clientWidth || 1200), height: 220, tzDate: utc, scales: { x: { time: true, range: timeRange(t) } },
      series: [{}, { label: request.metric, stroke: "#4a5560", width: 1 }, { label: "forecast", stroke: "#0b57d0", width: 1.5, dash: [6, 3] }, flaggedSeries("anomaly")],
      axes: [{}, { label: request.metric, size: 100 }],
    }, [t, s.values, s.forecast, s.values.map((v, i) => (s.anomalous[i] ? v : null))], area);
    figure.dataset.request = String(request.id);
    figure.dataset.anomalies = String(s.anomalous.filter(Boolean).length);
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


  /** Samples of history drawn per variable at most: a week of one-minute samples. */
  const HISTORY_SHOWN = 10080;
  /**
   * A variable's recent history (GET /stations/:id/history): its last HISTORY_SHOWN samples
   * {t, value, score, flagged} (arrays; score null while undecided), and `kept`, the service's
   * [Stations] history_samples (0: history is off and nothing is kept).
   */
  async function history(id, variable, samplesSeen) {
    const cursor = Math.max(0, samplesSeen - HISTORY_SHOWN);
    const h = await getJson(`/stations/${encodeURIComponent(id)}/history?variable=${encodeURIComponent(variable)}&limit=${HISTORY_SHOWN}&cursor=${cursor}`);
    const rows = h.history;
    return {
      kept: h.history_samples,
      t: rows.map((r) => toSeconds(r.timestamp)), value: rows.map((r) => r.value),
      score: rows.map((r) => r.score), flagged: rows.map((r) => (r.label === 1 ? r.value : null)),
    };
  }
  /**
   * The marks on a station's time axes (GET /stations/:id/events, /maintenance): per variable its
   * drift tests (`found` when the test said drift) and retrains, and the maintenance windows
   * [from, to) with the variables they cover (null: all).
   */
  async function marks(id) {
    const path = `/stations/${encodeURIComponent(id)}`;
    const [drift, retrain, maintenance] = await Promise.all([
      getJson(`${path}/events?kind=drift&limit=1000`), getJson(`${path}/events?kind=retrain&limit=1000`), getJson(`${path}/maintenance`),
    ]);
    const at = (e) => ({ variable: e.variable, t: toSeconds(e.timestamp), found: e.detail?.drift === true });
    return {
      drift: drift.events.map(at), retrain: retrain.events.map(at),
      windows: maintenance.windows.map((w) => ({ ...w, t0: Date.parse(w.from) / 1000, t1: Date.parse(w.to) / 1000 })),
    };
  }
  const MARK = { drift: "#8a4b00", retrain: "#0b57d0", maintenance: "rgba(74, 85, 96, 0.18)" };

  /** A uPlot plugin drawing a variable's marks: maintenance bands, drift-test ticks, retrain lines. */
  function marksPlugin(m) {
    return {
      hooks: {
        draw: [(u) => {
          const { ctx, bbox } = u;
          const x = (t) => u.valToPos(t, "x", true);
          ctx.save();
          ctx.fillStyle = MARK.maintenance;
          for (const w of m.windows) {
            const x0 = Math.max(bbox.left, x(w.t0)), x1 = Math.min(bbox.left + bbox.width, x(w.t1));
            if (x1 > x0) ctx.fillRect(x0, bbox.top, x1 - x0, bbox.height);
          }
          const line = (t, colour, from, dash) => {
            const px = x(t);
            if (px < bbox.left || px > bbox.left + bbox.width) return;
            ctx.strokeStyle = colour;
            ctx.setLineDash(dash);
            ctx.beginPath();
            ctx.moveTo(px, bbox.top + bbox.height * from);
            ctx.lineTo(px, bbox.top + bbox.height);
            ctx.stroke();
          };
          ctx.lineWidth = 1.5;
          // Every drift test a short tick at the bottom; one that found drift the full height, dashed.
          for (const d of m.drift) line(d.t, MARK.drift, d.found ? 0 : 0.85, d.found ? [4, 3] : []);
          for (const r of m.retrain) line(r.t, MARK.retrain, 0, []);
          ctx.restore();
        }],
      },
    };
  }

  /**
   * A variable's plots into `area`: with history, its values with the flagged points and the marks,
   * and its score beneath (cursors synced); without, the flagged points' scores alone. Returns the
   * uPlot instances.
   */
  function drawPlots(area, variable, flagged, past, m) {
    const width = Math.max(320, area.clientWidth || 1200);
    if (past && past.t.length) {
      const range = timeRange(past.t);
      const sync = { key: `variable-${variable}` };
      const common = { width, tzDate: utc, scales: { x: { time: true, range } }, cursor: { sync } };
      const values = new uPlot({
        ...common, height: 180, plugins: [marksPlugin(m)],
        series: [{}, { label: variable, stroke: "#4a5560", width: 1 }, flaggedSeries("flagged")], axes: [{}, { label: "value" }],
      }, [past.t, past.value, past.flagged], area);
      const scores = new uPlot({
        ...common, height: 110, plugins: [marksPlugin(m)],
        series: [{}, { label: "anomaly score", stroke: "#0b57d0", width: 1 }, flaggedSeries("flagged")], axes: [{}, { label: "score" }],
      }, [past.t, past.score, past.t.map((_, i) => (past.flagged[i] === null ? null : past.score[i]))], area);
      return [values, scores];
    }
    if (flagged.length === 0) {
      area.append(el("p", { class: "muted" }, "no flagged points"));
      return [];
    }
    const t = flagged.map((o) => toSeconds(o.timestamp));
    return [new uPlot({
      width, height: 180, tzDate: utc, scales: { x: { time: true, range: timeRange(t) } }, plugins: [marksPlugin(m)],
      series: [{}, flaggedSeries("score of flagged point")], axes: [{}, { label: "score" }],
    }, [t, flagged.map((o) => o.score)], area)];
  }

  /**
   * A variable's pipeline state (GET /stations/:id): re-learning after a state that could not be
   * restored, or still without a decision, or judging, with its last decision and drift test.
   */
  function variableState(v) {
    if (v.relearning) return { bad: true, text: `state: re-learning since ${v.relearning.since} from sample ${v.relearning.from_sample} (${v.relearning.reason})` };
    if (!v.last_decision) return { bad: false, text: `state: learning, no decision yet (${v.samples_seen} samples seen, window ${v.window})` };
    const d = v.last_drift_test;
    const drift = d ? `; last drift test at ${d.timestamp}: ${d.drift ? "drift" : "no drift"} (Mann-Kendall p ${d.mann_kendall.p.toPrecision(3)}, Wilcoxon p ${d.wilcoxon.p.toPrecision(3)})` : "";
    return { bad: false, text: `state: judging; last decision at ${v.last_decision.timestamp} (sample ${v.last_decision.sample}${v.last_decision.retrained ? ", retrained" : ""})${drift}` };
  }

  /** What the history line above a variable's plots says. */
  function historyNote(past) {
    if (past.kept === 0) return "history off ([Stations] history_samples = 0): the flagged points' scores alone are plotted";
    if (!past.t.length) return `history on (the last ${past.kept} samples kept), none recorded yet`;
    return `history: the last ${past.t.length} of ${past.kept} samples kept; marks: drift test (brown tick; dashed when drift was found), retrain (blue), maintenance (grey band)`;
  }

  /**
   * A write to the service (POST, DELETE): the answer's JSON, or an Error carrying the service's
   * message (a 400 says what was wrong and what is accepted).
   */
  async function send(method, path, body) {
    const r = await fetch(path, {
      method, headers: body === undefined ? {} : { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(`HTTP ${r.status}: ${answer.msg ?? r.statusText}`);
    return answer;
  }

  // ---- one station's maintenance windows: listed, deleted, and created from the form
  let drawnWindows, drawnVariables;
  function drawMaintenance(id, names, windows) {
    const varsSignature = JSON.stringify([id, names]);
    if (varsSignature !== drawnVariables) {
      drawnVariables = varsSignature;
      $("#mw-variables span").replaceChildren(...names.map((n, i) =>
        el("label", { class: "check" }, el("input", { type: "checkbox", id: `mw-var-${i}`, value: n }), ` ${n}`)));
    }
    const signature = JSON.stringify([id, windows.map((w) => w.id)]);
    if (signature === drawnWindows) return;
    drawnWindows = signature;
    $("#maintenance-table tbody").replaceChildren(...(windows.length ? windows.map((w) => {
      const remove = el("button", { type: "button", class: "write", "aria-label": `delete maintenance window ${w.id}` }, "Delete");
      remove.addEventListener("click", () => void send("DELETE", `/stations/${encodeURIComponent(id)}/maintenance/${w.id}`)
        .then(() => { $("#mw-message").textContent = `window ${w.id} deleted`; }, (e) => { $("#mw-message").textContent = e.message; })
        .then(refreshStationSoon));
      return el("tr", { "data-window": String(w.id) }, el("td", {}, String(w.id)), el("td", {}, w.from), el("td", {}, w.to),
        el("td", {}, w.variables === null ? "all" : w.variables.join(", ")), el("td", {}, w.reason), el("td", {}, w.created_at), el("td", {}, remove));
    }) : [el("tr", {}, el("td", { colspan: "7", class: "muted" }, "none"))]));
  }

  async function createWindow(event) {
    event.preventDefault();
    const id = selected();
    if (id === undefined) return;
    const body = { from: $("#mw-from").value.trim(), to: $("#mw-to").value.trim(), reason: $("#mw-reason").value };
    const ticked = [...document.querySelectorAll("#mw-variables input:checked")].map((i) => i.value);
    if (ticked.length) body.variables = ticked;
    const message = $("#mw-message");
    message.classList.remove("bad");
    try {
      const { window: w } = await send("POST", `/stations/${encodeURIComponent(id)}/maintenance`, body);
      message.textContent = `window ${w.id} created: ${w.from} to ${w.to}`;
      await refreshStationSoon();
    } catch (e) {
      message.textContent = `not created: ${e.message}`;
      message.classList.add("bad");
    }
  }

  async function refreshStation() {
    const id = selected();
    $("#station").hidden = id === undefined;
    if (id === undefined) return;
    const [{ station }, { outliers }, m] = await Promise.all([
      getJson(`/stations/${encodeURIComponent(id)}`),
      getJson(`/stations/${encodeURIComponent(id)}/outliers?limit=100000`),
      marks(id),
    ]);
    $("#station-title").textContent = `Station ${station.id_estacio}`;
    $("#station-facts").textContent = `${station.blocks} blocks, ${station.samples} samples, updated ${station.updated_at}; ${m.drift.length} drift tests, ${m.retrain.length} retrains, ${m.windows.length} maintenance windows`;
    drawMaintenance(id, station.variables.map((v) => v.name), m.windows);
    const container = $("#plots");
    const names = station.variables.map((v) => v.name);
    for (const [name, p] of plots) if (!names.includes(name) || container.dataset.station !== id) { p.plots.forEach((u) => u.destroy()); plots.delete(name); }
    if (container.dataset.station !== id) { container.replaceChildren(); container.dataset.station = id; }
    for (const v of station.variables) {
      const flagged = outliers.filter((o) => o.variable === v.name);
      const mine = {
        drift: m.drift.filter((d) => d.variable === v.name), retrain: m.retrain.filter((r) => r.variable === v.name),
        windows: m.windows.filter((w) => w.variables === null || w.variables.includes(v.name)),
      };
      const signature = JSON.stringify([flagged.length, flagged.at(-1)?.timestamp, v.samples_seen, v.relearning, mine.drift.length, mine.retrain.length, mine.windows.map((w) => w.id)]);
      const entry = plots.get(v.name);
      if (entry?.signature === signature) continue;
      let box = container.querySelector(`[data-variable="${CSS.escape(v.name)}"]`);
      if (!box) {
        box = el("figure", { class: "plot", "data-variable": v.name }, el("h3", {}), el("p", { class: "pipeline-state" }), el("p", { class: "muted history-note" }), el("div", { class: "plot-area" }));
        container.append(box);
      }
      const past = await history(id, v.name, v.samples_seen);
      box.querySelector("h3").textContent = `${v.name}: ${v.pipeline}, window ${v.window}, ${v.samples_seen} samples, ${v.retrains} retrains, ${flagged.length} flagged`;
      const state = variableState(v);
      box.querySelector(".pipeline-state").textContent = state.text;
      box.querySelector(".pipeline-state").classList.toggle("bad", state.bad);
      box.querySelector(".history-note").textContent = historyNote(past);
      entry?.plots.forEach((u) => u.destroy());
      const area = box.querySelector(".plot-area");
      area.replaceChildren();
      const drawn = drawPlots(area, v.name, flagged, past.kept ? past : undefined, mine);
      box.dataset.history = past.kept ? String(past.t.length) : "off";
      box.dataset.drawnFlagged = String(past.t.length ? past.flagged.filter((x) => x !== null).length : flagged.length);
      box.dataset.marks = `drift:${mine.drift.length} retrain:${mine.retrain.length} maintenance:${mine.windows.length}`;
      box.dataset.flagged = String(flagged.length);
      plots.set(v.name, { signature, plots: drawn });
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
  if (api === "traffic") parts.push(refreshModels, refreshRequests, refreshTraining);
  async function refresh() {
    const results = await Promise.allSettled(parts.map((p) => p()));
    const failed = results.filter((r) => r.status === "rejected").map((r) => r.reason.message);
    $("#refreshed").textContent = failed.length ? `refresh failed: ${failed.join("; ")}` : `refreshed ${new Date().toLocaleTimeString()}`;
    document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed ?? 0) + 1);
  }

  $("#api-name").textContent = `${api} API`;
  $("#models").hidden = api !== "traffic";
  $("#stations").hidden = api !== "station";
  $("#traffic").hidden = api !== "traffic";
  $("#training").hidden = api !== "traffic";
  $("#train-form").addEventListener("submit", (e) => void trainNow(e));
  $("#station-search").addEventListener("input", drawStationList);
  $("#maintenance-form").addEventListener("submit", (e) => void createWindow(e));
  window.addEventListener("hashchange", () => void (api === "station" ? refreshStationSoon() : refreshRequests()).catch((e) => { $("#refreshed").textContent = e.message; }));
  void refresh();
  setInterval(() => void refresh(), REFRESH_MS);
})();
