// Our server federating with a real Fedify 2.3.6 peer (tests/e2e/fedify/peer.mjs), all on 127.0.0.1
// (issue #4): the Fedify actor follows a local account and receives its posts; a local account
// follows the Fedify actor and her posts reach its home timeline; our server verifies both of
// Fedify's HTTP signature formats and refuses unsigned or wrongly signed activities; Fedify
// verifies ours; likes and announces raise notifications, and their undos take the favourite and
// the reblog back.
//
// The tests run in order and build on each other (who follows whom), as one federation story.
// Set FEDERATION_E2E_LOG=1 to print the server's log after the run.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { signRequest } from "@fedify/fedify";
import { startServer, eventually } from "./server.mjs";
import { signUpWithMasto } from "./masto-accounts.mjs";
import { startPeer, CAVAGE, RFC9421, PUBLIC } from "./fedify/peer.mjs";

const WAIT = 10_000; // queue work on our side, then an HTTP delivery
const T = { timeout: 30_000 };
const AS = "https://www.w3.org/ns/activitystreams";

let server;
let peer; // Fedify's defaults: RFC 9421 first, draft-cavage after a refusal; actors "fedi" and "mallory"
let cavagePeer; // signs with draft-cavage only
let rfcPeer; // signs with RFC 9421 only
let alice; // followed by the Fedify actors
let bob; // follows the Fedify actor
const actorOf = (username) => `${server.url}/users/${username}`;
const until = (fn) => eventually(fn, { timeoutMs: WAIT, intervalMs: 100 });

before(async () => {
  server = await startServer({
    ALLOW_PRIVATE_ADDRESSES: "true",
    DELIVERY_FIRST_RETRY_SECONDS: "1",
    Logging__LogLevel__Serverless: "Information",
  });
  [peer, cavagePeer, rfcPeer] = await Promise.all([
    startPeer({ username: "fedi", users: ["mallory"] }),
    startPeer({ username: "cav", signatureSpec: CAVAGE }),
    startPeer({ username: "rfc", signatureSpec: RFC9421 }),
  ]);
  alice = await signUpWithMasto(server.url, "alice");
  bob = await signUpWithMasto(server.url, "bob");
});

after(async () => {
  await Promise.all([peer?.close(), cavagePeer?.close(), rfcPeer?.close()]);
  if (process.env.FEDERATION_E2E_LOG) console.log(server?.output.join(""));
  await server?.stop();
});

/** Everything our server sent to a peer, as that peer recorded it. */
function fromUs(p) {
  return p.control.received({ actor: (actor) => actor?.startsWith(`${server.url}/`) });
}

const toList = (value) => (value == null ? [] : [value].flat());

async function notificationOf(client, predicate) {
  return until(async () => (await client.v1.notifications.list({ limit: 40 })).find(predicate));
}

