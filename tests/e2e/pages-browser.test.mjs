// The public profile and status pages in a real browser (Debian's Chromium, headless, through
// playwright-core): what a signed-out visitor sees, with screenshots that prove the pages render.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";
import { signUp } from "./oauth-flow.mjs";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let server;
let browser;
let token;
before(async () => {
  assert.ok(existsSync(CHROMIUM), `Chromium is not installed at ${CHROMIUM}: run "apt-get install -y chromium" (CI does this in .ci/run).`);
  server = await startServer();
  token = await signUp(server.url, "carol");
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function post(status, visibility = "public") {
  const res = await fetch(`${server.url}/api/v1/statuses`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ status, visibility }),
  });
  assert.equal(res.status, 200);
  return res.json();
}

async function screenshotOf(page, name) {
  const path = join(tmpdir(), `serverless-${name}-${process.pid}.png`);
  await page.screenshot({ path, fullPage: true });
  const size = statSync(path).size;
  assert.ok(size > 5 * 1024, `the screenshot at ${path} is a real page (${size} bytes)`);
}

test("a signed-out visitor sees a profile with public posts only", async () => {
  await post("Hello from the public square");
  await post("For my followers only", "private");
  const page = await browser.newPage();
  try {
    // Fan-out writes the account's timeline from a queue: wait until the public post is listed.
    for (let i = 0; i < 50; i++) {
      await page.goto(`${server.url}/@carol`);
      if ((await page.content()).includes("Hello from the public square")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await page.textContent("#display-name"), "carol");
    assert.match(await page.textContent("#handle"), /^@carol@/);
    assert.ok(await page.isVisible("text=Hello from the public square"));
    assert.equal(await page.locator("text=For my followers only").count(), 0);
    assert.equal(await page.getAttribute('meta[property="og:type"]', "content"), "profile");
    assert.equal(await page.getAttribute('link[rel="alternate"][type="application/activity+json"]', "href"), `${server.url}/users/carol`);
    await screenshotOf(page, "profile");
  } finally {
    await page.close();
  }
});

test("a status page renders for a public post and is not found for a private one", async () => {
  const shown = await post("A post worth linking to");
  const hidden = await post("Not for strangers", "private");
  const page = await browser.newPage();
  try {
    const response = await page.goto(shown.url);
    assert.equal(response.status(), 200);
    assert.ok(await page.isVisible("text=A post worth linking to"));
    assert.equal(await page.getAttribute('meta[property="og:url"]', "content"), shown.url);
    assert.equal(await page.getAttribute('meta[property="og:type"]', "content"), "article");
    await screenshotOf(page, "status");

    const missing = await page.goto(hidden.url);
    assert.equal(missing.status(), 404);
    assert.equal(await page.locator("text=Not for strangers").count(), 0);
  } finally {
    await page.close();
  }
});
