import { test } from "uvu";
import * as assert from "uvu/assert";
import { Hono } from "hono";
import { mountConsole, type ConsoleFiles } from "./console-routes";
import { makeErrorHandler, notFoundHandler } from "./error-handler";
import pino from "pino";

const text = (s: string) => new TextEncoder().encode(s);
const reads: string[] = [];
const files: ConsoleFiles = {
  asset: (p) => (reads.push(p), { "ui/index.html": text('<body data-api="{{api}}">'), "ui/console.js": text("// js") }[p]),
  packageFile: (p) => (reads.push(p), p === "uplot/dist/uPlot.min.css" ? text(".u{}") : undefined),
};
const doc = { openapi: "3.1.0", info: { title: "t", version: "1" }, paths: { "/": { get: { summary: "the page", responses: {} } } } };

function app() {
  const a = new Hono();
  a.onError(makeErrorHandler(pino({ level: "silent" })));
  a.notFound(notFoundHandler);
  mountConsole(a, "station", doc, files, () => ({ memory: { rss_bytes: 1 } }));
  return a;
}

test("/ is the page for this API, with a CSP that allows its own origin only", async () => {
  const r = await app().request("/");
  assert.is(r.status, 200);
  assert.is(await r.text(), '<body data-api="station">');
  const csp = r.headers.get("content-security-policy")!;
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /connect-src 'self'/);
  assert.not.match(csp, /https?:|\*/);
});

test("/ui/: the page's files with their types, read once; another name is a 404 naming the files", async () => {
  const a = app();
  reads.length = 0;
  for (let i = 0; i < 2; i++) {
    const r = await a.request("/ui/uPlot.min.css");
    assert.is(r.headers.get("content-type"), "text/css; charset=utf-8");
    assert.is(await r.text(), ".u{}");
  }
  assert.equal(reads, ["uplot/dist/uPlot.min.css"]);
  for (const path of ["/ui/index.html", "/ui/..%2Fconfig.ini", "/ui/constructor"]) {
    const r = await a.request(path);
    assert.is(r.status, 404, path);
    assert.match(((await r.json()) as { msg: string }).msg, /the page's files are console\.js, console\.css/);
  }
});

test("a file the build lacks is a 404 too, not a crash", async () => {
  const r = await app().request("/ui/uPlot.iife.min.js");
  assert.is(r.status, 404);
});

test("/openapi.json and /docs serve the document given", async () => {
  const a = app();
  assert.equal(await (await a.request("/openapi.json")).json(), doc);
  assert.match(await (await a.request("/docs")).text(), /<code>GET \/<\/code>/);
});

test("/status answers what it is given", async () => {
  assert.equal(await (await app().request("/status")).json(), { status: "success", memory: { rss_bytes: 1 } });
});

test.run();