test("the Fedify actor follows a local account: a verified Accept, then posts, a followers-only post and a delete arrive", T, async () => {
  const aliceActor = actorOf("alice");
  const followId = await peer.control.follow(aliceActor);

  const accept = await peer.control.waitFor({ type: "Accept", actor: aliceActor }, WAIT);
  assert.equal(accept.verified, true, "Fedify verified our Accept");
  assert.equal(accept.signature?.spec, CAVAGE, "we sign with draft-cavage");
  assert.equal(accept.signature?.keyId, `${aliceActor}#main-key`);
  assert.equal(accept.objectId, followId, "the Accept names the Follow");
  assert.equal(peer.control.followingState(aliceActor), "accepted");

  const followers = await until(async () => {
    const list = await alice.client.v1.accounts.$select(alice.account.id).followers.list();
    return list.length ? list : null;
  });
  assert.deepEqual(followers.map((a) => a.acct), [peer.handle]);
  assert.equal(followers[0].url, peer.actorUrl);
  const followNotification = await notificationOf(alice.client, (n) => n.type === "follow" && n.account.acct === peer.handle);
  assert.ok(followNotification);

  // A public post: Create(Note) to Fedify, with Mastodon's public addressing.
  const status = await alice.client.v1.statuses.create({ status: "Hello, Fedify! #interop", visibility: "public" });
  const create = await peer.control.waitFor({ type: "Create", objectId: status.uri }, WAIT);
  assert.equal(create.verified, true);
  assert.equal(create.signature?.spec, CAVAGE);
  assert.equal(create.actor, aliceActor);
  assert.equal(create.objectType, "Note");
  assert.equal(create.object.attributedTo, aliceActor);
  assert.equal(create.object.content, status.content);
  assert.match(create.object.content, /Hello, Fedify!/);
  assert.equal(create.object.url, status.url);
  assert.deepEqual(toList(create.object.to), [PUBLIC]);
  assert.deepEqual(toList(create.object.cc), [`${aliceActor}/followers`]);
  assert.deepEqual(toList(create.json.to), [PUBLIC]);
  assert.ok(toList(create.object.tag).some((t) => t.type === "Hashtag" && t.name === "#interop"));
  assert.ok(peer.control.notes().some((n) => n.id === status.uri && !n.deleted));

  // Followers-only: addressed to the followers collection, never to the public.
  const privateStatus = await alice.client.v1.statuses.create({ status: "Only for my followers", visibility: "private" });
  const privateCreate = await peer.control.waitFor({ type: "Create", objectId: privateStatus.uri }, WAIT);
  assert.equal(privateCreate.verified, true);
  assert.match(privateCreate.object.content, /Only for my followers/);
  assert.deepEqual(toList(privateCreate.object.to), [`${aliceActor}/followers`]);
  assert.ok(![...toList(privateCreate.object.to), ...toList(privateCreate.object.cc)].includes(PUBLIC));
  assert.ok(![...toList(privateCreate.json.to), ...toList(privateCreate.json.cc)].includes(PUBLIC));

  // A direct mention of the Fedify actor: addressed to it alone.
  const direct = await alice.client.v1.statuses.create({ status: `@${peer.handle} just for you`, visibility: "direct" });
  const directCreate = await peer.control.waitFor({ type: "Create", objectId: direct.uri }, WAIT);
  assert.equal(directCreate.verified, true);
  assert.deepEqual(toList(directCreate.object.to), [peer.actorUrl]);
  assert.ok(toList(directCreate.object.tag).some((t) => t.type === "Mention" && t.href === peer.actorUrl));

  // An edit arrives as Update(Note) with the new content.
  const edited = await alice.client.v1.statuses.$select(status.id).update({ status: "Hello again, Fedify! #interop" });
  const update = await peer.control.waitFor({ type: "Update", objectId: status.uri }, WAIT);
  assert.equal(update.verified, true);
  assert.equal(update.object.content, edited.content);
  assert.match(update.object.content, /Hello again, Fedify!/);
  assert.ok(update.object.updated, "an edited Note says when");

  // A delete arrives as Delete of the status's id.
  await alice.client.v1.statuses.$select(status.id).remove();
  const del = await peer.control.waitFor({ type: "Delete", objectId: status.uri }, WAIT);
  assert.equal(del.verified, true);
  assert.equal(del.actor, aliceActor);
  assert.ok(peer.control.notes().some((n) => n.id === status.uri && n.deleted));
});

