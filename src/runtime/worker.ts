// Worker threads that work both from source and inside the single executable. From source a
// worker runs its .ts file; the executable has no files, so build/build.mjs bundles every
// src/**/*-worker.ts on its own and embeds it as workers/<name>.cjs, which runs as eval'd code.
// Use: startWorker(new URL("./training-worker.ts", import.meta.url), { workerData }). From source a
// .ts entry first registers tsx's loader in the new thread.
import { Worker, type WorkerOptions } from "node:worker_threads";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";

type Sea = typeof import("node:sea");

export function startWorker(entry: URL, options: WorkerOptions = {}): Worker {
  const sea = process.getBuiltinModule("node:sea") as Sea | undefined;
  if (!sea?.isSea()) {
    if (!entry.pathname.endsWith(".ts")) return new Worker(entry, options);
    // From source: register tsx's loader in the new thread first (Node 20 workers do not inherit it).
    const boot = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
    return new Worker(boot, { ...options, eval: true });
  }
  const name = basename(fileURLToPath(entry)).replace(/\.ts$/, "");
  return new Worker(sea.getAsset(`workers/${name}.cjs`, "utf8"), { ...options, eval: true });
}
