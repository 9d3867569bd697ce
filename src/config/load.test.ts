import { test } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, readConfig, ConfigError, modelsDir, redactSecrets } from "./index";
import { pipelineNames } from "../detect";
import { fixturePath } from "../../test/support/fixtures";

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
  const c = loadConfig({ file: fixturePath("upstream/config.ini") });
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
  bad("[Nonsense]\nx=1\n", /\[Nonsense\]: unknown section; known sections: \[OutliersServerProduction\]/);
});

function errorOf(opts: Parameters<typeof loadConfig>[0]): string {
  try {
    loadConfig(opts);
  } catch (e) {
    assert.instance(e, ConfigError);
    return (e as Error).message;
  }
  throw assert.unreachable("accepted");
}

test("unknown sections and keys are all listed at once, near misses with a suggestion", () => {
  const msg = errorOf({ file: iniFile(`
[Logger]
levl = debug
[logger]
level = debug
[Stations]
port = 70000
metric = bytes
colour = blue
[Outliers]
epochs = 5
port = 9000
[Nonsense]
x = 1
`) });
  const lines = msg.split("\n").slice(1).map((l) => l.trim());
  assert.equal(lines.sort(), [
    "[Logger] levl: unknown key; did you mean level?",
    "[Nonsense]: unknown section; known sections: [OutliersServerProduction] [Stations] [Outliers] [ShallowOutliers] [Druid] [Paths] [Logger] [Server] [AWS] [Redis]",
    "[Outliers] port: unknown key here; it belongs in [Stations]",
    "[Stations] colour: unknown key; [Stations] has: binding_address, port, data_server_endpoint, default_pipeline, body_limit, state_cache_bytes, outbox_max_backoff_ms, outbox_timeout_ms, outlier_retention_hours, history_samples, event_retention_hours, sqlite_synchronous, accept_older_samples, max_block_cpu_ms, detection_threads",
    "[Stations] metric: unknown key here; it belongs in [Outliers]",
    "[Stations] port: Too big: expected number to be <=65535",
    "[logger]: unknown section; did you mean [Logger]?",
  ].sort());
});

test("a key before any section, and misspelt keys of the original's sections, are errors", () => {
  assert.match(errorOf({ file: iniFile("port = 1\n[Stations]\n") }), /port: a key outside any section; put it under \[Stations\]/);
  assert.match(errorOf({ file: iniFile("[AWS]\ns3_bukcet = b\n") }), /\[AWS\] s3_bukcet: unknown key; did you mean s3_bucket\?/);
  assert.match(errorOf({ file: iniFile("[NTP]\nntp_sever = b\n") }), /\[NTP\] ntp_sever: unknown key; did you mean ntp_server\?/);
});

test("an RB_AIOUTLIERS_ variable of a known section with an unknown key is an error; other tools' variables are not", () => {
  assert.match(errorOf({ env: { RB_AIOUTLIERS_STATIONS_PROT: "1" } }), /RB_AIOUTLIERS_STATIONS_PROT: no key prot in \[Stations\]; did you mean RB_AIOUTLIERS_STATIONS_PORT\?/);
  assert.is(loadConfig({ env: { RB_AIOUTLIERS_CMD: "x", RB_AIOUTLIERS_RPM_RELEASE: "2" } }).Stations.port, 8080);
});

test("the original's sections and keys that mean nothing here are accepted and each named in a warning", () => {
  const { config, warnings } = readConfig({ file: iniFile(`
[OutliersServerProduction]
outliers_server_port=39091
outliers_server_workers=4
outliers_server_threads=20
[Outliers]
#target_sensors=FlowSensor
target_sensors=FlowSensor
[AWS]
s3_hostname=http://s3.local
s3_private_key=secret-key-value
[Redis]
rd_hostname=10.0.0.1
rd_port=16379
rd_secret=my_secret
[NTP]
ntp_server=10.0.0.1
[ZooKeeper]
zk_hosts=zk:2181
[Rails]
auth_token=t
`) });
  assert.is(config.OutliersServerProduction.outliers_server_port, 39091);
  assert.equal([config.AWS.s3_hostname, config.Redis.rd_hostname, config.Redis.rd_port], ["http://s3.local", "10.0.0.1", 16379], "[AWS] and [Redis] are read (docs/cluster.md)");
  assert.equal(warnings, [
    "[OutliersServerProduction] outliers_server_workers is ignored: one process serves both APIs",
    "[OutliersServerProduction] outliers_server_threads is ignored: one process serves both APIs",
    "[Outliers] target_sensors is ignored: the Druid query's filter chooses the sensors",
    "[NTP] is ignored: times come from the system clock; keep it synchronised with chronyd or ntpd",
    "[ZooKeeper] is ignored: no ZooKeeper coordination: every box trains on its own schedule",
    "[Rails] is ignored: the manager's API is not called",
  ]);
  assert.not.match(warnings.join("\n"), /secret/, "warnings name keys, never values");
});

