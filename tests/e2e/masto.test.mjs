// The first slice through a real client library: masto.js registers an app, gets an app token,
// signs up, posts, and reads the status back from the home timeline (put there by the fanout queue).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRestAPIClient, createOAuthAPIClient } from "masto";
import { startServer, eventually } from "./server.mjs";

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

test("masto.js signs up, posts and reads its home timeline", async () => {
  const anonymous = createRestAPIClient({ url: server.url });
  const app = await anonymous.v1.apps.create({
    clientName: "masto e2e",
    redirectUris: "urn:ietf:wg:oauth:2.0:oob",
    scopes: "read write follow push",
    website: "https://example.com",
  });
  assert.ok(app.clientId, "app has a client id");
  assert.ok(app.clientSecret, "app has a client secret");

  const oauth = createOAuthAPIClient({ url: server.url });
  const appToken = await oauth.token.create({
    grantType: "client_credentials",
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    redirectUri: "urn:ietf:wg:oauth:2.0:oob",
    scope: "read write follow push",
  });
  assert.equal(appToken.tokenType, "Bearer");

  const asApp = createRestAPIClient({ url: server.url, accessToken: appToken.accessToken });
  const userToken = await asApp.v1.accounts.create({
    username: "alice",
    email: "alice@example.com",
    password: "correct horse battery staple",
    agreement: true,
    locale: "en",
  });
  assert.ok(userToken.accessToken);

  const alice = createRestAPIClient({ url: server.url, accessToken: userToken.accessToken });
  const me = await alice.v1.accounts.verifyCredentials();
  assert.equal(me.username, "alice");
  assert.equal(me.acct, "alice");
  assert.equal(me.source.privacy, "public");

  const posted = await alice.v1.statuses.create({ status: "Hello from masto.js https://example.com/some/long/path", visibility: "public" });
  assert.match(posted.content, /^<p>Hello from masto\.js <a href="https:\/\/example\.com\/some\/long\/path"/);
  assert.equal(posted.account.id, me.id);
  assert.equal(posted.application?.name, "masto e2e");

  const fetched = await alice.v1.statuses.$select(posted.id).fetch();
  assert.equal(fetched.id, posted.id);

  const home = await eventually(async () => {
    const page = await alice.v1.timelines.home.list({ limit: 5 });
    return page.some((s) => s.id === posted.id) ? page : null;
  });
  assert.equal(home[0].id, posted.id);

  const pub = await alice.v1.timelines.public.list({ limit: 5 });
  assert.ok(pub.some((s) => s.id === posted.id), "the public status is on the federated timeline");

  const me2 = await alice.v1.accounts.verifyCredentials();
  assert.equal(me2.statusesCount, 1);
});

test("masto.js pages the home timeline through Link headers", async () => {
  const anonymous = createRestAPIClient({ url: server.url });
  const app = await anonymous.v1.apps.create({ clientName: "pager", redirectUris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read write" });
  const oauth = createOAuthAPIClient({ url: server.url });
  const appToken = await oauth.token.create({
    grantType: "client_credentials", clientId: app.clientId, clientSecret: app.clientSecret,
    redirectUri: "urn:ietf:wg:oauth:2.0:oob", scope: "read write",
  });
  const asApp = createRestAPIClient({ url: server.url, accessToken: appToken.accessToken });
  const token = await asApp.v1.accounts.create({ username: "bob", email: "bob@example.com", password: "another good password", agreement: true, locale: "en" });
  const bob = createRestAPIClient({ url: server.url, accessToken: token.accessToken });

  const ids = [];
  for (let i = 0; i < 7; i++) {
    ids.push((await bob.v1.statuses.create({ status: `post ${i}` })).id);
  }
  await eventually(async () => (await bob.v1.timelines.home.list({ limit: 1 }))[0]?.id === ids[6]);

  // masto's paginator follows rel="next" only.
  const seen = [];
  for await (const page of bob.v1.timelines.home.list({ limit: 3 })) {
    seen.push(...page.map((s) => s.id));
    if (seen.length > 20) break;
  }
  assert.deepEqual(seen, [...ids].reverse());
});

test("errors are Mastodon-shaped", async () => {
  const res = await fetch(`${server.url}/api/v1/timelines/home`);
  assert.equal(res.status, 401);
  assert.deepEqual(await res.json(), { error: "The access token is invalid" });

  const missing = await fetch(`${server.url}/api/v1/statuses/12345`);
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error, "Record not found");
});
