import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, ConfigError, modelsDir } from "./index";

function iniFile(text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), "rbao-cfg-")), "config.ini");
  writeFileSync(f, text);
  return f;
}

test("embedded defaults need no file", () => {
  const c = loadConfig();
  assert.is(c.OutliersServerProduction.outliers_server_port, 39091);
  assert.is(c.Stations.port, 8080);
  assert.is(c.Stations.data_server_endpoint, "");
  assert.is(c.Druid.druid_endpoint, "http://127.0.0.1:8082/druid/v2/");
  assert.is(modelsDir(c), join(process.cwd(), "data", "models"));
});

test("the original config.ini's sections and keys are read, legacy sections ignored", () => {
  const c = loadConfig({ file: iniFile(`
[OutliersServerProduction]
outliers_binding_address=127.0.0.1
outliers_server_port=39092
[OutliersServerTraining]
outliers_binding_address=0.0.0.0
[Outliers]
metric=pkts
schedule_hour=*/5 * * * *
epochs=7
batch_size=16
model_names=traffic,other
[ShallowOutliers]
sensitivity=0.9
contamination=0.02
[Druid]
druid_endpoint=http://druid.local:8080/druid/v2/
`) });
  assert.is(c.OutliersServerProduction.outliers_binding_address, "127.0.0.1");
  assert.is(c.OutliersServerProduction.outliers_server_port, 39092);
  assert.is(c.Outliers.metric, "pkts");
  assert.is(c.Outliers.epochs, 7);
  assert.is(c.ShallowOutliers.contamination, 0.02);
  assert.is(c.Druid.druid_endpoint, "http://druid.local:8080/druid/v2/");
});

test("environment overrides the file, command-line overrides the environment", () => {
  const file = iniFile("[Stations]\nport=9000\ndata_server_endpoint=http://a:1/\n");
  const env = { DATA_SERVER_ENDPOINT: "http://b:2/", RB_AIOUTLIERS_STATIONS_PORT: "9001" };
  const c = loadConfig({ file, env });
  assert.is(c.Stations.data_server_endpoint, "http://b:2/");
  assert.is(c.Stations.port, 9001);
  assert.is(loadConfig({ file, env, overrides: { Stations: { port: "9002" } } }).Stations.port, 9002);
});

test("a bad value names the key and the accepted range", () => {
  const bad = (text: string, pattern: RegExp) => {
    try {
      loadConfig({ file: iniFile(text) });
      assert.unreachable(`accepted: ${text}`);
    } catch (e) {
      assert.instance(e, ConfigError);
      assert.match((e as Error).message, pattern);
    }
  };
  bad("[Stations]\nport=70000\n", /\[Stations\] port: .*65535/);
  bad("[ShallowOutliers]\ncontamination=0.9\n", /\[ShallowOutliers\] contamination/);
  bad("[Druid]\ndruid_endpoint=not a url\n", /\[Druid\] druid_endpoint/);
  bad("[Outliers]\nepochs=-1\n", /\[Outliers\] epochs/);
  bad("[Stations]\ndefault_pipeline=magic\n", /\[Stations\] default_pipeline: .*kalman-batch/);
  bad("[Nonsense]\nx=1\n", /unknown section.*Nonsense/);
});

test("a missing file is a ConfigError naming the file", () => {
  try {
    loadConfig({ file: "/nonexistent/config.ini" });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, /\/nonexistent\/config\.ini: ENOENT/);
  }
});

test.run();
