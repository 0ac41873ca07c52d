#!/usr/bin/env node
// Azurite's Blob service for the Blob media store's tests: in memory, on 127.0.0.1, with the API
// version check off (the .NET SDK may be newer than this Azurite), telemetry off, quiet.
//
// Usage: node start.js [--port N] [--exit-with-stdin]
//   --port 0 (the default, or AZURITE_BLOB_PORT) takes a free port.
//   Prints one line "azurite-blob listening at <endpoint>" when ready, for scripts and tests; the
//   endpoint is the well-known development account's (http://127.0.0.1:PORT/devstoreaccount1).
//   Stops on SIGTERM/SIGINT, and with --exit-with-stdin also when stdin closes (a test process
//   that starts it holds the pipe, so Azurite dies with it).
"use strict";

const path = require("node:path");
const { spawn } = require("node:child_process");

const args = process.argv.slice(2);
const portIndex = args.indexOf("--port");
const port = portIndex >= 0 ? args[portIndex + 1] : (process.env.AZURITE_BLOB_PORT || "0");
if (!/^\d+$/.test(port)) {
  console.error(`start.js: --port must be a number, not '${port}'`);
  process.exit(2);
}

const main = require.resolve("azurite/dist/src/blob/main.js", { paths: [path.join(__dirname, "..")] });
const child = spawn(process.execPath, [
  main,
  "--blobHost", "127.0.0.1",
  "--blobPort", port,
  "--inMemoryPersistence",
  // Tests upload a few tens of MB at most; keep a shared machine's memory to itself.
  "--extentMemoryLimit", "512",
  "--skipApiVersionCheck",
  "--disableTelemetry",
  "--silent",
], { stdio: ["ignore", "pipe", "inherit"] });

let ready = false;
let buffered = "";
child.stdout.setEncoding("utf8");
child.stdout.on("data", chunk => {
  if (ready) {
    return;
  }

  buffered += chunk;
  const match = /successfully listens on (http:\/\/127\.0\.0\.1:\d+)/.exec(buffered);
  if (match) {
    ready = true;
    console.log(`azurite-blob listening at ${match[1]}/devstoreaccount1`);
  }
});

const stop = () => {
  if (child.exitCode === null) {
    child.kill("SIGTERM");
  }
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
if (args.includes("--exit-with-stdin")) {
  process.stdin.on("end", stop);
  process.stdin.on("error", stop);
  process.stdin.resume();
}
child.on("exit", (code, signal) => {
  if (!ready) {
    console.error(`start.js: azurite-blob exited before it listened (${signal || code})`);
  }

  process.exit(code === null ? 0 : code);
});
