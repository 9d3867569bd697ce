// The operator's console on both ports (issue 15): the status page at / (assets/ui/, with uPlot for
// the plots), its files under /ui/, the OpenAPI document at /openapi.json and its rendering at
// /docs. Everything is served from the process (embedded in the executable; src/app hands the
// readers in): the page needs no network, and its Content-Security-Policy lets it reach nothing
// but its own origin.
import type { Hono } from "hono";
import { NotFoundError } from "./errors";
import { renderDocsPage } from "./docs-page";
import { accessNeeds, type AccessOptions } from "./access";

export type ConsoleApi = "station" | "traffic";

/** Where the console's files come from (src/app/console-files.ts). */
export interface ConsoleFiles {
  /** A file under the repository's assets/ ("ui/index.html"); undefined when there is none. */
  asset(path: string): Uint8Array | undefined;
  /** A file of an npm package ("uplot/dist/uPlot.min.css"); undefined when there is none. */
  packageFile(path: string): Uint8Array | undefined;
}

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The files under /ui/: our own page's (assets/ui/) and uPlot's (embedded from its package). */
const uiFiles: Record<string, { read: (f: ConsoleFiles) => Uint8Array | undefined; type: string }> = {
  "console.js": { read: (f) => f.asset("ui/console.js"), type: "text/javascript; charset=utf-8" },
  "console.css": { read: (f) => f.asset("ui/console.css"), type: "text/css; charset=utf-8" },
  "console-auth.js": { read: (f) => f.asset("ui/console-auth.js"), type: "text/javascript; charset=utf-8" },
  "uPlot.iife.min.js": { read: (f) => f.packageFile("uplot/dist/uPlot.iife.min.js"), type: "text/javascript; charset=utf-8" },
  "uPlot.min.css": { read: (f) => f.packageFile("uplot/dist/uPlot.min.css"), type: "text/css; charset=utf-8" },
};

const html = { "content-type": "text/html; charset=utf-8", "content-security-policy": CSP };

export interface ConsoleOptions {
  api: ConsoleApi;
  /** That API's OpenAPI document. */
  openapi: Record<string, unknown>;
  files: ConsoleFiles;
  /** What GET /status answers besides `auth` (built by src/app). */
  status: () => Promise<Record<string, unknown>>;
  /** [Server] auth_token and auth_reads: the page's shell and /status say what needs the token. */
  access: AccessOptions;
}

/** Adds GET /, /ui/:file, /status, /openapi.json and /docs to an API's app. */
export function mountConsole(app: Hono, o: ConsoleOptions): void {
  const { api, files } = o;
  const docs = renderDocsPage(o.openapi);
  const auth = accessNeeds(o.access);
  const loaded = new Map<string, Uint8Array>(); // read once, on first request
  const uiFile = (name: string): Uint8Array => {
    let bytes = loaded.get(name);
    if (!bytes) {
      bytes = Object.hasOwn(uiFiles, name) ? uiFiles[name]!.read(files) : undefined;
      if (!bytes) throw new NotFoundError(`no file ${JSON.stringify(name)} under /ui/; the page's files are ${Object.keys(uiFiles).join(", ")}`);
      loaded.set(name, bytes);
    }
    return bytes;
  };
  let indexPage: string | undefined;
  app.get("/", (c) => {
    indexPage ??= new TextDecoder().decode(files.asset("ui/index.html") ?? new Uint8Array())
      .replace("{{api}}", api).replace("{{auth-writes}}", String(auth.writes)).replace("{{auth-reads}}", String(auth.reads));
    if (!indexPage) throw new Error("assets/ui/index.html is missing from this build");
    return c.body(indexPage, 200, html);
  });
  app.get("/ui/:file", (c) => {
    const name = c.req.param("file");
    const bytes = uiFile(name);
    return c.body(new Uint8Array(bytes), 200, { "content-type": uiFiles[name]!.type, "cache-control": "no-cache" });
  });
  app.get("/status", async (c) => c.json({ status: "success", auth, ...await o.status() }));
  app.get("/openapi.json", (c) => c.json(o.openapi));
  app.get("/docs", (c) => c.body(docs, 200, html));
}

const page = (summary: string, content: Record<string, unknown>) => ({
  get: { summary, tags: ["console"], responses: { 200: { description: summary, content } } },
});

/** The console's routes as OpenAPI path items (./openapi.ts). */
export const consoleOperations = {
  "/": page("the status page", { "text/html": { schema: { type: "string" } } }),
  "/ui/{file}": {
    get: {
      summary: "a file of the status page", tags: ["console"],
      parameters: [{ name: "file", in: "path", required: true, schema: { enum: Object.keys(uiFiles) } }],
      responses: { 200: { description: "the file" }, 404: { description: "no such file" } },
    },
  },
  "/status": page("what the status page's overview shows besides /metrics and /health: what needs the token (auth: {writes, reads}, from [Server] auth_token and auth_reads; never the token), memory, the data dir's disk use, budgets and their use, the downstream and its last error, Druid's last contact (no request of its own), the models' versions and the next training; the same on both ports", { "application/json": { schema: { type: "object" } } }),
  "/openapi.json": page("this document", { "application/json": { schema: { type: "object" } } }),
  "/docs": page("this document as a page", { "text/html": { schema: { type: "string" } } }),
};
