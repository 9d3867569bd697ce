// The access log's lines, held for a moment and written together (./logger.ts). Written one by
// one, every request cost a write(2) to stdout that also woke its reader (journald, or whoever
// holds the pipe): the station API's largest cost per request after the answer's own socket write
// and the SQLite commit (docs/stations.md § Floor (issue 17 part 3)). Other lines are not held:
// each is written at once, after the held lines before it, so the order of the log is kept.

interface LineSink {
  write(text: string): unknown;
}

export class LineBatch {
  private held = "";
  private timer: NodeJS.Timeout | undefined;

  /** Held lines are written when they reach `maxChars` or `maxMs` after the first of them. */
  constructor(private readonly sink: LineSink, private readonly maxChars: number, private readonly maxMs: number) {}

  /** A line that may wait. */
  hold(line: string): void {
    this.held += line;
    if (this.held.length >= this.maxChars) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.maxMs).unref();
  }

  /** A line written now, after the lines held before it. */
  write(line: string): void {
    this.flush();
    this.sink.write(line);
  }

  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.held === "") return;
    const lines = this.held;
    this.held = "";
    this.sink.write(lines);
  }
}
