// Worker threads that work both from source and inside the single executable. From source a
// worker runs its .ts file; the executable has no files, so build/build.mjs bundles every
// src/**/*-worker.ts on its own and embeds it as workers/<name>.cjs, which runs as eval'd code.
// Use: startWorker(new URL("./training-worker.ts", import.meta.url), { workerData })
import { Worker, type WorkerOptions } from "node:worker_threads";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";

type Sea = typeof import("node:sea");

export function startWorker(entry: URL, options: WorkerOptions = {}): Worker {
  const sea = process.getBuiltinModule("node:sea") as Sea | undefined;
  if (!sea?.isSea()) return new Worker(entry, options);
  const name = basename(fileURLToPath(entry)).replace(/\.ts$/, "");
  return new Worker(sea.getAsset(`workers/${name}.cjs`, "utf8"), { ...options, eval: true });
}
