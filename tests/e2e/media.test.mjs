// Media through masto.js: v2 uploads answered 202 and polled until processed (masto.js polls
// GET /api/v1/media/:id by itself), description and focus updates, the deprecated synchronous v1
// upload, and the files served under /system/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { createRestAPIClient } from "masto";
import { startServer } from "./server.mjs";

let server;
let client;
before(async () => {
  server = await startServer();
  client = createRestAPIClient({ url: server.url, accessToken: await signUp(server.url, "mia"), mediaTimeout: 30_000 });
});
after(async () => {
  await server?.stop();
});

test("masto.js uploads a large image through v2, waits for processing and describes it", async () => {
  const png = makePng(1600, 1000);
  const media = await client.v2.media.create({ file: new Blob([png], { type: "image/png" }), description: "A gradient" });
  assert.equal(media.type, "image");
  assert.ok(media.url, "masto.js returns the attachment once processed");
  assert.equal(media.description, "A gradient");
  assert.equal(media.meta.original.width, 1600);
  assert.equal(media.meta.original.height, 1000);
  assert.equal(media.blurhash.length, 36);

  const file = await fetch(media.url);
  assert.equal(file.status, 200);
  assert.equal(file.headers.get("content-type"), "image/png");
  assert.equal(file.headers.get("x-content-type-options"), "nosniff");
  assert.deepEqual(pngSize(Buffer.from(await file.arrayBuffer())), { width: 1600, height: 1000 });

  const preview = pngSize(Buffer.from(await (await fetch(media.previewUrl)).arrayBuffer()));
  assert.ok(preview.width * preview.height <= 230_400, `preview ${preview.width}x${preview.height}`);
  assert.equal(preview.width, media.meta.small.width);

  const updated = await client.v1.media.$select(media.id).update({ description: "Still a gradient", focus: "0.25,-0.5" });
  assert.equal(updated.description, "Still a gradient");
  assert.deepEqual(updated.meta.focus, { x: 0.25, y: -0.5 });
  const fetched = await client.v1.media.$select(media.id).fetch();
  assert.equal(fetched.description, "Still a gradient");
});

test("masto.js uploads through the synchronous v1 endpoint and gets a URL at once", async () => {
  const media = await client.v1.media.create({ file: new Blob([makePng(32, 24)], { type: "image/png" }) });
  assert.ok(media.url);
  assert.equal(media.meta.original.width, 32);
  assert.equal((await fetch(media.url)).status, 200);
});

test("masto.js gets Mastodon's 422 for a file that is not media", async () => {
  await assert.rejects(
    client.v2.media.create({ file: new Blob(["just text"], { type: "image/png" }) }),
    (error) => error.statusCode === 422 && error.message === "Validation failed: File content type is invalid",
  );
});

/** Registers an app, gets an app token, signs up, and returns the user's token. */
async function signUp(baseUrl, username) {
  const post = async (path, body, token) => {
    const res = await fetch(baseUrl + path, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(json)}`);
    return json;
  };
  const scopes = "read write";
  const app = await post("/api/v1/apps", { client_name: "media e2e", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes });
  const appToken = await post("/oauth/token", { grant_type: "client_credentials", client_id: app.client_id, client_secret: app.client_secret, scope: scopes });
  const user = await post("/api/v1/accounts", { username, email: `${username}@example.com`, password: "a long enough password", agreement: true }, appToken.access_token);
  return user.access_token;
}

/** An RGB PNG with a red-to-blue gradient, written by hand (signature, IHDR, IDAT, IEND). */
function makePng(width, height) {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      raw[row + 1 + x * 3] = Math.round((255 * (width - 1 - x)) / Math.max(1, width - 1));
      raw[row + 1 + x * 3 + 1] = (y * 255) / Math.max(1, height - 1);
      raw[row + 1 + x * 3 + 2] = Math.round((255 * x) / Math.max(1, width - 1));
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngSize(bytes) {
  assert.equal(bytes.subarray(12, 16).toString("ascii"), "IHDR");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
