// Statuses and their interactions through masto.js, as Elk and Phanpy call them: polls and votes,
// favourite/reblog/bookmark/pin/mute with their undo forms, who favourited and reblogged, threads,
// editing with history and source, delete-and-redraft, and scheduled statuses.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./server.mjs";
import { signUpWithMasto } from "./masto-accounts.mjs";

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

const signUp = (username) => signUpWithMasto(server.url, username, { clientName: "statuses e2e" });

test("masto.js posts a poll with hidden totals, votes on it, and sees the counts after voting", async () => {
  const alice = await signUp("pollster");
  const bob = await signUp("voter");
  const status = await alice.client.v1.statuses.create({
    status: "tea or coffee?",
    poll: { options: ["tea", "coffee"], expiresIn: 3600, hideTotals: true },
  });
  assert.deepEqual(status.poll.options.map((o) => o.title), ["tea", "coffee"]);

  const before = await bob.client.v1.polls.$select(status.poll.id).fetch();
  assert.equal(before.voted, false);
  assert.equal(before.options[0].votesCount, null);

  const voted = await bob.client.v1.polls.$select(status.poll.id).votes.create({ choices: [1] });
  assert.equal(voted.voted, true);
  assert.deepEqual(voted.ownVotes, [1]);
  assert.deepEqual(voted.options.map((o) => o.votesCount), [0, 1]);

  await assert.rejects(bob.client.v1.polls.$select(status.poll.id).votes.create({ choices: [0] }), (e) => e.statusCode === 422);
});

test("masto.js favourites, reblogs, bookmarks, pins and mutes, and undoes each", async () => {
  const alice = await signUp("author");
  const bob = await signUp("reader");
  const status = await alice.client.v1.statuses.create({ status: "interact with me" });
  const mine = bob.client.v1.statuses.$select(status.id);

  const favourited = await mine.favourite();
  assert.equal(favourited.favourited, true);
  assert.equal(favourited.favouritesCount, 1);
  const fans = await alice.client.v1.statuses.$select(status.id).favouritedBy.list();
  assert.deepEqual(fans.map((a) => a.id), [bob.account.id]);

  const reblog = await mine.reblog({ visibility: "unlisted" });
  assert.equal(reblog.reblog.id, status.id);
  assert.equal(reblog.reblog.reblogged, true);
  const boosters = await alice.client.v1.statuses.$select(status.id).rebloggedBy.list();
  assert.deepEqual(boosters.map((a) => a.id), [bob.account.id]);

  assert.equal((await mine.bookmark()).bookmarked, true);
  assert.equal((await mine.mute()).muted, true);
  assert.equal((await alice.client.v1.statuses.$select(status.id).pin()).pinned, true);

  const seen = await mine.fetch();
  assert.deepEqual([seen.favourited, seen.reblogged, seen.bookmarked, seen.muted], [true, true, true, true]);

  assert.equal((await mine.unfavourite()).favourited, false);
  assert.equal((await mine.unreblog()).reblogged, false);
  assert.equal((await mine.unbookmark()).bookmarked, false);
  assert.equal((await mine.unmute()).muted, false);
  assert.equal((await alice.client.v1.statuses.$select(status.id).unpin()).pinned, false);
  const after = await mine.fetch();
  assert.deepEqual([after.favouritesCount, after.reblogsCount], [0, 0]);

  const [fetched] = await bob.client.v1.statuses.fetch({ id: [status.id] });
  assert.equal(fetched.id, status.id);
});

test("masto.js reads a thread, edits with history and source, and deletes for a redraft", async () => {
  const alice = await signUp("threader");
  const bob = await signUp("replier");
  const root = await alice.client.v1.statuses.create({ status: "root #Thread" });
  assert.deepEqual(root.tags.map((t) => t.name), ["thread"]);
  const reply = await bob.client.v1.statuses.create({ status: `@${alice.account.username} reply`, inReplyToId: root.id });
  assert.deepEqual(reply.mentions.map((m) => m.id), [alice.account.id]);

  const context = await alice.client.v1.statuses.$select(reply.id).context.fetch();
  assert.deepEqual(context.ancestors.map((s) => s.id), [root.id]);
  const fromRoot = await bob.client.v1.statuses.$select(root.id).context.fetch();
  assert.deepEqual(fromRoot.descendants.map((s) => s.id), [reply.id]);

  const edited = await alice.client.v1.statuses.$select(root.id).update({ status: "root, edited" });
  assert.equal(edited.content, "<p>root, edited</p>");
  assert.ok(edited.editedAt);
  const history = await alice.client.v1.statuses.$select(root.id).history.list();
  assert.deepEqual(history.map((h) => h.content), [root.content, "<p>root, edited</p>"]);
  const source = await alice.client.v1.statuses.$select(root.id).source.fetch();
  assert.equal(source.text, "root, edited");

  const deleted = await alice.client.v1.statuses.$select(root.id).remove();
  assert.equal(deleted.text, "root, edited");
  await assert.rejects(alice.client.v1.statuses.$select(root.id).fetch(), (e) => e.statusCode === 404);
});

test("masto.js schedules a status, lists it, moves it and cancels it", async () => {
  const alice = await signUp("planner");
  const at = new Date(Date.now() + 60 * 60 * 1000).toISOString();
  const scheduled = await alice.client.v1.statuses.create({ status: "later", scheduledAt: at });
  assert.equal(scheduled.params.text, "later");
  assert.equal(new Date(scheduled.scheduledAt).getTime(), new Date(at).getTime());

  const listed = await alice.client.v1.scheduledStatuses.list();
  assert.deepEqual(listed.map((s) => s.id), [scheduled.id]);

  const later = new Date(Date.now() + 2 * 60 * 60 * 1000).toISOString();
  const moved = await alice.client.v1.scheduledStatuses.$select(scheduled.id).update({ scheduledAt: later });
  assert.equal(new Date(moved.scheduledAt).getTime(), new Date(later).getTime());

  await alice.client.v1.scheduledStatuses.$select(scheduled.id).remove();
  assert.deepEqual(await alice.client.v1.scheduledStatuses.list(), []);
});