test("[ShallowOutliers] series memory: on by default, bounded, can be turned off", () => {
  const d = loadConfig({ file: iniFile("") }).ShallowOutliers;
  assert.equal([d.memory, d.memory_series, d.memory_bytes], [true, 1000, 512 * 1024 * 1024]);
  const c = loadConfig({ file: iniFile("[ShallowOutliers]\nmemory = false\nmemory_series = 10\nmemory_bytes = 536870912\n") }).ShallowOutliers;
  assert.equal([c.memory, c.memory_series, c.memory_bytes], [false, 10, 536870912]);
});

test("[AWS] and [Redis]: off by default, our keys' defaults, values checked", () => {
  const c = loadConfig({ file: iniFile("") });
  assert.equal([c.AWS.s3_hostname, c.AWS.key_prefix, c.AWS.sync_interval_s, c.AWS.versions_kept, c.AWS.s3_tls], ["", "rbaioutliers/", 60, 5, false]);
  assert.equal([c.Redis.rd_hostname, c.Redis.rd_port, c.Redis.key_prefix, c.Redis.lease_ms, c.Redis.rd_tls], ["", 6379, "rbaioutliers/", 30_000, false]);
  const e = errorOf({ file: iniFile("[AWS]\nsync_interval_s = 0\nkey_prefix = a b\n[Redis]\nrd_port = 70000\nlease_ms = 10\n") });
  for (const key of ["[AWS] sync_interval_s", "[AWS] key_prefix", "[Redis] rd_port", "[Redis] lease_ms"]) assert.ok(e.includes(key), `${key} in ${e}`);
});

test("secrets: from the environment, or from a file only the service user may read; never printed by redactSecrets", () => {
  assert.is(loadConfig({ env: { RB_AIOUTLIERS_REDIS_RD_SECRET: "from-env" } }).Redis.rd_secret, "from-env");
  const dir = mkdtempSync(join(tmpdir(), "rbao-secret-"));
  const own = join(dir, "s3.key"), open = join(dir, "open.key");
  writeFileSync(own, "from-file\n", { mode: 0o600 });
  writeFileSync(open, "x", { mode: 0o644 });
  chmodSync(open, 0o644);
  const c = loadConfig({ file: iniFile(`[AWS]\ns3_private_key_file = ${own}\n`) });
  assert.is(c.AWS.s3_private_key, "from-file", "the file's text, its trailing newline dropped");
  assert.match(errorOf({ file: iniFile(`[Redis]\nrd_secret_file = ${open}\n`) }), /\[Redis\] rd_secret_file: .*open\.key has mode 0644, open to others; chmod 0600/);
  assert.match(errorOf({ file: iniFile(`[AWS]\ns3_private_key = a\ns3_private_key_file = ${own}\n`) }), /give s3_private_key or s3_private_key_file, not both/);
  assert.match(errorOf({ file: iniFile(`[AWS]\ns3_private_key_file = ${dir}/none\n`) }), /cannot read .*none: ENOENT/);
  const shown = JSON.stringify(redactSecrets(c));
  assert.not.match(shown, /from-file/);
  assert.match(shown, /"s3_private_key":"REDACTED"/);
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
  for (const name of Object.keys(pipelineNames))
    assert.is(loadConfig({ overrides: { Stations: { default_pipeline: name } } }).Stations.default_pipeline, name);
  assert.throws(() => loadConfig({ overrides: { Stations: { default_pipeline: "lstm" } } }), (e: Error) => e instanceof ConfigError && /default_pipeline/.test(e.message));
});

test("[Server] auth_token_file: its first line becomes auth_token; a file open to others, or both set, is refused", () => {
  const dir = mkdtempSync(join(tmpdir(), "rbao-token-"));
  const file = join(dir, "token");
  writeFileSync(file, "0123456789abcdef0123\nsecond line\n");
  chmodSync(file, 0o640);
  assert.is(loadConfig({ env: { RB_AIOUTLIERS_SERVER_AUTH_TOKEN_FILE: file } }).Server.auth_token, "0123456789abcdef0123");
  const message = (env: NodeJS.ProcessEnv) => {
    try { loadConfig({ env }); return "loaded"; } catch (e) { return (e as ConfigError).message; }
  };
  assert.match(message({ RB_AIOUTLIERS_SERVER_AUTH_TOKEN_FILE: file, RB_AIOUTLIERS_SERVER_AUTH_TOKEN: "0123456789abcdef0123" }), "[Server] auth_token_file: give auth_token or auth_token_file, not both");
  chmodSync(file, 0o604);
  assert.match(message({ RB_AIOUTLIERS_SERVER_AUTH_TOKEN_FILE: file }), `${file} has mode 0604, open to others; chmod 0600`);
  chmodSync(file, 0o600);
  writeFileSync(file, "short\n");
  const short = message({ RB_AIOUTLIERS_SERVER_AUTH_TOKEN_FILE: file });
  assert.match(short, `[Server] auth_token_file: the first line of ${file} is not valid: expected at least 16`);
  assert.not.match(short, "short\n", "the file's content is not shown");
  writeFileSync(file, "\nsecond line\n");
  assert.match(message({ RB_AIOUTLIERS_SERVER_AUTH_TOKEN_FILE: file }), `[Server] auth_token_file: the first line of ${file} is empty`);
});

test.run();
