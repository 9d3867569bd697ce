// A POSIX ustar archive (POSIX.1-1988 "ustar" header, the format every OCI runtime reads), written
// in JS so the container image's layer gets exact owners, modes and times whoever runs the build:
// GNU tar takes owners from the files, and only root can make files owned by the image's user.
// Limits of ustar, checked: names up to 255 bytes (100 + a 155-byte prefix), files below 8 GiB.
import { readFileSync } from "node:fs";

const BLOCK = 512;

/**
 * One entry: a directory (`dir: true`) or a regular file with `content` (a Buffer) or `source` (a
 * path read when written). `path` is relative, without a leading "/"; `mode` the permission bits.
 */
function header({ path, dir, mode, uid, gid, size, mtime }) {
  const b = Buffer.alloc(BLOCK);
  const full = dir ? `${path}/` : path;
  let name = full, prefix = "";
  if (Buffer.byteLength(full) > 100) {
    const cut = full.lastIndexOf("/", full.length - 2);
    [prefix, name] = [full.slice(0, cut), full.slice(cut + 1)];
    if (cut < 0 || Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155) throw new Error(`tar: name too long for ustar: ${full}`);
  }
  if (size >= 8 ** 11) throw new Error(`tar: ${full} is too large for ustar`);
  const text = (s, at, len) => b.write(s, at, len, "utf8");
  const octal = (v, at, len) => text(`${v.toString(8).padStart(len - 1, "0")}\0`, at, len);
  text(name, 0, 100);
  octal(mode, 100, 8);
  octal(uid, 108, 8);
  octal(gid, 116, 8);
  octal(size, 124, 12);
  octal(mtime, 136, 12);
  b.fill(0x20, 148, 156); // the checksum is computed with its own field as spaces
  text(dir ? "5" : "0", 156, 1);
  text("ustar\0", 257, 6);
  text("00", 263, 2);
  text(prefix, 345, 155);
  let sum = 0;
  for (const byte of b) sum += byte;
  text(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  return b;
}

/** The archive of `entries`, in their order, as chunks (for a stream): headers, contents, padding, end. */
export async function* tarChunks(entries, mtime) {
  for (const e of entries) {
    const data = e.dir ? Buffer.alloc(0) : (e.content ?? readFileSync(e.source));
    yield header({ ...e, size: data.length, mtime });
    if (data.length === 0) continue;
    yield data;
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(2 * BLOCK);
}