test("a local account finds the Fedify actor by URL and by handle, follows it, and sees its posts and mentions", T, async () => {
  const bobActor = actorOf("bob");
  const found = await bob.client.v2.search.list({ q: peer.actorUrl, resolve: true });
  const remote = found.accounts.find((a) => a.url === peer.actorUrl);
  assert.ok(remote, `search resolved ${peer.actorUrl}: ${JSON.stringify(found.accounts.map((a) => a.acct))}`);
  assert.equal(remote.acct, peer.handle);
  assert.equal(remote.username, "fedi");
  assert.equal(remote.displayName, "Fedi");

  // WebFinger over http (ALLOW_PRIVATE_ADDRESSES) finds the same account.
  const byHandle = await bob.client.v2.search.list({ q: `@${peer.handle}`, resolve: true });
  assert.deepEqual(byHandle.accounts.map((a) => a.id), [remote.id]);

  const relationship = await bob.client.v1.accounts.$select(remote.id).follow();
  assert.ok(relationship.following || relationship.requested);
  const follow = await peer.control.waitFor({ type: "Follow", actor: bobActor }, WAIT);
  assert.equal(follow.verified, true, "Fedify verified our Follow");
  assert.equal(follow.signature?.spec, CAVAGE);
  assert.equal(follow.objectId, peer.actorUrl);
  await peer.control.waitFor(() => peer.control.followers().includes(bobActor), WAIT);
  await until(async () => {
    const [r] = await bob.client.v1.accounts.relationships.fetch({ id: [remote.id] });
    return r.following && !r.requested;
  });

  // A public post of the Fedify actor reaches bob's home timeline.
  const noteId = await peer.control.post("Hello from Fedify <3");
  const home = await until(async () => (await bob.client.v1.timelines.home.list({ limit: 20 })).find((s) => s.uri === noteId));
  assert.equal(home.account.acct, peer.handle);
  assert.equal(home.content, "<p>Hello from Fedify &lt;3</p>");
  assert.equal(home.visibility, "public");
  assert.equal(home.url, noteId);

  // A mention of bob raises a notification.
  const mentionId = await peer.control.post("are you there?", { mentions: [bobActor] });
  const mention = await notificationOf(bob.client, (n) => n.type === "mention" && n.status?.uri === mentionId);
  assert.equal(mention.account.acct, peer.handle);
  assert.ok(mention.status.mentions.some((m) => m.id === bob.account.id));
  assert.match(mention.status.content, /are you there\?/);
});

/** A Create(Note) by the Fedify actor, public, for raw deliveries. */
function rawCreate(text, { actor = peer.actorUrl } = {}) {
  const noteId = `${peer.url}/users/fedi/notes/${randomUUID()}`;
  return {
    "@context": AS,
    id: `${noteId}/activity`,
    type: "Create",
    actor,
    to: [PUBLIC],
    cc: [`${peer.actorUrl}/followers`],
    object: {
      id: noteId,
      type: "Note",
      attributedTo: actor,
      content: `<p>${text}</p>`,
      to: [PUBLIC],
      cc: [`${peer.actorUrl}/followers`],
      published: new Date().toISOString(),
    },
  };
}

async function inHome(client, noteId) {
  return (await client.v1.timelines.home.list({ limit: 40 })).find((s) => s.uri === noteId);
}

test("Fedify's strict draft-cavage and strict RFC 9421 senders are both accepted", T, async () => {
  const aliceActor = actorOf("alice");
  for (const p of [cavagePeer, rfcPeer]) {
    const spec = p === cavagePeer ? CAVAGE : RFC9421;
    await p.control.follow(aliceActor); // throws unless our inbox answered 2xx to that format
    const posts = p.control.deliveries({ method: "POST" });
    assert.deepEqual(posts.map((d) => [d.spec, d.status, d.blocked]), [[spec, 202, false]], `${spec}: accepted on the first knock`);
    const accept = await p.control.waitFor({ type: "Accept", actor: aliceActor }, WAIT);
    assert.equal(accept.verified, true);
    assert.equal(p.control.followingState(aliceActor), "accepted");
  }
  const followers = await alice.client.v1.accounts.$select(alice.account.id).followers.list();
  for (const p of [peer, cavagePeer, rfcPeer]) assert.ok(followers.some((a) => a.acct === p.handle), `${p.handle} follows alice`);

  // Fedify's default double-knock never needed its draft-cavage fallback with us.
  const defaultPosts = peer.control.deliveries({ method: "POST", raw: false, url: (u) => u.startsWith(server.url) });
  assert.ok(defaultPosts.length >= 2, "the Follow, the Accept of bob's follow, the posts");
  assert.ok(defaultPosts.every((d) => d.spec === RFC9421 && d.status === 202), JSON.stringify(defaultPosts.map((d) => [d.type, d.spec, d.status])));
});

test("raw deliveries signed in each format are accepted and take effect", T, async () => {
  const inboxes = { [CAVAGE]: `${actorOf("bob")}/inbox`, [RFC9421]: `${server.url}/inbox` };
  for (const spec of [CAVAGE, RFC9421]) {
    const activity = rawCreate(`signed with ${spec}`);
    const res = await peer.control.deliver(inboxes[spec], activity, { spec });
    assert.equal(res.status, 202, `${spec}: ${res.text}`);
    const status = await until(() => inHome(bob.client, activity.object.id));
    assert.equal(status.content, `<p>signed with ${spec}</p>`);
    assert.equal(status.account.acct, peer.handle);
  }
});

