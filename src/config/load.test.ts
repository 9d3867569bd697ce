import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, ConfigError, modelsDir, pipelineKinds } from "./index";
import { pipelineNames } from "../detect";

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

test("the original service's config.ini loads as it was shipped (schedule_hour as an hour, extra sections)", () => {
  const c = loadConfig({ file: iniFile(`
[OutliersServerProduction]
outliers_binding_address=0.0.0.0
outliers_server_port=39091
outliers_server_workers=4

[OutliersServerTesting]
outliers_binding_address=0.0.0.0
outliers_server_port=39091

[Outliers]
metric=bytes
schedule_hour=15
epochs=20
batch_size=32
backup_path=./backups

[Druid]
druid_endpoint=http://10.0.0.1:8080/druid/v2/

[Logger]
log_file=./outliers.log

[redBorder]
api_endpoint=http://10.0.0.1/api/v1/

[NTP]
ntp_server=10.0.0.1
`) });
  assert.is(c.Outliers.schedule_hour, "0 15 * * *");
  assert.is(c.Outliers.backup_path, "./backups");
  assert.is(loadConfig().Outliers.schedule_hour, "0 15 * * *", "default: the original's 15");
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
  bad("[ShallowOutliers]\nmemory=sometimes\n", /\[ShallowOutliers\] memory/);
  bad("[ShallowOutliers]\nmemory_series=0\n", /\[ShallowOutliers\] memory_series/);
  bad("[ShallowOutliers]\nmemory_bytes=2e12\n", /\[ShallowOutliers\] memory_bytes/);
  bad("[Druid]\ndruid_endpoint=not a url\n", /\[Druid\] druid_endpoint/);
  bad("[Outliers]\nepochs=-1\n", /\[Outliers\] epochs/);
  bad("[Stations]\ndefault_pipeline=magic\n", /\[Stations\] default_pipeline: .*kalman-batch/);
  bad("[Outliers]\nschedule_hour=24\n", /\[Outliers\] schedule_hour: expected a cron pattern/);
  bad("[Outliers]\nschedule_hour=every day\n", /\[Outliers\] schedule_hour/);
  bad("[Nonsense]\nx=1\n", /unknown section.*Nonsense/);
});

test("[ShallowOutliers] series memory: on by default, bounded, can be turned off", () => {
  const d = loadConfig({ file: iniFile("") }).ShallowOutliers;
  assert.equal([d.memory, d.memory_series, d.memory_bytes], [true, 1000, 512 * 1024 * 1024]);
  const c = loadConfig({ file: iniFile("[ShallowOutliers]\nmemory = false\nmemory_series = 10\nmemory_bytes = 536870912\n") }).ShallowOutliers;
  assert.equal([c.memory, c.memory_series, c.memory_bytes], [false, 10, 536870912]);
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

test("the pipeline names the config accepts are exactly the detection registry's", () => {
  assert.equal([...pipelineKinds].sort(), Object.keys(pipelineNames).sort());
});

test.run();
