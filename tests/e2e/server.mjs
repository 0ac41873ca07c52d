// Starts the standalone host on a free loopback port with a fresh data directory, for one test file.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The built standalone host: SERVER_DLL, else the Release build, else the Debug build. */
function serverDll() {
  const candidates = [
    process.env.SERVER_DLL,
    join(repo, "functions/Serverless.Standalone/bin/Release/net10.0/Serverless.Standalone.dll"),
    join(repo, "functions/Serverless.Standalone/bin/Debug/net10.0/Serverless.Standalone.dll"),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error("Build the standalone host first (dotnet build). Looked for: " + candidates.join(", "));
  return found;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startServer(extraEnv = {}) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "serverless-e2e-"));
  const output = [];
  const child = spawn("dotnet", [serverDll()], {
    env: {
      ...process.env,
      PORT: String(port),
      BIND: "127.0.0.1",
      LOCAL_DOMAIN: `127.0.0.1:${port}`,
      LOCAL_HTTPS: "false",
      DATA_DIR: dataDir,
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d) => output.push(d.toString()));
  child.stderr.on("data", (d) => output.push(d.toString()));
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error("The server exited:\n" + output.join(""));
    try {
      const res = await fetch(`${url}/api/v1/instance`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("The server did not start within 30 s:\n" + output.join(""));
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    output,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls fn until it returns a truthy value, for work done by queues (bounded). */
export async function eventually(fn, { timeoutMs = 10_000, intervalMs = 50 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("Timed out waiting for a condition");
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