/** One request signed as the Fedify actor whose body is then changed (with or without a fixed-up digest). */
async function tamperedDelivery(inbox, activity, spec, { fixDigest }) {
  const ctx = peer.federation.createContext(new URL(peer.url), undefined);
  const [rsa] = await ctx.getActorKeyPairs("fedi");
  const original = JSON.stringify(activity);
  const signed = await signRequest(
    new Request(inbox, { method: "POST", headers: { "content-type": "application/activity+json" }, body: original }),
    rsa.privateKey,
    rsa.keyId,
    { spec },
  );
  const tampered = original.replace("</p>", " (changed in transit)</p>");
  assert.notEqual(tampered, original);
  const headers = new Headers(signed.headers);
  if (fixDigest) {
    const sha256 = createHash("sha256").update(tampered).digest("base64");
    if (spec === CAVAGE) headers.set("digest", `SHA-256=${sha256}`);
    else headers.set("content-digest", `sha-256=:${sha256}:`);
  }
  const res = await fetch(inbox, { method: "POST", headers, body: tampered });
  return { status: res.status, json: await res.json().catch(() => null) };
}

test("unsigned and wrongly signed activities are refused with 401 and leave nothing behind", T, async () => {
  const inbox = `${actorOf("bob")}/inbox`;
  const refused = [];
  const expect401 = async (label, send, reason) => {
    const activity = rawCreate(`refused: ${label}`);
    const res = await send(activity);
    assert.equal(res.status, 401, `${label}: ${JSON.stringify(res.json ?? res.text)}`);
    assert.equal(typeof res.json?.error, "string", `${label}: a Mastodon-style error body`);
    if (reason) assert.match(res.json.error, reason, `${label}: refused for the right reason`);
    refused.push(activity.object.id);
  };

  await expect401("unsigned", (a) => peer.control.deliver(inbox, a, { sign: false }), /sign/i);
  for (const spec of [CAVAGE, RFC9421]) {
    // Signed by another actor (her own key and key id) on the Fedify actor's behalf.
    await expect401(`${spec}, signed by another actor`, (a) => peer.control.deliver(inbox, a, { spec, as: "mallory" }), /actor/i);
    // The Fedify actor's key, but another actor's key id.
    await expect401(`${spec}, another actor's key id`, (a) =>
      peer.control.deliver(inbox, a, { spec, keyId: `${peer.actorUrlOf("mallory")}#main-key` }),
    );
    await expect401(`${spec}, tampered body`, (a) => tamperedDelivery(inbox, a, spec, { fixDigest: false }), /digest/i);
    await expect401(`${spec}, tampered body with a recomputed digest`, (a) => tamperedDelivery(inbox, a, spec, { fixDigest: true }), /^(?!.*digest)/i);
  }

  // A valid delivery afterwards goes through; none of the refused ones did.
  const valid = rawCreate("after the refusals");
  assert.equal((await peer.control.deliver(inbox, valid, { spec: CAVAGE })).status, 202);
  await until(() => inHome(bob.client, valid.object.id));
  const home = await bob.client.v1.timelines.home.list({ limit: 40 });
  for (const id of refused) assert.ok(!home.some((s) => s.uri === id), `${id} was refused`);
  const known = await bob.client.v2.search.list({ q: valid.object.id, type: "statuses", resolve: false });
  assert.deepEqual(known.statuses.map((s) => s.uri), [valid.object.id], "a known status is found by its URI");
  for (const id of refused) {
    const found = await bob.client.v2.search.list({ q: id, type: "statuses", resolve: false });
    assert.deepEqual(found.statuses, [], `${id} is unknown`);
  }
});

