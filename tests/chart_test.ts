/**
 * The chart layer (lib/chart): SVG that is well-formed XML (checked by the strict
 * checker in xml_well_formed.ts), byte-identical across renders in one process and
 * in a subprocess under another time zone and locale, and refusals of specs whose
 * output would depend on the machine.
 */
import assert from "node:assert/strict";
import { type ChartSpec, renderSvg } from "../lib/chart/mod.ts";
import { handResult, TIME_SPEC } from "./bench_fixtures.ts";
import { benchSvg } from "../lib/workload/bench_report.ts";
import { xmlElementCounts } from "./xml_well_formed.ts";
import { ROOT } from "./helpers.ts";

/** Text content of every <text> element, entities decoded. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1].replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll(
      "&quot;",
      '"',
    ).replaceAll("&#39;", "'").replaceAll("&amp;", "&")
  );
}

const CLIPPED: ChartSpec = {
  data: { values: [{ k: "a", v: 1 }, { k: "b", v: 30 }] },
  mark: { type: "bar", clip: true },
  encoding: {
    x: { field: "v", type: "quantitative", scale: { domain: [0, 10] } },
    y: { field: "k", type: "nominal" },
  },
};

Deno.test("renderSvg: well-formed SVG, the same bytes on every render", async () => {
  const first = await renderSvg(CLIPPED);
  const counts = xmlElementCounts(first);
  assert.equal(counts.get("svg"), 1);
  assert.ok((counts.get("clipPath") ?? 0) >= 1, "the spec has a clip path");
  assert.match(first, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok(first.endsWith("</svg>\n"));
  // vega numbers clip paths with a process-wide counter: reset per render.
  await renderSvg(TIME_SPEC);
  assert.equal(await renderSvg(CLIPPED), first);
  // Concurrent renders do not interleave their ids either.
  const [a, b] = await Promise.all([renderSvg(CLIPPED), renderSvg(CLIPPED)]);
  assert.equal(a, first);
  assert.equal(b, first);
});

Deno.test("renderSvg: the shared theme's locale formats numbers, not the machine's", async () => {
  const svg = await renderSvg({
    data: { values: [{ k: "a", v: 1234567.5 }, { k: "b", v: -1000000 }] },
    mark: "bar",
    encoding: {
      x: { field: "v", type: "quantitative" },
      y: { field: "k", type: "nominal" },
    },
  });
  const labels = texts(svg);
  assert.ok(labels.includes("1,000,000"), labels.join("|"));
  assert.ok(labels.includes("-1,000,000"), labels.join("|"));
  assert.ok(!labels.some((l) => l.includes("\u2212")), "no U+2212 minus");
});

Deno.test("renderSvg refuses local-time encodings, external data and invalid specs", async () => {
  await assert.rejects(
    () =>
      renderSvg({
        ...TIME_SPEC,
        encoding: {
          x: { field: "t", type: "temporal" },
          y: { field: "v", type: "quantitative" },
        },
      }),
    {
      message:
        'Chart encoding spec.encoding.x is temporal in local time; give it scale { type: "utc" } or a UTC time unit',
    },
  );
  await assert.rejects(
    () => renderSvg({ ...CLIPPED, data: { url: "file:///etc/hostname" } }),
    /Charts take their data inline: refused to load "file:\/\/\/etc\/hostname"/,
  );
  await assert.rejects(
    () =>
      renderSvg({
        ...CLIPPED,
        encoding: {
          x: {
            field: "v",
            type: "quantitative",
            aggregate: "nonsense" as "sum",
          },
        },
      }),
    /^Error: Chart spec problem: Invalid aggregation operator "nonsense"/,
  );
  await assert.rejects(
    () =>
      renderSvg({
        ...CLIPPED,
        transform: [{ calculate: "datum.v + random()", as: "w" }],
      }),
    {
      message:
        "Chart expression spec.transform[0].calculate calls random(); charts draw no random numbers",
    },
  );
  await assert.rejects(
    () => renderSvg({ ...CLIPPED, transform: [{ sample: 1 }] }),
    /Charts draw no random numbers/,
  );
  // "random (" in data or a title is text, not a call.
  xmlElementCounts(
    await renderSvg({
      ...CLIPPED,
      title: "random (uniform) keys",
      data: { values: [{ k: "random (a)", v: 1 }] },
    }),
  );
  // The failures leave the renderer usable.
  xmlElementCounts(await renderSvg(CLIPPED));
});

Deno.test("renderSvg: the same bytes under another time zone and locale (subprocess)", async () => {
  const here = [await renderSvg(TIME_SPEC), await benchSvg(handResult())];
  // The UTC axis marks midnight UTC of Monday 31 March (in New York time the
  // day boundary would fall elsewhere).
  const labels = texts(here[0]);
  assert.ok(labels.includes("Mon 31"), labels.join("|"));
  const code = `
    import { renderSvg } from "${ROOT}/lib/chart/mod.ts";
    import { benchSvg } from "${ROOT}/lib/workload/bench_report.ts";
    import { handResult, TIME_SPEC } from "${ROOT}/tests/bench_fixtures.ts";
    const out = [await renderSvg(TIME_SPEC), await benchSvg(handResult())];
    await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(out)));
  `;
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    cwd: ROOT,
    env: {
      TZ: "America/New_York",
      LANG: "de_DE.UTF-8",
      LC_ALL: "de_DE.UTF-8",
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(r.stderr);
  assert.equal(r.code, 0, stderr);
  const there = JSON.parse(new TextDecoder().decode(r.stdout)) as string[];
  assert.deepEqual(there, here);
});

Deno.test("the subprocess time zone is honoured (the test above can fail)", async () => {
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "console.log(new Date(Date.UTC(2025, 0, 1)).getTimezoneOffset())",
    ],
    env: { TZ: "America/New_York", NO_COLOR: "1" },
    stdout: "piped",
  }).output();
  assert.equal(new TextDecoder().decode(r.stdout).trim(), "300");
});

Deno.test("the XML check refuses what is not well-formed", () => {
  for (
    const bad of [
      "<svg><g></svg></g>",
      "<svg><g></svg>",
      "<svg>a & b</svg>",
      '<svg a="1" a="2"/>',
      "<svg a=1/>",
      "<svg/><svg/>",
      "text<svg/>",
      "<svg><!-- c --></svg>",
    ]
  ) {
    assert.throws(() => xmlElementCounts(bad), Error, bad);
  }
  assert.deepEqual(
    xmlElementCounts('<svg a="&amp;&#60;"><g/><text>x &lt; y</text></svg>\n'),
    new Map([["svg", 1], ["g", 1], ["text", 1]]),
  );
});
