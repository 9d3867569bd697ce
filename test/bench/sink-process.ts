// The downstream stand-in (../stations/downstream.ts) in a process of its own, for a bench whose
// client must not share an event loop (and its delays) with the sink: the outbox scenario of
// ./stations.bench.ts times one station's /detection while the sink takes a drain. Commands over
// IPC, each answered: {mode} sets the mode; {count: true} answers how many deliveries arrived whose
// body does not contain the string given as the first argument (e.g. a probing station's id).
import { Downstream, type Mode } from "../stations/downstream";

const exclude = process.argv[2] ?? "\u0000";
const sink = await Downstream.start("ok");
let counted = 0;
process.on("message", (m: { mode?: Mode; count?: true; close?: true }) => {
  void (async () => {
    if (m.mode) await sink.setMode(m.mode);
    if (m.count) for (const r of sink.received.splice(0)) if (!JSON.stringify(r.body).includes(exclude)) counted++;
    if (m.close) await sink.close();
    process.send!({ port: sink.port, count: counted });
    if (m.close) process.disconnect();
  })();
});
process.send!({ port: sink.port, count: 0 });