test("a Like from Fedify raises a favourite notification; its Undo removes the favourite", T, async () => {
  const status = await alice.client.v1.statuses.create({ status: "Like this, Fedify", visibility: "public" });
  await peer.control.waitFor({ type: "Create", objectId: status.uri }, WAIT);
  const likeId = await peer.control.like(status.uri);
  const notification = await notificationOf(alice.client, (n) => n.type === "favourite" && n.status?.id === status.id);
  assert.equal(notification.account.acct, peer.handle);
  assert.equal((await alice.client.v1.statuses.$select(status.id).fetch()).favouritesCount, 1);
  const favouritedBy = await alice.client.v1.statuses.$select(status.id).favouritedBy.list();
  assert.deepEqual(favouritedBy.map((a) => a.acct), [peer.handle]);

  await peer.control.undo(likeId);
  await until(async () => (await alice.client.v1.statuses.$select(status.id).fetch()).favouritesCount === 0);
});

test("an Announce from Fedify raises a reblog notification; its Undo removes the reblog", T, async () => {
  const status = await alice.client.v1.statuses.create({ status: "Boost this, Fedify", visibility: "public" });
  await peer.control.waitFor({ type: "Create", objectId: status.uri }, WAIT);
  const announceId = await peer.control.announce(status.uri);
  const notification = await notificationOf(alice.client, (n) => n.type === "reblog" && n.status?.id === status.id);
  assert.equal(notification.account.acct, peer.handle);
  assert.equal((await alice.client.v1.statuses.$select(status.id).fetch()).reblogsCount, 1);
  const rebloggedBy = await alice.client.v1.statuses.$select(status.id).rebloggedBy.list();
  assert.deepEqual(rebloggedBy.map((a) => a.acct), [peer.handle]);
  // bob follows the Fedify actor: her reblog is in his home timeline.
  const reblog = await until(async () =>
    (await bob.client.v1.timelines.home.list({ limit: 40 })).find((s) => s.reblog?.id === status.id),
  );
  assert.equal(reblog.account.acct, peer.handle);
  assert.equal(reblog.uri, announceId);

  await peer.control.undo(announceId);
  await until(async () => (await alice.client.v1.statuses.$select(status.id).fetch()).reblogsCount === 0);
  await until(async () => !(await bob.client.v1.timelines.home.list({ limit: 40 })).some((s) => s.reblog?.id === status.id));
});

test("unfollows both ways: Fedify's Undo(Follow) removes the follower, a local unfollow reaches Fedify", T, async () => {
  const aliceActor = actorOf("alice");
  const undoId = await rfcPeer.control.unfollow(aliceActor);
  assert.ok(undoId);
  await until(async () => {
    const followers = await alice.client.v1.accounts.$select(alice.account.id).followers.list();
    return !followers.some((a) => a.acct === rfcPeer.handle);
  });

  const bobActor = actorOf("bob");
  const [remote] = (await bob.client.v2.search.list({ q: peer.actorUrl, resolve: true })).accounts;
  await bob.client.v1.accounts.$select(remote.id).unfollow();
  const undo = await peer.control.waitFor({ type: "Undo", actor: bobActor }, WAIT);
  assert.equal(undo.verified, true);
  assert.equal(undo.objectType, "Follow");
  assert.equal(undo.objectId, peer.control.received({ type: "Follow", actor: bobActor })[0].id, "the Undo names our Follow");
  await peer.control.waitFor(() => !peer.control.followers().includes(bobActor), WAIT);

  // Alice's next post reaches her remaining Fedify followers, not the one that left.
  const status = await alice.client.v1.statuses.create({ status: "after an unfollow", visibility: "public" });
  await peer.control.waitFor({ type: "Create", objectId: status.uri }, WAIT);
  await cavagePeer.control.waitFor({ type: "Create", objectId: status.uri }, WAIT);
  assert.deepEqual(rfcPeer.control.received({ objectId: status.uri }), []);
});

test("Fedify verified everything our server sent, signed with draft-cavage", T, async () => {
  for (const p of [peer, cavagePeer, rfcPeer]) {
    const received = fromUs(p);
    assert.ok(received.length > 0);
    for (const r of received) {
      assert.equal(r.verified, true, `${r.type} ${r.id}: ${r.failure}`);
      assert.equal(r.signature?.spec, CAVAGE);
      assert.equal(r.signature?.keyId, `${r.actor}#main-key`);
    }
  }
});
