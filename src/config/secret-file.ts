// A secret read from a file that only the service may read ([Server] auth_token_file, [AWS]
// s3_private_key_file, [Redis] rd_secret_file) (as
// /etc/rb-aioutliers/config.ini is root:rb-aioutliers 0640, docs/packaging.md), so that it stays
// out of the config file, the environment and `ps`. Errors name the file and the fix, never the
// file's content.
import { readFileSync, statSync } from "node:fs";

/** The secret in `file` (its first line, trimmed), or the problem with the file, stated for the
 * operator. */
export function readSecretFile(file: string): { secret: string } | { error: string } {
  let mode: number, text: string;
  try {
    mode = statSync(file).mode;
    text = readFileSync(file, "utf8");
  } catch (e) {
    return { error: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? "unreadable"}; it must be readable by the service's user` };
  }
  // Others may do nothing with it, and its group may read it at most.
  if ((mode & 0o027) !== 0)
    return { error: `${file} has mode ${(mode & 0o777).toString(8).padStart(4, "0")}, open to others; chmod 0600 (or 0640 with group rb-aioutliers) it` };
  return { secret: text.split(/\r?\n/, 1)[0]!.trim() };
}
