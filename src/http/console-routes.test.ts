import { test } from "uvu";
import * as assert from "uvu/assert";
import { Hono } from "hono";
import { mountConsole, type ConsoleFiles } from "./console-routes";
import { makeErrorHandler, notFoundHandler } from "./error-handler";
import pino from "pino";

const text = (s: string) => new TextEncoder().encode(s);
const reads: string[] = [];
const files: ConsoleFiles = {
  asset: (p) => (reads.push(p), { "ui/index.html": text('<body data-api="{{api}}" data-auth-writes="{{auth-writes}}" data-auth-reads="{{auth-reads}}">'), "ui/console.js": text("// js") }[p]),
  packageFile: (p) => (reads.push(p), p === "uplot/dist/uPlot.min.css" ? text(".u{}") : undefined),
};
const doc = { openapi: "3.1.0", info: { title: "t", version: "1" }, paths: { "/": { get: { summary: "the page", responses: {} } } } };

function app(access = { token: "", reads: false }) {
  const a = new Hono();
  a.onError(makeErrorHandler(pino({ level: "silent" })));
  a.notFound(notFoundHandler);
  mountConsole(a, { api: "station", openapi: doc, files, status: async () => ({ memory: { rss_bytes: 1 } }), access });
  return a;
}

test("/ is the page for this API, with a CSP that allows its own origin only", async () => {
  const r = await app().request("/");
  assert.is(r.status, 200);
  assert.is(await r.text(), '<body data-api="station" data-auth-writes="false" data-auth-reads="false">');
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

test("/status answers what it is given, and what needs the token", async () => {
  assert.equal(await (await app().request("/status")).json(), { status: "success", auth: { writes: false, reads: false }, memory: { rss_bytes: 1 } });
});

test("with a token set, the shell and /status say what needs it, never the token", async () => {
  const token = "a-token-of-sixteen-characters";
  for (const [reads, shell] of [[false, 'data-auth-writes="true" data-auth-reads="false"'], [true, 'data-auth-writes="true" data-auth-reads="true"']] as const) {
    const a = app({ token, reads });
    const page = await (await a.request("/")).text();
    assert.ok(page.includes(shell), page);
    const status = await (await a.request("/status")).text();
    assert.equal((JSON.parse(status) as { auth: unknown }).auth, { writes: true, reads });
    assert.not.ok(page.includes(token) || status.includes(token), "the token is never shown");
  }
});

test.run();
