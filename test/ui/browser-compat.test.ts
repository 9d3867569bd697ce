// "Works in the last two versions of Chromium and Firefox" (issue 15 part 1), checked statically:
// the browser tests run Debian's chromium and firefox-esr only (./console-browser.test.ts,
// ./console-firefox.test.ts), so the status page's own scripts and the stylesheets it loads are
// also checked against the package.json "browserslist" query (the last two Chrome and Firefox
// versions and Firefox ESR, resolved by browserslist from its caniuse data): the scripts' web and
// ES APIs by eslint-plugin-compat (MDN browser-compat-data), their syntax by parsing them as
// ES2022 (fully supported by every target: a newer construct fails the parse), and the CSS by
// doiuse (caniuse). Each check is first shown to fail where it must (an old browser).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import browserslist from "browserslist";
import { ESLint } from "eslint";
import compat from "eslint-plugin-compat";

const repoRoot = new URL("../..", import.meta.url).pathname;
const require = createRequire(import.meta.url);
const query = browserslist.loadConfig({ path: repoRoot }) ?? [];
/** doiuse's command line (its package exports no path to it: found from its main file). */
const DOIUSE_CLI = join(dirname(require.resolve("doiuse")), "../bin/cli.js");
const SCRIPTS = ["assets/ui/console-auth.js", "assets/ui/console.js"];
const STYLESHEETS = [join(repoRoot, "assets/ui/console.css"), require.resolve("uplot/dist/uPlot.min.css")];

/**
 * Features caniuse marks only partly supported by a target, reviewed: what the page uses of them
 * works (and is drawn in both browser tests). A new partial or any missing feature fails.
 */
const REVIEWED_PARTIAL: Record<string, string> = {
  "css-clip-path": "console.css .visually-hidden uses clip-path: inset(50%), a basic shape; the partial support is for other uses",
  "intrinsic-width": "uPlot.min.css sizes .uplot with width: min-content, which Firefox supports; the partial support is for other keywords",
};

/** The scripts' problems for `browsers` ("file:line message"). */
async function scriptProblems(browsers: string[]): Promise<string[]> {
  const eslint = new ESLint({
    cwd: repoRoot, overrideConfigFile: true,
    overrideConfig: [{
      files: ["assets/ui/*.js"],
      languageOptions: { ecmaVersion: 2022, sourceType: "script" },
      plugins: { compat },
      settings: { browsers, lintAllEsApis: true },
      rules: { "compat/compat": "error" },
    }],
  });
  const results = await eslint.lintFiles(SCRIPTS);
  return results.flatMap((r) => r.messages.map((m) => `${r.filePath.slice(repoRoot.length)}:${m.line} ${m.message}`));
}

interface CssUsage { message: string; feature: string; featureData: { missing?: string; partial?: string } }
/** The stylesheets' features some of `browsers` lack or support in part (doiuse, one JSON line each). */
function cssUsages(browsers: string[]): CssUsage[] {
  const out = execFileSync(process.execPath, [DOIUSE_CLI, "--json", "--browsers", browsers.join(", "), ...STYLESHEETS], { encoding: "utf8", timeout: 60_000 });
  return out.split("\n").filter(Boolean).map((line) => JSON.parse(line) as CssUsage);
}

test("the targets: the package.json query resolves to Chrome and Firefox versions", () => {
  assert.ok(query.length > 0, 'package.json has a "browserslist" query');
  const targets = browserslist(query);
  console.log(`NOTE: browserslist ${JSON.stringify(query)} is ${targets.join(", ")}`);
  assert.ok(targets.filter((t) => t.startsWith("chrome ")).length === 2 && targets.filter((t) => t.startsWith("firefox ")).length >= 2, targets.join(", "));
});

test("the page's scripts use nothing the targets lack (eslint-plugin-compat, ES2022 syntax)", async () => {
  assert.equal(await scriptProblems(query), []);
});

test("...and the check finds what an old browser lacks", async () => {
  const problems = await scriptProblems(["ie 11"]);
  assert.ok(problems.some((p) => /fetch is not supported in IE 11/.test(p)), problems.join("\n"));
});

test("the stylesheets use nothing the targets lack (doiuse); partial support only where reviewed", () => {
  const usages = cssUsages(query);
  const missing = usages.filter((u) => u.featureData.missing).map((u) => u.message);
  const unreviewed = usages.filter((u) => !u.featureData.missing && !Object.hasOwn(REVIEWED_PARTIAL, u.feature)).map((u) => u.message);
  assert.equal(missing, []);
  assert.equal(unreviewed, []);
});

test("...and the check finds what an old browser lacks", () => {
  assert.ok(cssUsages(["ie 11"]).some((u) => u.feature === "css-variables" && u.featureData.missing));
});

test.run();
