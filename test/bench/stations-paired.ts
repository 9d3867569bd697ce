// Paired, alternated runs of the station bench's client (./station-client.ts) against two (or more)
// trees of this project and the floor (./station-floor.ts), for a speed change to the station API
// on a shared machine, where one run of `npm run bench stations` after another compares the load of
// different minutes (single runs moved by ±30 %: docs/stations.md § Floor (issue 17 part 3),
// session 14). Every tree's service and the floor are started at once and get ROUNDS rounds of one
// run each (2,560 blocks of 10 samples × 3 variables of the `default` pipeline; 1 station on 1
// connection, then 50 stations on 4 connections), the order reversed every round. A service process
// keeps a bias of its own for its whole life (docs/stations.md § History, events and maintenance
// windows), so all of them are started again PROCESSES times, each time for its share of the rounds
// after a warm-up run. Per tree and scenario: the medians of its throughput (wall clock) and of the
// service's CPU per block (/proc, all its threads), ours / floor (throughput, median of the rounds'
// ratios) and, from the second tree on, its ratios to the first tree's run of the same round: their
// median and in how many rounds it was faster or used less CPU.
//
//   TREES=/work/wt/before,$PWD [ROUNDS=30] [PROCESSES=3] [SCENARIOS=one,fifty] npx tsx test/bench/stations-paired.ts
//
// A tree runs from source with the V8 flags the executable embeds (build/node-flags.json) and needs
// its node_modules (a symlink to another tree's will do); `exe:<dist dir>` runs a built executable.
// Not a *.bench.ts: npm run bench does not run it.
import { serviceNodeFlags, startService, type RunningService } from "../support/service-process";
import { BLOCK, median, run, startFloor, type Target } from "./station-client";

const TREES = (process.env.TREES ?? "").split(",").filter(Boolean);
const ROUNDS = Number(process.env.ROUNDS ?? 30), PROCESSES = Number(process.env.PROCESSES ?? 3);
const SCENARIOS = { one: { stations: 1, connections: 1 }, fifty: { stations: 50, connections: 4 } };
const chosen = (process.env.SCENARIOS ?? "one,fifty").split(",") as Array<keyof typeof SCENARIOS>;
if (TREES.length < 1 || !chosen.every((s) => s in SCENARIOS)) {
  console.error("usage: TREES=<tree or exe:dist>,... [ROUNDS=30] [PROCESSES=3] [SCENARIOS=one,fifty] npx tsx test/bench/stations-paired.ts");
  process.exit(2);
}

function command(tree: string): string {
  if (tree.startsWith("exe:")) return `${tree.slice(4)}/lib/ld-linux-x86-64.so.2 ${tree.slice(4)}/rb-aioutliers`;
  return [process.execPath, ...serviceNodeFlags, "--import", "tsx", `${tree}/src/cli/main.ts`].join(" ");
}

async function startAll(): Promise<{ services: RunningService[]; floor: Target & { stop(): void } }> {
  const services = [];
  for (const tree of TREES) {
    process.env.RB_AIOUTLIERS_CMD = command(tree);
    services.push(await startService({ startTimeoutMs: 120_000 }));
  }
  return { services, floor: await startFloor() };
}

interface Round { rate: number; cpuUs: number }

const fmt = (x: number) => Math.round(x).toLocaleString("en");

for (const name of chosen) {
  const { stations, connections } = SCENARIOS[name];
  const ours: Round[][] = TREES.map(() => []), floor: Round[] = [];
  for (let p = 0; p < PROCESSES; p++) {
    const { services, floor: f } = await startAll();
    const targets: Target[] = [...services, f];
    try {
      for (const [i, t] of targets.entries()) await run(t, `w${p}_${i}`, stations, connections, "default");
      const rounds = Math.ceil(ROUNDS / PROCESSES);
      for (let r = 0; r < rounds; r++) {
        const order = [...targets.keys()];
        if ((p * rounds + r) % 2) order.reverse();
        for (const i of order) {
          const x = await run(targets[i]!, `r${p}_${r}`, stations, connections, "default");
          (i < services.length ? ours[i]! : floor).push({ rate: x.rate, cpuUs: (BLOCK / x.cpuRate) * 1e6 });
        }
      }
    } finally {
      f.stop();
      for (const s of services) await s.stop();
    }
  }
  console.log(`\n## ${name}: ${stations} station(s) on ${connections} connection(s), ${floor.length} rounds in ${PROCESSES} process(es) each`);
  console.log("| tree | samples/s (median) | CPU µs a block (median) | ours / floor (median) | ÷ the first tree: samples/s, faster in | CPU, less in |");
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const [i, tree] of TREES.entries()) {
    const mine = ours[i]!, first = ours[0]!;
    const vsFloor = median(mine.map((x, r) => x.rate / floor[r]!.rate));
    const rate = mine.map((x, r) => x.rate / first[r]!.rate), cpu = mine.map((x, r) => x.cpuUs / first[r]!.cpuUs);
    const versus = i === 0 ? "— | —" : `${median(rate).toFixed(3)}, ${rate.filter((x) => x > 1).length} of ${rate.length} | ${median(cpu).toFixed(3)}, ${cpu.filter((x) => x < 1).length} of ${cpu.length}`;
    console.log(`| ${tree} | ${fmt(median(mine.map((x) => x.rate)))} | ${fmt(median(mine.map((x) => x.cpuUs)))} | ${vsFloor.toFixed(3)} | ${versus} |`);
  }
  console.log(`| the floor | ${fmt(median(floor.map((x) => x.rate)))} | ${fmt(median(floor.map((x) => x.cpuUs)))} | | | |`);
}
