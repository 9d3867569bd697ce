// assets/config.ini is the RPM's /etc/rb-aioutliers/config.ini: it must load, name every key of the
// schema (so operators see all of them), and state the schema's defaults except for the keys that
// place files in the RPM's directories.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadConfig, readIniFile } from "../../src/config";
import { configSchema } from "../../src/config/schema";

const file = new URL("../../assets/config.ini", import.meta.url).pathname;
const rpmPaths = new Set(["Paths.data_dir", "Paths.models_dir", "Paths.cache_dir", "Outliers.backup_path", "Logger.log_file"]);

test("assets/config.ini loads and lists exactly the schema's keys", () => {
  const config = loadConfig({ file });
  const raw = readIniFile(file);
  const defaults = configSchema.parse({}) as Record<string, Record<string, unknown>>;
  const shape = configSchema.shape as Record<string, unknown>;
  assert.equal(Object.keys(raw).sort(), Object.keys(shape).sort());
  for (const section of Object.keys(shape)) {
    const inner = (shape[section] as { unwrap(): { shape: Record<string, unknown> } }).unwrap().shape;
    assert.equal(Object.keys(raw[section]!).sort(), Object.keys(inner).sort(), `keys of [${section}]`);
    for (const key of Object.keys(inner)) {
      const value = (config as unknown as Record<string, Record<string, unknown>>)[section]![key];
      if (!rpmPaths.has(`${section}.${key}`)) assert.equal(value, defaults[section]![key], `[${section}] ${key} is the default`);
      else assert.match(String(value), /^\/var\/(lib|log|cache)\/rb-aioutliers(\/|$)/, `[${section}] ${key} is an RPM path`);
    }
  }
});

test.run();
