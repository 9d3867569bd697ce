// A model's manifest in S3, `<prefix>models/<name>/manifest.json`: the versions kept (newest
// first), each with the size and SHA-256 of every file, and the one every box serves (`current`).
// It is written after the version's files, so it never names a file that is not all there; a
// reader checks every file against it before using any.
import { createHash } from "node:crypto";
import { z } from "zod";

export const MANIFEST_FORMAT = "rb-aioutliers-manifest/1";

const fileEntry = z.object({ size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
const versionEntry = z.object({
  version: z.number().int().positive(),
  created: z.string(),
  /** Which box trained (or imported) it. */
  box: z.string(),
  files: z.record(z.string().regex(/^[A-Za-z0-9._-]+$/), fileEntry),
});
const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  name: z.string(),
  current: z.number().int().positive(),
  versions: z.array(versionEntry).min(1),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestVersion = z.infer<typeof versionEntry>;

export const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** The manifest in `bytes`, or an Error saying what is wrong with it. */
export function parseManifest(bytes: Uint8Array, name: string): Manifest | Error {
  let doc: unknown;
  try { doc = JSON.parse(Buffer.from(bytes).toString("utf8")); } catch { return new Error("not valid JSON"); }
  const r = manifestSchema.safeParse(doc);
  if (!r.success) return new Error(r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  if (r.data.name !== name) return new Error(`names model '${r.data.name}', not '${name}'`);
  if (!r.data.versions.some((v) => v.version === r.data.current)) return new Error(`current version ${r.data.current} is not among its versions`);
  return r.data;
}

/** The version entry describing `files`. */
export function describeVersion(version: number, box: string, files: Map<string, Uint8Array>, now = new Date()): ManifestVersion {
  return { version, box, created: now.toISOString(), files: Object.fromEntries([...files].map(([f, b]) => [f, { size: b.byteLength, sha256: sha256(b) }])) };
}

/**
 * `prior` with `added` as its newest and current version, keeping `kept` versions in all; also
 * returns the versions dropped (their objects are deleted after the manifest is written).
 */
export function withVersion(prior: Manifest | undefined, name: string, added: ManifestVersion, kept: number): { manifest: Manifest; dropped: ManifestVersion[] } {
  const all = [added, ...(prior?.versions ?? []).filter((v) => v.version !== added.version)].sort((a, b) => b.version - a.version);
  return { manifest: { format: MANIFEST_FORMAT, name, current: added.version, versions: all.slice(0, kept) }, dropped: all.slice(kept) };
}

/** The files of `v` that `read` gives, each checked against the manifest; an Error names the first bad one. */
export function checkFiles(v: ManifestVersion, got: Map<string, Uint8Array | undefined>): Map<string, Uint8Array> | Error {
  const out = new Map<string, Uint8Array>();
  for (const [file, want] of Object.entries(v.files)) {
    const b = got.get(file);
    if (!b) return new Error(`${file}: missing`);
    if (b.byteLength !== want.size) return new Error(`${file}: ${b.byteLength} bytes, the manifest says ${want.size}`);
    if (sha256(b) !== want.sha256) return new Error(`${file}: SHA-256 differs from the manifest's`);
    out.set(file, b);
  }
  return out;
}
