// The pipelining client's response reader: framing by Content-Length, chunked, none (to the end);
// interim and bodiless answers; the close announcement; any split of the bytes into reads.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Http1Responses } from "./http1-responses";

const ok = (body: string, extra = "") => `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
const chunked = (parts: string[], trailer = "") =>
  `HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n${parts.map((p) => `${Buffer.byteLength(p).toString(16)};ext=1\r\n${p}\r\n`).join("")}0\r\n${trailer}\r\n`;

/** Feeds `text` in reads of `size` bytes; the responses in order. */
function read(text: string, size: number, r = new Http1Responses()) {
  const bytes = Buffer.from(text);
  const out = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...r.push(bytes.subarray(i, i + size)));
  return out;
}

test("answers framed by Content-Length and chunked, back to back, read whole or a byte at a time", () => {
  const text = ok('{"status":"ok"}') + chunked(["{\"a\":", "1}\r\n\r\n"], "X-T: 1\r\n") + ok("", "Connection: keep-alive\r\n") + `HTTP/1.1 503 No\r\ncontent-length: 3\r\n\r\nbad`;
  const want = [{ status: 200, close: false }, { status: 201, close: false }, { status: 200, close: false }, { status: 503, close: false }];
  for (const size of [1, 2, 7, 64, text.length]) assert.equal(read(text, size), want, `reads of ${size} bytes`);
});

test("interim answers are skipped; 204 and 304 have no body even with a Content-Length", () => {
  const text = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n" + ok("x");
  assert.equal(read(text, 5).map((a) => a.status), [204, 304, 200]);
});

test("the close is announced by Connection: close and by HTTP/1.0 unless it keeps alive", () => {
  const text = ok("a", "Connection: Close\r\n") + "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n" + "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n";
  assert.equal(read(text, 3).map((a) => a.close), [true, true, false]);
});

test("an answer without framing runs to the connection's end", () => {
  const r = new Http1Responses();
  assert.equal(read("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it\r\n\r\nHTTP/1.1 500 x\r\n\r\n", 4, r), []);
  assert.equal(r.end(), { status: 200, close: true });
  assert.is(r.end(), undefined, "once");
});

test("a connection that ends mid-answer cuts it off: end() has none", () => {
  const r = new Http1Responses();
  assert.equal(read(ok("12345").slice(0, -2), 100, r), []);
  assert.is(r.end(), undefined);
  const idle = new Http1Responses();
  assert.equal(read(ok("12345"), 100, idle).map((a) => a.status), [200]);
  assert.is(idle.end(), undefined, "a connection that ends between answers cuts none off");
});

test("unreadable answers throw", () => {
  for (const bad of ["HTTP/2 200\r\n\r\n", "<html>\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc",
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"]) {
    assert.throws(() => read(bad, 100), undefined, JSON.stringify(bad));
  }
  assert.throws(() => new Http1Responses().push(Buffer.alloc(70_000, 65)), /head over/);
});

test.run();
