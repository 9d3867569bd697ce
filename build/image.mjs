// npm run image -> dist/rb-aioutliers-image/ (an OCI image layout: skopeo, registries) and
// dist/rb-aioutliers-<version>-image.tar (the same blobs as `docker save` writes them, for
// `docker load` and `podman load`). Written by this script, no daemon and no image tool: one gzipped tar layer, the
// image config, the manifest and the index, each blob named by its sha256 (OCI image-spec 1.0).
// The image holds what the RPM puts under /opt/rb-aioutliers (the executable, its own loader and
// libraries, the licence notices), the documented config, empty state/log/cache dirs owned by a
// numeric non-root user, a two-line /etc/passwd and /etc/group, and /tmp: no shell, no libc of a
// distribution. docs/packaging.md § Container image.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { createGzip } from "node:zlib";
import { buildExecutable } from "./build.mjs";
import { stageLicenses } from "./package.mjs";
import { bundledLibs, cacheDir, distDir, installPrefix, pkg, root } from "./settings.mjs";
import { tarChunks } from "./tar.mjs";

/** The image's user: numeric (runtimes need no passwd lookup), the "nonroot" id of distroless images. */
const UID = 65532, GID = 65532;
const exePath = `${installPrefix}/bin/rb-aioutliers`;
const configFile = "/etc/rb-aioutliers/config.ini";
export const imageName = `localhost/rb-aioutliers:${pkg.version}`;
export const layoutDir = join(distDir, "rb-aioutliers-image");
export const archiveFile = join(distDir, `rb-aioutliers-${pkg.version}-image.tar`);

/** The build time every file and the config carry: SOURCE_DATE_EPOCH, else the last commit's (same commit, same image). */
function buildEpoch() {
  if (process.env.SOURCE_DATE_EPOCH) return Number(process.env.SOURCE_DATE_EPOCH);
  return Number(execFileSync("git", ["log", "-1", "--format=%ct"], { cwd: root, encoding: "utf8" }).trim());
}

/** The root filesystem, parents before children. */
function rootfsEntries(exe, licenses) {
  const dir = (path, mode = 0o755, uid = 0, gid = 0) => ({ path, dir: true, mode, uid, gid });
  const file = (path, from, mode = 0o644, uid = 0, gid = 0) => ({ path, mode, uid, gid, ...(Buffer.isBuffer(from) ? { content: from } : { source: from }) });
  const opt = installPrefix.slice(1);
  const state = (path) => dir(path, 0o750, UID, GID);
  return [
    dir("etc"),
    file("etc/group", Buffer.from(`root:x:0:\nrb-aioutliers:x:${GID}:\n`)),
    file("etc/passwd", Buffer.from(`root:x:0:0:root:/root:/sbin/nologin\nrb-aioutliers:x:${UID}:${GID}:rb-aioutliers:/var/lib/rb-aioutliers:/sbin/nologin\n`)),
    dir("etc/rb-aioutliers"),
    // assets/config.ini: every key documented, the paths below set; a volume, so an operator's replaces it.
    file(configFile.slice(1), join(root, "assets/config.ini"), 0o640, 0, GID),
    dir("opt"), dir(opt), dir(`${opt}/bin`),
    file(exePath.slice(1), exe, 0o755),
    dir(`${opt}/lib`),
    ...bundledLibs.map((name) => file(`${opt}/lib/${name}`, join(exe, "../lib", name), 0o755)),
    dir(`${opt}/licenses`),
    ...readdirSync(licenses).sort().map((name) => file(`${opt}/licenses/${name}`, join(licenses, name))),
    dir("tmp", 0o1777),
    dir("var"), dir("var/cache"), state("var/cache/rb-aioutliers"),
    dir("var/lib"), state("var/lib/rb-aioutliers"), state("var/lib/rb-aioutliers/models"),
    dir("var/log"), state("var/log/rb-aioutliers"),
  ];
}

/** The image config (OCI image-spec config.json, plus Docker's Healthcheck, which OCI has no field for). */
function imageConfig(created, diffId) {
  return {
    created, architecture: "amd64", os: "linux",
    config: {
      User: `${UID}:${GID}`,
      ExposedPorts: { "39091/tcp": {}, "8080/tcp": {} },
      // PATH for `docker exec <c> rb-aioutliers check-config ...`; the service itself needs none.
      Env: [`PATH=${installPrefix}/bin`],
      Entrypoint: [exePath],
      Cmd: ["serve", "--config", configFile],
      Volumes: { "/etc/rb-aioutliers": {}, "/var/lib/rb-aioutliers": {}, "/var/log/rb-aioutliers": {} },
      StopSignal: "SIGTERM",
      // Docker's field (durations in ns): docker honours it, podman when loaded from the archive below.
      Healthcheck: {
        Test: ["CMD", exePath, "healthcheck", "--config", configFile],
        Interval: 30e9, Timeout: 5e9, StartPeriod: 30e9, Retries: 3,
      },
      Labels: labels(created),
    },
    rootfs: { type: "layers", diff_ids: [diffId] },
    history: [{ created, created_by: "build/image.mjs (npm run image)" }],
  };
}

