// The admin pages (/moderation/reports and /moderation/domain_blocks) in a real browser: Debian's
// Chromium, headless, driven by playwright-core. An admin made by the host's admin command signs in,
// resolves a report and blocks a domain; screenshots show the pages render. Without Chromium this
// test fails on purpose rather than skipping.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";
import { signUp } from "./oauth-flow.mjs";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The same host server.mjs starts: SERVER_DLL, else the Release build, else the Debug build. */
function serverDll() {
  return [
    process.env.SERVER_DLL,
    join(repo, "functions/Serverless.Standalone/bin/Release/net10.0/Serverless.Standalone.dll"),
    join(repo, "functions/Serverless.Standalone/bin/Debug/net10.0/Serverless.Standalone.dll"),
  ].filter(Boolean).find((p) => existsSync(p));
}

let server;
let browser;
let dataDir;
let adminPassword;
before(async () => {
  assert.ok(existsSync(CHROMIUM), `Chromium is not installed at ${CHROMIUM}: run "apt-get install -y chromium" (CI does this in .ci/run).`);
  dataDir = mkdtempSync(join(tmpdir(), "serverless-e2e-admin-"));
  server = await startServer({ DATA_DIR: dataDir });
  const domain = new URL(server.url).host;

  // The first admin, as an operator makes one: the admin command on the host's data directory.
  const { stdout } = await promisify(execFile)("dotnet", [serverDll(), "accounts", "create", "boss", "--email", "boss@example.com", "--role", "Admin"], {
    env: { ...process.env, DATA_DIR: dataDir, LOCAL_DOMAIN: domain, LOCAL_HTTPS: "false" },
  });
  adminPassword = /New password: (\S+)/.exec(stdout)?.[1];
  assert.ok(adminPassword, `the admin command printed a password: ${stdout}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
after(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function api(path, token, body) {
  const res = await fetch(`${server.url}${path}`, {
    method: body ? "POST" : "GET",
    headers: { ...(body ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  assert.ok(res.ok, `${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

async function screenshot(page, name) {
  const path = join(tmpdir(), `serverless-admin-${name}-${process.pid}.png`);
  await page.screenshot({ path, fullPage: true });
  const size = statSync(path).size;
  assert.ok(size > 5 * 1024, `the screenshot at ${path} is a real page (${size} bytes)`);
}

test("an admin signs in, resolves a report and blocks a domain in Chromium", async () => {
  const alice = await signUp(server.url, "alice");
  await signUp(server.url, "bob");
  const bob = await api("/api/v1/accounts/lookup?acct=bob", alice);
  await api("/api/v1/reports", alice, { account_id: bob.id, comment: "Rude replies", category: "other" });

  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}/moderation/reports`);
    for (const selector of ["#login", "#password", "#sign-in-button"]) {
      assert.ok(await page.isVisible(selector), `${selector} is visible on the sign-in page`);
    }

    await page.fill("#login", "boss");
    await page.fill("#password", adminPassword);
    await Promise.all([page.waitForSelector("#reports"), page.click("#sign-in-button")]);
    assert.match(await page.textContent("#reports"), /Rude replies/);
    assert.match(await page.textContent("#reports"), /@bob/);
    assert.match(await page.textContent("#signed-in"), /@boss/);
    await screenshot(page, "reports");

    await Promise.all([page.waitForSelector("#no-reports"), page.click("button.resolve")]);

    await page.goto(`${server.url}/moderation/domain_blocks`);
    await page.waitForSelector("#new-domain-block");
    await page.fill("#domain", "bad.example");
    await page.selectOption("#severity", "suspend");
    await page.fill("#public_comment", "Harassment");
    await Promise.all([page.waitForSelector("#domain-blocks"), page.click("#add-domain-block")]);
    assert.match(await page.textContent("#domain-blocks"), /bad\.example/);
    assert.match(await page.textContent("#domain-blocks"), /suspend/);
    await screenshot(page, "domain-blocks");
  } finally {
    await page.close();
  }

  // What the page did is what the API shows.
  const blocks = await api("/api/v1/instance/domain_blocks");
  assert.deepEqual(blocks.map((b) => [b.domain, b.severity, b.comment]), [["bad.example", "suspend", "Harassment"]]);
});

test("a page without a session shows only the sign-in form", async () => {
  const page = await browser.newPage();
  try {
    const response = await page.goto(`${server.url}/moderation/domain_blocks`);
    assert.equal(response.status(), 401);
    assert.ok(await page.isVisible("#sign-in"));
    assert.equal(await page.$("#new-domain-block"), null);
  } finally {
    await page.close();
  }
});
