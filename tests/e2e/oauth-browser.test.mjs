// The sign-in and consent pages in a real browser: Debian's Chromium, headless, driven by
// playwright-core (which never downloads a browser of its own). CI installs Chromium; without it
// this test fails on purpose rather than skipping.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";
import { signUp, registerApp, pkce, PASSWORD } from "./oauth-flow.mjs";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let server;
let browser;
before(async () => {
  assert.ok(existsSync(CHROMIUM), `Chromium is not installed at ${CHROMIUM}: run "apt-get install -y chromium" (CI does this in .ci/run).`);
  server = await startServer();
  await signUp(server.url, "alice");
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

function authorizeUrl(app, redirectUri, extra = {}) {
  const query = new URLSearchParams({ response_type: "code", client_id: app.client_id, redirect_uri: redirectUri, scope: "read write", ...extra });
  return `${server.url}/oauth/authorize?${query}`;
}

async function exchange(body) {
  const res = await fetch(`${server.url}/oauth/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

test("a user signs in and authorizes an out-of-band app in Chromium", async () => {
  const app = await registerApp(server.url, "urn:ietf:wg:oauth:2.0:oob");
  const { verifier, challenge } = pkce();
  const page = await browser.newPage();
  try {
    await page.goto(authorizeUrl(app, "urn:ietf:wg:oauth:2.0:oob", { code_challenge: challenge, code_challenge_method: "S256" }));
    for (const selector of ["#login", "#password", "#sign-in-button"]) {
      assert.ok(await page.isVisible(selector), `${selector} is visible on the sign-in page`);
    }
    assert.equal(await page.textContent("#app-name"), "OAuth e2e");

    const screenshot = join(tmpdir(), `serverless-oauth-sign-in-${process.pid}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });
    const size = statSync(screenshot).size;
    assert.ok(size > 5 * 1024, `the screenshot at ${screenshot} is a real page (${size} bytes)`);

    await page.fill("#login", "alice@example.com");
    await page.fill("#password", PASSWORD);
    await Promise.all([page.waitForSelector("#authorize"), page.click("#sign-in-button")]);
    assert.ok(await page.isVisible("#deny"), "the consent page offers Deny");
    assert.match(await page.textContent("#scopes"), /Publish, edit and delete posts|Change everything in your account/);

    await Promise.all([page.waitForURL(/\/oauth\/authorize\/native\?code=/), page.click("#authorize")]);
    const code = await page.inputValue("#authorization-code");
    assert.ok(code.length > 20, "the code is shown");

    const token = await exchange({ grant_type: "authorization_code", client_id: app.client_id, code, redirect_uri: "urn:ietf:wg:oauth:2.0:oob", code_verifier: verifier });
    assert.equal(token.status, 200, JSON.stringify(token.body));
    const me = await fetch(`${server.url}/api/v1/accounts/verify_credentials`, { headers: { authorization: `Bearer ${token.body.access_token}` } });
    assert.equal((await me.json()).username, "alice");
  } finally {
    await page.close();
  }
});

test("Chromium follows the redirect to a loopback app with the code and state", async () => {
  let received;
  const callback = createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    if (url.pathname !== "/callback") return res.writeHead(404).end();
    received = url;
    res.writeHead(200, { "content-type": "text/html" }).end("<p id=done>You can close this window.</p>");
  });
  await new Promise((resolve) => callback.listen(0, "127.0.0.1", resolve));
  const redirectUri = `http://127.0.0.1:${callback.address().port}/callback`;
  const app = await registerApp(server.url, redirectUri);
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(authorizeUrl(app, redirectUri, { state: "opaque-state" }));
    await page.fill("#login", "alice");
    await page.fill("#password", PASSWORD);
    await Promise.all([page.waitForSelector("#authorize"), page.click("#sign-in-button")]);
    await Promise.all([page.waitForSelector("#done"), page.click("#authorize")]);
    assert.equal(received.pathname, "/callback");
    assert.equal(received.searchParams.get("state"), "opaque-state");

    const token = await exchange({ grant_type: "authorization_code", client_id: app.client_id, client_secret: app.client_secret, code: received.searchParams.get("code"), redirect_uri: redirectUri });
    assert.equal(token.status, 200, JSON.stringify(token.body));
    assert.equal(token.body.scope, "read write");
  } finally {
    await context.close();
    await new Promise((resolve) => callback.close(resolve));
  }
});
