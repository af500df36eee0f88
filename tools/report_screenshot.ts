/**
 * A screenshot of the HTML validation report, as a reader's browser shows it:
 * generate a dataset (the default seed and config.yaml) into a temporary folder,
 * validate it, open its `report.html` in headless Chromium (1200 px wide, no
 * network) and write the top 1600 px as PNG to OUT.png.
 *
 *   deno run -A tools/report_screenshot.ts OUT.png [SESSIONS]
 *
 * SESSIONS defaults to 20,000. The browser is found as the browser test finds it
 * (`CHROMIUM_PATH`, then `/usr/bin/chromium`, `chromium-browser`, `google-chrome`).
 * Exit codes: 0 written (validate passed), 1 written but validate failed or the
 * browser saw a problem (named on stderr), 2 usage error or no screenshot.
 *
 * @module
 */
import { runCli } from "../lib/cli/run.ts";
import { findChromium, openReport } from "../tests/browser.ts";
import { parseInteger } from "./integer_flag.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Width of the screenshot and height of its top part, CSS pixels (scale 1). */
const WIDTH = 1200;
const HEIGHT = 1600;

const USAGE =
  "usage: deno run -A tools/report_screenshot.ts OUT.png [SESSIONS]";

async function main(args: string[]): Promise<number> {
  if (args.length < 1 || args.length > 2 || !args[0].endsWith(".png")) {
    console.error(USAGE);
    return 2;
  }
  const out = args[0];
  let sessions = 20_000;
  try {
    if (args[1] !== undefined) {
      sessions = parseInteger("sessions", args[1], 1, 10_000_000);
    }
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    return 2;
  }
  const chromium = findChromium();
  if (chromium === undefined) {
    console.error(
      "error: No Chromium found: install Debian's chromium or set CHROMIUM_PATH",
    );
    return 2;
  }
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-screenshot-" });
  try {
    const dir = `${tmp}/dataset`;
    const generated = await runCli([
      "--config",
      `${ROOT}/config.yaml`,
      "--sessions",
      String(sessions),
      "--out",
      dir,
      "--quiet",
    ]);
    if (generated !== 0) return 2;
    const verdict = await runCli(["validate", dir, "--quiet"]);
    if (verdict === 2) return 2;
    const seen = await openReport(`${dir}/report.html`, out, {
      width: WIDTH,
      maxHeight: HEIGHT,
      executablePath: chromium,
    });
    const problems = [
      ...seen.console,
      ...seen.pageErrors,
      ...seen.blockedRequests.map((u) => `blocked request ${u}`),
      ...seen.failedRequests.map((u) => `failed request ${u}`),
      ...seen.charts.filter((c) => !c.hasSvg || c.marks === 0).map((c) =>
        `chart ${c.id} not drawn`
      ),
    ];
    for (const p of problems) console.error(`warning: ${p}`);
    for (const c of seen.charts.filter((c) => c.outsideWidth > 0.5)) {
      console.error(
        `note: chart ${c.id} is ${
          Math.round(c.outsideWidth)
        } px wider than its figure at ${WIDTH} px`,
      );
    }
    console.log(
      `${out}: top ${
        Math.min(HEIGHT, seen.pageHeight)
      } of ${seen.pageHeight} px, ` +
        `${seen.charts.length} charts, ${sessions} sessions, ${
          verdict === 0 ? "PASS" : "FAIL"
        }`,
    );
    return verdict === 0 && problems.length === 0 ? 0 : 1;
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    return 2;
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
