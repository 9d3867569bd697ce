// GET /docs: the API's OpenAPI document (./openapi.ts) as one plain HTML page, rendered on the
// server (no script, no network): per operation its summary, parameters, request body schemas and
// examples, and responses. Small on purpose; /openapi.json is there for real tooling.
type Json = Record<string, unknown>;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const pre = (v: unknown) => `<pre>${escapeHtml(JSON.stringify(v, null, 2))}</pre>`;
const anchor = (method: string, path: string) => `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, "-");

function parameters(list: Json[] | undefined): string {
  if (!list?.length) return "";
  const rows = list.map((p) => `<tr><td><code>${escapeHtml(String(p.name))}</code></td><td>${escapeHtml(String(p.in))}${p.required ? ", required" : ""}</td>` +
    `<td>${escapeHtml(String(p.description ?? ""))}</td><td><code>${escapeHtml(JSON.stringify(p.schema))}</code></td></tr>`).join("");
  return `<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>what</th><th>schema</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function body(requestBody: Json | undefined): string {
  const content = requestBody?.content as Record<string, Json> | undefined;
  if (!content) return "";
  return `<h4>Request body</h4>` + Object.entries(content).map(([type, c]) =>
    `<details><summary><code>${escapeHtml(type)}</code></summary><p>Schema</p>${pre(c.schema)}${c.example === undefined ? "" : `<p>Example</p>${pre(c.example)}`}</details>`).join("");
}

function responses(list: Record<string, Json> | undefined): string {
  if (!list) return "";
  return `<h4>Responses</h4><ul>` + Object.entries(list).map(([status, r]) => {
    const example = Object.values((r.content ?? {}) as Record<string, Json>).find((c) => c.example !== undefined)?.example;
    return `<li><strong>${escapeHtml(status)}</strong> ${escapeHtml(String(r.description ?? ""))}${example === undefined ? "" : pre(example)}</li>`;
  }).join("") + `</ul>`;
}

export function renderDocsPage(doc: Json): string {
  const info = doc.info as Json;
  const ops: string[] = [];
  const toc: string[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(item)) {
      const id = anchor(method, path);
      toc.push(`<li><a href="#${id}"><code>${method.toUpperCase()} ${escapeHtml(path)}</code></a> ${escapeHtml(String(op.summary ?? ""))}</li>`);
      ops.push(`<section id="${id}"><h3><code>${method.toUpperCase()} ${escapeHtml(path)}</code></h3><p>${escapeHtml(String(op.summary ?? ""))}</p>` +
        parameters(op.parameters as Json[] | undefined) + body(op.requestBody as Json | undefined) + responses(op.responses as Record<string, Json> | undefined) + `</section>`);
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(String(info.title))}</title><link rel="stylesheet" href="/ui/console.css"></head>
<body><header><h1>${escapeHtml(String(info.title))} <small>${escapeHtml(String(info.version))}</small></h1><nav><a href="/">status</a> · <a href="/openapi.json">openapi.json</a></nav></header>
<main class="docs"><p>${escapeHtml(String(info.description ?? ""))}</p><h2>Operations</h2><ul>${toc.join("")}</ul>${ops.join("")}</main></body></html>`;
}
