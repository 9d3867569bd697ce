// Reads the HTTP/1.1 responses of one connection, in order, from the bytes as they arrive (the
// outbox's pipelining client, ./downstream-client.ts): each response's status and whether the
// server closes the connection after it. Bodies are skipped, never kept: the outbox needs only
// the status. Framing as RFC 9112 § 6.3: 1xx answers are interim (skipped), 204 and 304 have no
// body, chunked wins over Content-Length, and a response with neither runs to the connection's end.
// Anything else (a malformed status line, a bad length, a head over MAX_HEAD bytes) throws: the
// connection cannot be read any further.

export interface Http1Response {
  status: number;
  /** The server closes the connection after this response (Connection: close, or HTTP/1.0
   * without keep-alive): it answers no request sent after it on this connection. */
  close: boolean;
}

const MAX_HEAD = 64 * 1024;
const EMPTY: Buffer = Buffer.alloc(0);

type State = "head" | "length" | "chunk-size" | "chunk-data" | "chunk-end" | "trailers" | "until-close";

export class Http1Responses {
  private buf: Buffer = EMPTY;
  private state: State = "head";
  /** Body bytes still to skip (Content-Length, or the current chunk). */
  private remaining = 0;
  private current: Http1Response = { status: 0, close: false };

  /** Reads `chunk`; returns the responses it completed, in order. */
  push(chunk: Buffer): Http1Response[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const done: Http1Response[] = [];
    let at = 0;
    for (;;) {
      const step = this.step(at);
      if (step === undefined) break;
      at = step.at;
      if (step.done) { done.push(this.current); this.state = "head"; }
    }
    this.buf = at === this.buf.length ? EMPTY : this.buf.subarray(at);
    return done;
  }

  /** The connection ended: the response read until the end, if one was; undefined otherwise. */
  end(): Http1Response | undefined {
    if (this.state !== "until-close") return undefined;
    this.state = "head";
    return this.current;
  }

  /** One step from offset `at`: where the next starts and whether a response ended, or undefined
   * when more bytes are needed. */
  private step(at: number): { at: number; done: boolean } | undefined {
    const b = this.buf;
    switch (this.state) {
      case "head": {
        const end = b.indexOf("\r\n\r\n", at, "latin1");
        if (end < 0) {
          if (b.length - at > MAX_HEAD) throw new Error(`response head over ${MAX_HEAD} bytes`);
          return undefined;
        }
        return this.head(b.toString("latin1", at, end), end + 4);
      }
      case "length": {
        const n = Math.min(this.remaining, b.length - at);
        this.remaining -= n;
        if (n === 0 && this.remaining > 0) return undefined;
        return { at: at + n, done: this.remaining === 0 };
      }
      case "chunk-size": {
        const eol = b.indexOf("\r\n", at, "latin1");
        if (eol < 0) return this.tooLong(at);
        const hex = b.toString("latin1", at, eol).split(";")[0]!.trim();
        if (!/^[0-9a-fA-F]{1,8}$/.test(hex)) throw new Error(`bad chunk size ${JSON.stringify(hex)}`);
        this.remaining = parseInt(hex, 16);
        this.state = this.remaining === 0 ? "trailers" : "chunk-data";
        return { at: eol + 2, done: false };
      }
      case "chunk-data": {
        const n = Math.min(this.remaining, b.length - at);
        if (n === 0) return undefined;
        this.remaining -= n;
        if (this.remaining === 0) this.state = "chunk-end";
        return { at: at + n, done: false };
      }
      case "chunk-end": {
        if (b.length - at < 2) return undefined;
        if (b[at] !== 13 || b[at + 1] !== 10) throw new Error("chunk not followed by CRLF");
        this.state = "chunk-size";
        return { at: at + 2, done: false };
      }
      case "trailers": {
        const eol = b.indexOf("\r\n", at, "latin1");
        if (eol < 0) return this.tooLong(at);
        return { at: eol + 2, done: eol === at }; // an empty line ends the trailers
      }
      case "until-close":
        return b.length > at ? { at: b.length, done: false } : undefined;
    }
  }

  private tooLong(at: number): undefined {
    if (this.buf.length - at > MAX_HEAD) throw new Error(`chunk line over ${MAX_HEAD} bytes`);
    return undefined;
  }

  /** The status line and headers (without the blank line) that end at `next`. */
  private head(text: string, next: number): { at: number; done: boolean } {
    const lines = text.split("\r\n");
    const m = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0]!);
    if (!m) throw new Error(`not an HTTP/1.x status line: ${JSON.stringify(lines[0]!.slice(0, 80))}`);
    const http10 = m[1] === "0", status = Number(m[2]);
    let length: number | undefined, chunked = false, close = http10, upgrade = false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!, colon = line.indexOf(":");
      if (colon <= 0) throw new Error(`malformed header line ${JSON.stringify(line.slice(0, 80))}`);
      const name = line.slice(0, colon).trim().toLowerCase(), value = line.slice(colon + 1).trim().toLowerCase();
      if (name === "content-length") {
        if (!/^\d{1,15}$/.test(value) || (length !== undefined && length !== Number(value))) throw new Error(`bad content-length ${JSON.stringify(value)}`);
        length = Number(value);
      } else if (name === "transfer-encoding") chunked = value.split(",").at(-1)!.trim() === "chunked";
      else if (name === "connection") {
        const options = value.split(",").map((s) => s.trim());
        if (options.includes("close")) close = true;
        else if (http10 && options.includes("keep-alive")) close = false;
        if (options.includes("upgrade")) upgrade = true;
      }
    }
    if (status === 101 || upgrade) throw new Error("the server switched protocols");
    if (status < 200) return { at: next, done: false }; // interim (100 Continue, 103): the answer follows
    this.current = { status, close };
    if (status === 204 || status === 304) return { at: next, done: true };
    if (chunked) { this.state = "chunk-size"; return { at: next, done: false }; }
    if (length !== undefined) {
      this.remaining = length;
      this.state = "length";
      return { at: next, done: length === 0 };
    }
    this.current.close = true; // no framing: the body runs to the connection's end
    this.state = "until-close";
    return { at: next, done: false };
  }
}
