import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

/** What a headless Chromium saw of a report page. */
export interface PageCheck {
  /** Console errors and uncaught exceptions, in order. */
  readonly errors: readonly string[];
  /**
   * Per chart, in page order: its element's id, its canvas's pixels, how many are painted at all, and
   * how many in a colour (not a gray: the axes and grid are gray, the data lines and bars are not).
   */
  readonly charts: readonly { readonly id: string; readonly pixels: number; readonly painted: number; readonly colored: number }[];
}

/** Debian's chromium: installed by scripts/install-chromium.sh when missing; its path. */
export function ensureChromium(): string {
  execFileSync("bash", ["scripts/install-chromium.sh"], { stdio: "inherit" });
  return execFileSync("bash", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();
}

/** Opens the page from disk (no network: every request is refused), waits for the charts, counts painted pixels. */
export async function checkPage(htmlPath: string, screenshot?: string): Promise<PageCheck> {
  const browser = await chromium.launch({ executablePath: ensureChromium(), args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.route(/^(?!file:)/, (route) => {
      errors.push(`request to ${route.request().url()}: the page must work offline`);
      return route.abort();
    });
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: "load" });
    await page.waitForFunction(() => document.querySelectorAll(".uplot canvas").length > 0, undefined, { timeout: 10_000 });
    // uPlot draws in a microtask after creation: one animation frame later every chart is on its canvas
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const charts = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>(".chart")).map((el) => {
        const canvas = el.querySelector("canvas");
        if (!canvas) return { id: el.id, pixels: 0, painted: 0, colored: 0 };
        const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        let colored = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] === 0) continue;
          painted++;
          if (Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 60) colored++;
        }
        return { id: el.id, pixels: data.length / 4, painted, colored };
      }),
    );
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    return { errors, charts };
  } finally {
    await browser.close();
  }
}
