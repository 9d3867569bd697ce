// Worker thread entry of the detection pool (./detection-pool.ts): the live pipelines of the
// stations sharded to this thread (./station-computer.ts). Messages in, in the order posted:
// {seq, block} → {seq, work} or {seq, failure}; {drop: id}; {keys: [id, [[variable, key]...]]}.
// Out first: {ready: true}, once loaded. The pool ends the thread with terminate(). It does no I/O: the main thread loads and commits.
import { parentPort, workerData } from "node:worker_threads";
import { blockFailure, StationComputer, type BlockTask } from "./station-computer";

type Message = { seq: number; block: BlockTask } | { drop: string } | { keys: [string, Array<[string, number]>] };

const computer = new StationComputer((workerData as { defaultPipeline: string }).defaultPipeline);

parentPort!.on("message", (m: Message) => {
  if ("block" in m) {
    try {
      parentPort!.postMessage({ seq: m.seq, work: computer.compute(m.block) });
    } catch (e) {
      parentPort!.postMessage({ seq: m.seq, failure: blockFailure(e) });
    }
  } else if ("drop" in m) computer.drop(m.drop);
  else computer.setHistoryKeys(m.keys[0], m.keys[1]);
});
parentPort!.postMessage({ ready: true });
