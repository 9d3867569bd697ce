// Example inputs for the shell examples of README.md and docs/: one-minute traffic with three
// spikes, as a Druid timeseries answer, and what the other endpoints take. Deterministic (no
// randomness, no clock), so an example's answer is the same on every machine.
//
//   node docs/examples/example-data.mjs [--days N] [--out DIR]      (default: 1 day, ./example)
//
// Writes into DIR:
//   query.json          a copy of ./query.json, the original README's Druid query (bytes, pt1m)
//   druid-answer.json   N days of one-minute rows [{"timestamp", "result": {...}}] from
//                       2024-05-20T00:00Z with the traffic metric set (bytes, pkts, clients, …);
//                       bytes ×4 at 06:00, 12:00 and 18:00 of the last day
//   ips.json            an ip_identifier payload: the 18:00 spike as the outlier, and the bytes of
//                       three addresses over the last day's 17:30-18:29, 10.1.1.2 causing the spike
//   block.json          a station block: the last day as samples of station_1's `temperature`
//                       and `humidity`, humidity jumping at 12:00
// The test that runs the documents' examples uses this same script (test/docs/examples.test.ts).
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const MINUTE = 60_000;
const DAY = 1440;
const START = Date.UTC(2024, 4, 20);

function args(argv) {
  const out = { days: 1, dir: "example" };
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === "--days" && /^[1-9]\d*$/.test(argv[i + 1] ?? "")) out.days = Number(argv[i + 1]);
    else if (argv[i] === "--out" && argv[i + 1]) out.dir = argv[i + 1];
    else throw new Error(`usage: example-data.mjs [--days N] [--out DIR] (got ${argv.slice(i).join(" ")})`);
  }
  return out;
}

/** A small deterministic wiggle in [-1, 1] for minute i (a hash, not a random generator). */
const wiggle = (i, k = 1) => Math.sin(i * 12.9898 * k) * Math.cos(i * 78.233 + k);

/** The ISO time of minute i; `spaced` writes the station form "2024-05-20 00:00:00". */
const time = (i, spaced = false) => {
  const iso = new Date(START + i * MINUTE).toISOString();
  return spaced ? iso.slice(0, 19).replace("T", " ") : iso;
};

/** The redborder traffic metric set of one minute from its bytes (docs/design.md § Traffic metric set). */
function trafficResult(i, bytes) {
  const pkts = Math.round(bytes / 800), flows = Math.round(bytes / 40_000);
  const clients = Math.round(60 + 20 * Math.sin((2 * Math.PI * (i - 360)) / DAY) + 3 * wiggle(i, 5));
  const bps = (bytes * 8) / 60, pps = pkts / 60, fps = flows / 60;
  return {
    bytes, pkts, clients, flows, bps, pps, fps,
    bytes_per_client: bytes / clients, bits_per_sec_per_client: bps / clients,
    flows_per_client: flows / clients, flows_per_sec_per_client: fps / clients,
  };
}

function trafficRows(days) {
  const n = days * DAY, last = n - DAY;
  const spikes = new Set([last + 6 * 60, last + 12 * 60, last + 18 * 60]);
  return Array.from({ length: n }, (_, i) => {
    const base = 2e6 * (2 + Math.sin((2 * Math.PI * (i - 360)) / DAY)) + 4e4 * wiggle(i);
    return { timestamp: time(i), result: trafficResult(i, Math.round(spikes.has(i) ? 4 * base : base)) };
  });
}

function ipPayload(days) {
  const spike = days * DAY - DAY + 18 * 60;
  const all_ips_data = {};
  for (const [k, ip] of ["10.1.1.1", "10.1.1.2", "10.1.1.3"].entries()) {
    all_ips_data[ip] = Array.from({ length: 60 }, (_, j) => {
      const i = spike - 30 + j;
      const bytes = Math.round([1e6, 1.2e6, 0.8e6][k] * (1 + 0.05 * wiggle(i, k + 2)));
      return { timestamp: time(i), result: { bytes: ip === "10.1.1.2" && i === spike ? 20 * bytes : bytes } };
    });
  }
  return { outliers: [{ timestamp: time(spike) }], all_ips_data };
}

function stationBlock(days) {
  const first = days * DAY - DAY;
  const mostres = Array.from({ length: DAY }, (_, j) => {
    const i = first + j;
    const temperature = 20 + 5 * Math.sin((2 * Math.PI * (j - 480)) / DAY) + 0.2 * wiggle(i, 3);
    const humidity = (j === 12 * 60 ? 95 : 55) + 2 * wiggle(i, 4);
    return { timestamp: time(i, true), values: { temperature: +temperature.toFixed(3), humidity: +humidity.toFixed(3) } };
  });
  return { id_estacio: "station_1", numero_mostres: mostres.length, mostres };
}

const { days, dir } = args(process.argv.slice(2));
mkdirSync(dir, { recursive: true });
copyFileSync(new URL("query.json", import.meta.url), join(dir, "query.json"));
const files = {
  "druid-answer.json": trafficRows(days),
  "ips.json": ipPayload(days),
  "block.json": stationBlock(days),
};
for (const [name, value] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(value) + "\n");
