// Accounts and the social graph through masto.js, as Elk and Phanpy call them: follow with options,
// relationships, follow requests on a locked account, followers paged through Link, lookup and
// search, update_credentials with fields, preferences, and account statuses.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, eventually } from "./server.mjs";
import { signUpWithMasto } from "./masto-accounts.mjs";

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

const signUp = (username) => signUpWithMasto(server.url, username, { clientName: "accounts e2e" });

test("masto.js follows, reads relationships and sees the followed account at home", async () => {
  const alice = await signUp("alice");
  const bob = await signUp("bob");
  const older = await bob.client.v1.statuses.create({ status: "before the follow" });

  const relationship = await alice.client.v1.accounts.$select(bob.account.id).follow({ reblogs: false, notify: true, languages: ["en"] });
  assert.equal(relationship.following, true);
  assert.equal(relationship.showingReblogs, false);
  assert.equal(relationship.notifying, true);
  assert.deepEqual(relationship.languages, ["en"]);

  const [fromBob] = await bob.client.v1.accounts.relationships.fetch({ id: [alice.account.id] });
  assert.equal(fromBob.followedBy, true);
  assert.equal(fromBob.following, false);

  const home = await eventually(async () => {
    const page = await alice.client.v1.timelines.home.list({ limit: 10 });
    return page.some((s) => s.id === older.id) ? page : null;
  });
  assert.ok(home.some((s) => s.account.id === bob.account.id));

  const followers = await bob.client.v1.accounts.$select(bob.account.id).followers.list();
  assert.deepEqual(followers.map((a) => a.id), [alice.account.id]);

  const statuses = await alice.client.v1.accounts.$select(bob.account.id).statuses.list({ excludeReplies: true });
  assert.deepEqual(statuses.map((s) => s.id), [older.id]);

  const unfollowed = await alice.client.v1.accounts.$select(bob.account.id).unfollow();
  assert.equal(unfollowed.following, false);
});

test("masto.js pages followers through Link headers", async () => {
  const star = await signUp("star");
  const fans = [];
  for (let i = 0; i < 3; i++) {
    const fan = await signUp(`fan${i}`);
    await fan.client.v1.accounts.$select(star.account.id).follow();
    fans.push(fan.account.id);
  }

  const seen = [];
  for await (const page of star.client.v1.accounts.$select(star.account.id).followers.list({ limit: 2 })) {
    seen.push(...page.map((a) => a.id));
    if (seen.length > 10) break;
  }
  assert.deepEqual(seen, [...fans].reverse());
});

test("masto.js handles follow requests of a locked account", async () => {
  const carol = await signUp("carol");
  const dave = await signUp("dave");
  const locked = await carol.client.v1.accounts.updateCredentials({ locked: true });
  assert.equal(locked.locked, true);

  const requested = await dave.client.v1.accounts.$select(carol.account.id).follow();
  assert.equal(requested.requested, true);
  assert.equal(requested.following, false);

  const pending = await carol.client.v1.followRequests.list();
  assert.deepEqual(pending.map((a) => a.id), [dave.account.id]);
  const authorized = await carol.client.v1.followRequests.$select(dave.account.id).authorize();
  assert.equal(authorized.followedBy, true);

  const [now] = await dave.client.v1.accounts.relationships.fetch({ id: [carol.account.id] });
  assert.equal(now.following, true);
  assert.equal(now.requested, false);
});

test("masto.js updates credentials, reads preferences, looks up and searches accounts", async () => {
  const erin = await signUp("erin");
  const updated = await erin.client.v1.accounts.updateCredentials({
    displayName: "Erin Example",
    note: "Hello there",
    fieldsAttributes: [{ name: "Website", value: "https://example.com" }],
    source: { privacy: "unlisted", language: "en" },
  });
  assert.equal(updated.displayName, "Erin Example");
  assert.equal(updated.note, "<p>Hello there</p>");
  assert.equal(updated.fields[0].name, "Website");
  assert.equal(updated.source.privacy, "unlisted");

  const preferences = await erin.client.v1.preferences.fetch();
  assert.equal(preferences["posting:default:visibility"], "unlisted");
  assert.equal(preferences["posting:default:language"], "en");

  const found = await erin.client.v1.accounts.lookup({ acct: "erin" });
  assert.equal(found.id, erin.account.id);
  const results = await erin.client.v1.accounts.search.list({ q: "Exam" });
  assert.deepEqual(results.map((a) => a.id), [erin.account.id]);

  const noted = await erin.client.v1.accounts.$select(erin.account.id).note.create({ comment: "that's me" });
  assert.equal(noted.note, "that's me");
});