function labels(created) {
  return {
    "org.opencontainers.image.title": pkg.name,
    "org.opencontainers.image.description": pkg.description,
    "org.opencontainers.image.version": pkg.version,
    "org.opencontainers.image.licenses": pkg.license,
    "org.opencontainers.image.created": created,
  };
}

/** sha256 and size of everything that passes. */
function measure() {
  const hash = createHash("sha256");
  let size = 0;
  const stream = new Transform({ transform(chunk, _, done) { hash.update(chunk); size += chunk.length; done(null, chunk); } });
  return { stream, result: () => ({ digest: `sha256:${hash.digest("hex")}`, size }) };
}

/** Writes `content` (a Buffer) as a blob; returns its descriptor. */
function writeBlob(blobs, mediaType, content) {
  const hex = createHash("sha256").update(content).digest("hex");
  writeFileSync(join(blobs, hex), content);
  return { mediaType, digest: `sha256:${hex}`, size: content.length };
}

/** The layer: the tar through sha256 (diff_id), gzip, sha256 (digest) into the blob dir. */
async function writeLayer(blobs, entries, mtime) {
  const tar = measure(), gz = measure();
  const tmp = join(blobs, "layer.tmp");
  await pipeline(Readable.from(tarChunks(entries, mtime)), tar.stream, createGzip({ level: 6 }), gz.stream, createWriteStream(tmp));
  const layer = gz.result();
  renameSync(tmp, join(blobs, layer.digest.slice("sha256:".length)));
  const { digest: diffId, size: uncompressed } = tar.result();
  return { diffId, uncompressed, descriptor: { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...layer } };
}

/** Builds the image from the executable (`rebuild`: build it first, else use dist/'s); returns the layout and archive paths. */
export async function buildImage({ rebuild = true } = {}) {
  const exe = rebuild ? await buildExecutable() : join(distDir, "rb-aioutliers");
  const epoch = buildEpoch();
  const created = new Date(epoch * 1000).toISOString().replace(".000Z", "Z");
  const licenses = join(cacheDir, "image-licenses");
  rmSync(licenses, { recursive: true, force: true });
  stageLicenses(licenses, JSON.parse(readFileSync(join(cacheDir, "sea", "meta.json"), "utf8")));

  rmSync(layoutDir, { recursive: true, force: true });
  const blobs = join(layoutDir, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  console.log("[image] writing the layer (tar, gzip)");
  const { diffId, descriptor: layer, uncompressed } = await writeLayer(blobs, rootfsEntries(exe, licenses), epoch);
  const config = writeBlob(blobs, "application/vnd.oci.image.config.v1+json", Buffer.from(JSON.stringify(imageConfig(created, diffId))));
  const manifest = writeBlob(blobs, "application/vnd.oci.image.manifest.v1+json", Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config, layers: [layer],
    annotations: { "org.opencontainers.image.created": created },
  })));
  writeFileSync(join(layoutDir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  // ref.name names the image for skopeo and podman; io.containerd.image.name for docker load (>= 25).
  writeFileSync(join(layoutDir, "index.json"), JSON.stringify({
    schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [{ ...manifest, annotations: { "org.opencontainers.image.ref.name": imageName, "io.containerd.image.name": imageName } }],
  }));
  // The archive is in the format of `docker save` (manifest.json naming the config and the
  // layers, the same blobs), not an OCI archive: docker load reads it, and podman load takes the
  // Healthcheck from it only in this format (from an OCI image's config podman drops it: measured
  // with podman 4.3).
  const dockerManifest = Buffer.from(JSON.stringify([{
    Config: `blobs/sha256/${config.digest.slice(7)}`, RepoTags: [imageName], Layers: [`blobs/sha256/${layer.digest.slice(7)}`],
  }]));
  const blobNames = readdirSync(blobs).sort();
  const archive = [
    { path: "manifest.json", content: dockerManifest, mode: 0o644, uid: 0, gid: 0 },
    { path: "blobs", dir: true, mode: 0o755, uid: 0, gid: 0 },
    { path: "blobs/sha256", dir: true, mode: 0o755, uid: 0, gid: 0 },
    ...blobNames.map((n) => ({ path: `blobs/sha256/${n}`, source: join(blobs, n), mode: 0o644, uid: 0, gid: 0 })),
  ];
  await pipeline(Readable.from(tarChunks(archive, epoch)), createWriteStream(`${archiveFile}.tmp`));
  renameSync(`${archiveFile}.tmp`, archiveFile);
  console.log(`[image] ${relative(root, layoutDir)}/ (${imageName}): layer ${(layer.size / 1e6).toFixed(1)} MB gzipped (${(uncompressed / 1e6).toFixed(1)} MB), ${(statSync(exe).size / 1e6).toFixed(0)} MB executable; ${relative(root, archiveFile)} ${(statSync(archiveFile).size / 1e6).toFixed(1)} MB`);
  return { layoutDir, archiveFile };
}

// --no-rebuild: use the dist/rb-aioutliers already built.
if (process.argv[1] === fileURLToPath(import.meta.url)) await buildImage({ rebuild: !process.argv.includes("--no-rebuild") });
