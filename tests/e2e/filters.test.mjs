// Filters and hashtags through masto.js: a v2 filter with keywords marks matching statuses in the
// home timeline (filtered), followed hashtags feed the home timeline, featured tags list on profiles.
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

test("masto.js: v2 filters mark home statuses, followed tags feed home, featured tags show", async () => {
  const alice = await signUpWithMasto(server.url, "alice");
  const bob = await signUpWithMasto(server.url, "bob");

  const filter = await alice.client.v2.filters.create({
    title: "Birds",
    context: ["home", "public"],
    filterAction: "warn",
    keywordsAttributes: [{ keyword: "parrot", wholeWord: true }],
  });
  assert.equal(filter.title, "Birds");
  assert.deepEqual(filter.keywords.map((k) => [k.keyword, k.wholeWord]), [["parrot", true]]);
  const keyword = await alice.client.v2.filters.$select(filter.id).keywords.create({ keyword: "toucan" });
  assert.equal(keyword.keyword, "toucan");
  assert.equal((await alice.client.v2.filters.list()).length, 1);

  // Alice follows #birds, not bob: his tagged post reaches her home, marked by her filter.
  const followed = await alice.client.v1.tags.$select("birds").follow();
  assert.equal(followed.following, true);
  const followedTags = await alice.client.v1.followedTags.list();
  assert.deepEqual(followedTags.map((t) => t.name), ["birds"]);

  const post = await bob.client.v1.statuses.create({ status: "A Parrot! #birds", visibility: "public" });
  const home = await eventually(async () => {
    const page = await alice.client.v1.timelines.home.list();
    return page.find((s) => s.id === post.id) ? page : null;
  });
  const seen = home.find((s) => s.id === post.id);
  assert.equal(seen.filtered.length, 1);
  assert.equal(seen.filtered[0].filter.id, filter.id);
  assert.deepEqual(seen.filtered[0].keywordMatches, ["Parrot"]);

  // Featured tags on bob's profile.
  const featured = await bob.client.v1.featuredTags.create({ name: "birds" });
  assert.equal(featured.name, "birds");
  assert.equal(Number(featured.statusesCount), 1);
  const onProfile = await alice.client.v1.accounts.$select(bob.account.id).featuredTags.list();
  assert.deepEqual(onProfile.map((t) => t.name), ["birds"]);

  await alice.client.v2.filters.$select(filter.id).remove();
  assert.equal((await alice.client.v2.filters.list()).length, 0);
});
