// The man page rb-aioutliers(1), made from what the program itself uses so the two cannot drift:
// the subcommands' --help texts (./commands.ts), the exit codes (./exit-codes.ts), the config
// schema's keys documented by the comments of assets/config.ini (the RPM's /etc file), the
// original's ignored sections (../config/original-keys.ts). build/man-page.ts writes it for the
// RPM; test/cli/man-page.test.ts checks it covers everything and renders without warnings.
import type { Command } from "./command";
import { exitCodes } from "./exit-codes";
import { ignoredKeys, ignoredSections } from "../config/original-keys";
import { configSchema, schemaKeys } from "../config/schema";

export interface DocumentedKey {
  section: string;
  key: string;
  value: string;
  comment: string;
}

export interface ConfigDocs {
  /** The comment lines before the first section. */
  preamble: string;
  keys: DocumentedKey[];
}

/** Keys of an ini file with the `;` comment lines just above each one. */
export function configDocs(iniText: string): ConfigDocs {
  const keys: DocumentedKey[] = [];
  let section = "", comment: string[] = [], preamble = "";
  for (const raw of iniText.split("\n")) {
    const line = raw.trim();
    if (line.startsWith(";")) comment.push(line.replace(/^;\s?/, ""));
    else if (/^\[.+\]$/.test(line)) {
      if (!section) preamble = comment.join(" ");
      section = line.slice(1, -1);
      comment = [];
    } else if (line.includes("=")) {
      const eq = line.indexOf("=");
      keys.push({ section, key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim(), comment: comment.join(" ") });
      comment = [];
    }
  }
  return { preamble, keys };
}

/**
 * Text as roff: backslashes and hyphens escaped, characters beyond ASCII as \[uXXXX] (groff reads
 * input as Latin-1 unless preconv runs), no line starting with a control character.
 */
export function roff(text: string): string {
  return text.replace(/\\/g, "\\e").replace(/-/g, "\\-")
    .replace(/[^\x00-\x7f]/gu, (c) => `\\[u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}]`)
    .split("\n").map((l) => (/^[.']/.test(l) ? `\\&${l}` : l)).join("\n");
}

const preformatted = (text: string) => `.nf\n${roff(text)}\n.fi`;

export interface ManPageInput {
  version: string;
  overview: string;
  commands: readonly Command[];
  /** assets/config.ini: the installed /etc/rb-aioutliers/config.ini. */
  configIni: string;
  /** Installed files and directories besides the config's, with what each holds. */
  files: readonly { path: string; what: string }[];
  /** Installed documents, for SEE ALSO. */
  docs: readonly string[];
}

export function manPage(m: ManPageInput): string {
  const docs = configDocs(m.configIni);
  const defaults = configSchema.parse({});
  const out: string[] = [
    `.TH RB\\-AIOUTLIERS 1 "" "rb-aioutliers ${roff(m.version)}" "rb-aioutliers"`,
    // Keys, paths and URLs must stay whole: no hyphenation, ragged right.
    ".nh", ".ad l",
    ".SH NAME", "rb\\-aioutliers \\- outlier detection for time series: traffic API and station API",
    ".SH SYNOPSIS", preformatted(m.overview.split("\n")[0]!.replace(/^Usage: /, "")),
    ".SH DESCRIPTION", preformatted(m.overview.split("\n").slice(2).join("\n")),
    ".SH PORTS",
    ".TP", `\\fB${defaults.OutliersServerProduction.outliers_server_port}\\fR (traffic API)`,
    `[OutliersServerProduction] outliers_server_port, bound to outliers_binding_address (${roff(defaults.OutliersServerProduction.outliers_binding_address)}).`,
    ".TP", `\\fB${defaults.Stations.port}\\fR (station API)`,
    `[Stations] port, bound to binding_address (${roff(defaults.Stations.binding_address)}).`,
    ".SH COMMANDS",
  ];
  for (const c of m.commands) out.push(".SS " + roff(c.name), roff(c.summary) + ".", preformatted(c.help));
  out.push(".SH CONFIGURATION", roff(docs.preamble));
  const sections = schemaKeys();
  for (const [section, keys] of Object.entries(sections)) {
    out.push(`.SS [${section}]`);
    for (const key of keys) {
      const d = docs.keys.find((k) => k.section === section && k.key === key);
      out.push(".TP", `\\fB${roff(key)}\\fR = ${roff(d?.value ?? "")}`, roff(d?.comment || "(undocumented)"));
    }
  }
  out.push(".SS Sections of the original service",
    "Accepted so that an existing config.ini works; each one present is named in a warning at start.");
  for (const [section, keys] of Object.entries(ignoredKeys))
    for (const [key, reason] of Object.entries(keys)) out.push(".TP", `\\fB[${roff(section)}] ${roff(key)}\\fR`, `${roff(reason)}.`);
  for (const [section, s] of Object.entries(ignoredSections))
    out.push(".TP", `\\fB[${roff(section)}]\\fR`, `${roff(s.reason)}. Keys: ${roff(s.keys.join(", "))}.`);
  out.push(".SH ENVIRONMENT",
    ".TP", "\\fBRB_AIOUTLIERS_\\fISECTION\\fB_\\fIKEY\\fR",
    "Any config key, section and key upper\\-cased (e.g. RB_AIOUTLIERS_STATIONS_PORT); overrides the file. A variable of a known section with an unknown key is an error.",
    ".TP", "\\fBDATA_SERVER_ENDPOINT\\fR", "[Stations] data_server_endpoint, as the original station server read it.",
    ".TP", "\\fBDRUID_ENDPOINT\\fR", "[Druid] druid_endpoint.",
    ".TP", "\\fBRB_AIOUTLIERS_SERVER_AUTH_TOKEN\\fR", "[Server] auth_token: the bearer token writes (and, with auth_reads, reads) must carry; kept out of config.ini this way, or with auth_token_file.");
  out.push(".SH FILES");
  for (const f of m.files) out.push(".TP", `\\fI${roff(f.path)}\\fR`, roff(f.what));
  out.push(".SH EXIT STATUS");
  for (const e of exitCodes) out.push(".TP", `\\fB${e.code}\\fR`, roff(e.meaning));
  out.push(".SH SEE ALSO", roff(m.docs.join(", ")), "");
  return out.join("\n");
}
