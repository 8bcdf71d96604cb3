// Lighthouse in snapshot mode on the booking form after it was sent empty (its error state), which a plain
// Lighthouse run cannot reach. Called by bench/public_pages_quality.py with the form's address; prints the
// scores as JSON. Snapshot mode has no performance category (nothing loads).
import puppeteer from "puppeteer-core";
import { startFlow } from "lighthouse";

const [url, chromium] = process.argv.slice(2);
const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ["--no-sandbox"] });
const page = await browser.newPage();
await page.setViewport({ width: 375, height: 812, isMobile: true });
await page.goto(url, { waitUntil: "networkidle0" });
await Promise.all([page.waitForNavigation(), page.click("button[type=submit].primary")]);
await page.waitForSelector("#error-summary");
const flow = await startFlow(page, { config: { extends: "lighthouse:default" } });
await flow.snapshot({ name: "booking form with errors" });
const result = await flow.createFlowResult();
const categories = result.steps[0].lhr.categories;
console.log(JSON.stringify(Object.fromEntries(Object.entries(categories).map(([key, c]) => [key, Math.round(100 * c.score)]))));
await browser.close();
