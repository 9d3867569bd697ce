// Writes the man page rb-aioutliers(1) (gzipped when the name ends in .gz) for the RPM:
//   node --import tsx build/man-page.ts OUT
// build/package.mjs runs it; the page is made by src/cli/man-page.ts from the program's own texts.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { commands, overview } from "../src/cli/commands";
import { manPage } from "../src/cli/man-page";
import { productVersion } from "../src/runtime/version";

const root = new URL("..", import.meta.url).pathname;
export const docDir = "/usr/share/doc/rb-aioutliers";

/** The API documents the RPM installs under docDir. */
export const installedDocs = () => readdirSync(`${root}docs`).filter((n) => n.endsWith(".md")).sort();

/** The page as the RPM installs it (paths as rb-aioutliers.spec and assets/config.ini place them). */
export function rpmManPage(): string {
  const configIni = readFileSync(`${root}assets/config.ini`, "utf8");
  return manPage({
    version: productVersion(), overview: overview(), commands, configIni,
    files: [
      { path: "/etc/rb-aioutliers/config.ini", what: "the configuration (see CONFIGURATION); rb-aioutliers check-config --config FILE validates one" },
      { path: "/var/lib/rb-aioutliers/", what: "state: stations.sqlite (+ WAL), models/, backups/ ([Paths] data_dir)" },
      { path: "/var/log/rb-aioutliers/rb-aioutliers.log", what: "the log ([Logger] log_file); the same lines go to stdout, i.e. the journal: journalctl -u rb-aioutliers" },
      { path: "/var/cache/rb-aioutliers/", what: "the native SQLite addon and wasm files the executable extracts ([Paths] cache_dir)" },
      { path: "/usr/lib/systemd/system/rb-aioutliers.service", what: "the systemd unit: systemctl start rb-aioutliers" },
      { path: "/opt/rb-aioutliers/", what: "the executable (bin/), its loader and libraries (lib/), licence notices (licenses/)" },
      { path: `${docDir}/`, what: "the API documents" },
    ],
    docs: installedDocs().map((n) => `${docDir}/${n}`),
  });
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const out = process.argv[2];
  if (!out) throw new Error("usage: node --import tsx build/man-page.ts OUT[.gz]");
  const page = rpmManPage();
  writeFileSync(out, out.endsWith(".gz") ? gzipSync(page) : page);
}
