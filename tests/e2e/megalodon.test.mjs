// megalodon (a client library used by Whalebird and others) against the standalone host: it
// registers an app, the user authorizes it on the sign-in and consent pages (driven here by plain
// HTTP), megalodon exchanges the code, then verifies the account, posts and reads home.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import generator from "megalodon";
import { startServer, eventually } from "./server.mjs";
import { signUp, authorizeOverHttp } from "./oauth-flow.mjs";

let server;
before(async () => {
  server = await startServer();
  await signUp(server.url, "alice");
});
after(async () => {
  await server?.stop();
});

test("megalodon signs in with the authorization-code flow, posts and reads home", async () => {
  const anonymous = generator("mastodon", server.url);
  const appData = await anonymous.registerApp("megalodon e2e", { scopes: ["read", "write", "follow"] });
  assert.ok(appData.client_id && appData.client_secret, "the app has credentials");
  assert.ok(appData.url.startsWith(`${server.url}/oauth/authorize?`), `authorize URL: ${appData.url}`);

  const { code } = await authorizeOverHttp(appData.url, "alice@example.com");
  assert.ok(code, "the out-of-band page shows the code");

  const tokenData = await anonymous.fetchAccessToken(appData.client_id, appData.client_secret, code, appData.redirect_uri);
  assert.ok(tokenData.access_token, "megalodon got an access token");
  assert.equal(tokenData.scope, "read write follow");

  const client = generator("mastodon", server.url, tokenData.access_token);
  const me = await client.verifyAccountCredentials();
  assert.equal(me.data.username, "alice");

  const posted = await client.postStatus("Hello from megalodon");
  assert.equal(posted.data.content, "<p>Hello from megalodon</p>");

  const home = await eventually(async () => {
    const res = await client.getHomeTimeline();
    return res.data.length > 0 ? res.data : null;
  });
  assert.equal(home[0].id, posted.data.id);

  // The same code cannot be exchanged twice.
  await assert.rejects(anonymous.fetchAccessToken(appData.client_id, appData.client_secret, code, appData.redirect_uri), (err) => {
    assert.equal(err.response?.status, 400);
    assert.equal(err.response?.data?.error, "invalid_grant");
    return true;
  });
});
