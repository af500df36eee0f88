/// <reference lib="dom" />
/**
 * A real browser as the oracle of an HTML report: headless Chromium (driven by
 * puppeteer-core) opens the file with the network cut off, and reports what a reader
 * would meet — console errors and warnings, script errors, requests that left the
 * file, and whether every chart is drawn — with a full-page screenshot.
 *
 * @module
 */
import puppeteer, { type Browser, type HTTPRequest } from "puppeteer-core";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

/** Browsers tried after `CHROMIUM_PATH`, in this order (names are looked up on PATH). */
const CANDIDATES = ["/usr/bin/chromium", "chromium-browser", "google-chrome"];

function isExecutableFile(path: string): boolean {
  try {
    const s = Deno.statSync(path);
    return s.isFile && ((s.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

/**
 * The path of a Chromium (or Chrome) executable to drive, or `undefined` when none is
 * installed.
 *
 * `CHROMIUM_PATH`, when set and not empty, is the only one tried: a path that is not an executable
 * file gives `undefined` (rather than quietly testing another browser). Otherwise
 * `/usr/bin/chromium`, then `chromium-browser` and `google-chrome` on `PATH`.
 *
 * @returns An absolute path, or `undefined`.
 * @example
 * ```ts
 * import { findChromium } from "./browser.ts";
 * const chromium = findChromium();
 * if (chromium !== undefined && !chromium.startsWith("/")) throw new Error(chromium);
 * ```
 */
export function findChromium(): string | undefined {
  const own = Deno.env.get("CHROMIUM_PATH") || undefined;
  if (own !== undefined) {
    return isExecutableFile(own) ? resolve(own) : undefined;
  }
  const dirs = (Deno.env.get("PATH") ?? "").split(":").filter((d) => d !== "");
  for (const c of CANDIDATES) {
    if (c.startsWith("/")) {
      if (isExecutableFile(c)) return c;
      continue;
    }
    for (const d of dirs) {
      const p = `${d}/${c}`;
      if (isExecutableFile(p)) return resolve(p);
    }
  }
  return undefined;
}

/** One `<figure class="chart">` as the browser laid it out. */
export interface ChartSeen {
  /** The figure's `id` attribute ("" when it has none). */
  id: string;
  /** Whether the figure contains an `<svg>` element. */
  hasSvg: boolean;
  /** The first svg's rendered width and height in CSS pixels (0 when absent or hidden). */
  width: number;
  height: number;
  /**
   * Drawn marks in that svg: `path`, `rect`, `line` and `text` elements that are
   * rendered (not `display: none` or `visibility: hidden`) with a non-empty box
   * (a line may be zero-wide in one direction; a text needs non-blank content).
   */
  marks: number;
  /**
   * CSS pixels of the svg's width outside its figure's box (0 when it fits): hidden
   * behind a scroll bar or spilling over. Reported, not judged here.
   */
  outsideWidth: number;
  /** Whether the figure has a `<figcaption>` and a `<table class="stats">`. */
  hasCaption: boolean;
  hasStatsTable: boolean;
}

/** Everything `openReport` saw while the page loaded. */
export interface ReportSeen {
  /** The `file:` URL that was opened. */
  url: string;
  /** Console messages of type error or warning, as `"error: text"` / `"warning: text"`. */
  console: string[];
  /** Uncaught exceptions in the page (`pageerror`). */
  pageErrors: string[];
  /** Requests for anything but the report itself, refused (no network). */
  blockedRequests: string[];
  /** Other requests that failed, as `"url: reason"`. */
  failedRequests: string[];
  /** Every `figure.chart`, in document order. */
  charts: ChartSeen[];
  /** The `<body data-charts>` attribute (`undefined` when absent). */
  dataCharts: string | undefined;
  /** Text of `p.verdict` (`undefined` when absent or not rendered). */
  verdict: string | undefined;
  /** Text of `p.fingerprint code` (`undefined` when absent or not rendered). */
  fingerprint: string | undefined;
  /** Laid-out size of the whole document, CSS pixels. */
  pageWidth: number;
  pageHeight: number;
  /** Where the PNG screenshot was written. */
  screenshot: string;
}

/** Options of `openReport`. */
export interface OpenOptions {
  /** Viewport width in CSS pixels (default 1200). */
  width?: number;
  /**
   * Screenshot only the top this many CSS pixels (default: the full page).
   */
  maxHeight?: number;
  /** The browser to launch (default: `findChromium()`). */
  executablePath?: string;
}

/** Milliseconds a page may take to load before `openReport` gives up. */
const LOAD_TIMEOUT_MS = 15_000;

/**
 * Open the HTML file at `path` in headless Chromium, with every request but the
 * file's own `file:` URL refused, and screenshot it as PNG into `screenshotPath`.
 * One browser is launched and always closed, also when a step throws.
 *
 * @param path The report file (relative paths from the working folder).
 * @param screenshotPath Where to write the PNG (its folder must exist).
 * @param options Viewport width, screenshot height, browser path.
 * @returns What was seen (see `ReportSeen`); the caller decides what fails.
 * @throws {Error} When no browser is found, the browser cannot be launched, or the
 *   page does not load within 15 s.
 * @example
 * ```ts ignore
 * import { openReport } from "./browser.ts";
 * const seen = await openReport("output/report.html", "output/report.png");
 * if (seen.pageErrors.length) throw new Error(seen.pageErrors[0]);
 * ```
 */
export async function openReport(
  path: string,
  screenshotPath: string,
  options: OpenOptions = {},
): Promise<ReportSeen> {
  const executablePath = options.executablePath ?? findChromium();
  if (executablePath === undefined) {
    throw new Error(
      "No Chromium found: install Debian's chromium or set CHROMIUM_PATH",
    );
  }
  const url = pathToFileURL(resolve(path)).href;
  const seen: ReportSeen = {
    url,
    console: [],
    pageErrors: [],
    blockedRequests: [],
    failedRequests: [],
    charts: [],
    dataCharts: undefined,
    verdict: undefined,
    fingerprint: undefined,
    pageWidth: 0,
    pageHeight: 0,
    screenshot: screenshotPath,
  };
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      // No sandbox: it cannot start as root or without user namespaces (containers,
      // CI); the page is our own file and every request leaving it is refused.
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--hide-scrollbars",
        "--force-color-profile=srgb",
      ],
    });
    const page = await browser.newPage();
    await page.setViewport({
      width: options.width ?? 1200,
      height: 800,
      deviceScaleFactor: 1,
    });
    page.on("console", (m) => {
      const type: string = m.type();
      if (type === "error") seen.console.push(`error: ${m.text()}`);
      if (type === "warn" || type === "warning") {
        seen.console.push(`warning: ${m.text()}`);
      }
    });
    page.on("pageerror", (e) => {
      seen.pageErrors.push(e instanceof Error ? e.message : String(e));
    });
    const refused = new Set<HTTPRequest>();
    await page.setRequestInterception(true);
    page.on("request", (req) => {
      if (req.url().split("#")[0] === url) {
        void req.continue();
      } else {
        refused.add(req);
        seen.blockedRequests.push(req.url());
        void req.abort("blockedbyclient");
      }
    });
    page.on("requestfailed", (req) => {
      if (refused.has(req)) return;
      seen.failedRequests.push(
        `${req.url()}: ${req.failure()?.errorText ?? "failed"}`,
      );
    });
    page.on("response", (res) => {
      if (res.status() >= 400) {
        seen.failedRequests.push(`${res.url()}: status ${res.status()}`);
      }
    });
    await page.goto(url, { waitUntil: "load", timeout: LOAD_TIMEOUT_MS });
    const inPage = await page.evaluate(() => {
      const shown = (e: Element | null): e is Element => {
        if (e === null) return false;
        const r = e.getBoundingClientRect();
        const s = getComputedStyle(e);
        return r.width > 0 && r.height > 0 && s.visibility !== "hidden" &&
          s.display !== "none" && Number(s.opacity) > 0;
      };
      const charts = [...document.querySelectorAll("figure.chart")].map(
        (fig) => {
          const svg = fig.querySelector("svg");
          const box = svg && shown(svg)
            ? svg.getBoundingClientRect()
            : { width: 0, height: 0 };
          let marks = 0;
          if (svg) {
            for (const m of svg.querySelectorAll("path, rect, line, text")) {
              const s = getComputedStyle(m);
              if (s.display === "none" || s.visibility === "hidden") continue;
              const r = m.getBoundingClientRect();
              if (r.width <= 0 && r.height <= 0) continue;
              if (
                m.tagName.toLowerCase() === "text" &&
                (m.textContent ?? "").trim() === ""
              ) continue;
              marks++;
            }
          }
          const f = fig.getBoundingClientRect();
          const s = svg?.getBoundingClientRect();
          const inside = s
            ? Math.max(0, Math.min(s.right, f.right) - Math.max(s.left, f.left))
            : 0;
          return {
            id: fig.id,
            hasSvg: svg !== null,
            width: box.width,
            height: box.height,
            marks,
            outsideWidth: s && box.width > 0 ? s.width - inside : 0,
            hasCaption: fig.querySelector("figcaption") !== null,
            hasStatsTable: fig.querySelector("table.stats") !== null,
          };
        },
      );
      const verdict = document.querySelector("p.verdict");
      const fingerprint = document.querySelector("p.fingerprint code");
      return {
        charts,
        dataCharts: document.body.getAttribute("data-charts") ?? undefined,
        verdict: shown(verdict) ? verdict.textContent?.trim() : undefined,
        fingerprint: shown(fingerprint)
          ? fingerprint.textContent?.trim()
          : undefined,
        pageWidth: document.documentElement.scrollWidth,
        pageHeight: document.documentElement.scrollHeight,
      };
    });
    Object.assign(seen, inPage);
    const clip = options.maxHeight === undefined ? undefined : {
      x: 0,
      y: 0,
      width: options.width ?? 1200,
      height: Math.min(options.maxHeight, inPage.pageHeight),
    };
    await page.screenshot({
      path: screenshotPath as `${string}.png`,
      type: "png",
      fullPage: clip === undefined,
      ...(clip ? { clip, captureBeyondViewport: true } : {}),
    });
    return seen;
  } finally {
    await browser?.close();
  }
}
