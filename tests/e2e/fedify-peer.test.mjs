// Self-test of the Fedify peer harness (tests/e2e/fedify/peer.mjs), independent of our server:
// two (or three) peers on 127.0.0.1 follow, accept, post, like, announce, update, delete and
// unfollow, and both HTTP signature formats are sent, verified and recorded.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { startPeer, CAVAGE, RFC9421, PUBLIC } from "./fedify/peer.mjs";

const WAIT = 5_000;
const T = { timeout: 15_000 };

let alice;
let bob;
before(async () => {
  alice = await startPeer({ username: "alice" });
  bob = await startPeer({ username: "bob", users: ["carol"] });
});
after(async () => {
  await alice?.close();
  await bob?.close();
});

test("the peer serves its actor with keys, WebFinger and its control API", T, async () => {
  const res = await fetch(alice.actorUrl, { headers: { accept: "application/activity+json" } });
  assert.equal(res.status, 200);
  const actor = await res.json();
  assert.equal(actor.id, alice.actorUrl);
  assert.equal(actor.type, "Person");
  assert.equal(actor.preferredUsername, "alice");
  assert.equal(actor.inbox, alice.inboxUrl);
  assert.equal(actor.endpoints.sharedInbox, alice.sharedInboxUrl);
  assert.equal(actor.followers, `${alice.actorUrl}/followers`);
  assert.equal(actor.publicKey.id, `${alice.actorUrl}#main-key`);
  assert.match(actor.publicKey.publicKeyPem, /BEGIN PUBLIC KEY/);
  assert.equal(actor.assertionMethod.length, 2, "RSA and Ed25519 multikeys");

  const wf = await fetch(`${alice.url}/.well-known/webfinger?resource=acct:${alice.handle}`);
  assert.equal(wf.status, 200);
  const jrd = await wf.json();
  assert.equal(jrd.links.find((l) => l.rel === "self").href, alice.actorUrl);

  const unsigned = await fetch(alice.inboxUrl, {
    method: "POST",
    headers: { "content-type": "application/activity+json" },
    body: JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id: `${bob.url}/x`, type: "Like", actor: bob.actorUrl, object: alice.actorUrl }),
  });
  assert.equal(unsigned.status, 401, "an unsigned activity is refused");

  const ctl = await fetch(`${alice.url}/_control/followers`);
  assert.deepEqual(await ctl.json(), { result: [] });
});

test("follow → Accept, post reaches the follower, unfollow removes the follower", T, async () => {
  const followId = await alice.control.follow(bob.actorUrl);
  assert.equal(alice.control.followingState(bob.actorUrl), "pending");

  const follow = await bob.control.waitFor({ type: "Follow", actor: alice.actorUrl }, WAIT);
  assert.equal(follow.id, followId);
  assert.equal(follow.verified, true);
  assert.equal(follow.recipient, "bob");
  assert.deepEqual(bob.control.followers(), [alice.actorUrl]);

  const accept = await alice.control.waitFor({ type: "Accept", actor: bob.actorUrl }, WAIT);
  assert.equal(accept.verified, true);
  assert.equal(accept.objectId, followId, "the Accept names the original Follow");
  assert.deepEqual(alice.control.following(), [bob.actorUrl]);

  const followers = await (await fetch(`${bob.actorUrl}/followers`, { headers: { accept: "application/activity+json" } })).json();
  assert.deepEqual(followers.orderedItems, [alice.actorUrl]);

  const noteId = await bob.control.post("Hello <alice> & everyone");
  const create = await alice.control.waitFor({ type: "Create", objectId: noteId }, WAIT);
  assert.equal(create.verified, true);
  assert.equal(create.actor, bob.actorUrl);
  assert.equal(create.objectType, "Note");
  assert.equal(create.object.content, "<p>Hello &lt;alice&gt; &amp; everyone</p>");
  assert.deepEqual([create.object.to].flat(), [PUBLIC]);
  assert.ok(alice.control.notes().some((n) => n.id === noteId && !n.deleted));

  // the Note is dereferenceable, as a server receiving it may check
  const fetched = await fetch(noteId, { headers: { accept: "application/activity+json" } });
  assert.equal(fetched.status, 200);
  assert.equal((await fetched.json()).id, noteId);

  const undoId = await alice.control.unfollow(bob.actorUrl);
  const undo = await bob.control.waitFor({ type: "Undo", id: undoId }, WAIT);
  assert.equal(undo.objectId, followId);
  assert.deepEqual(bob.control.followers(), []);
  assert.deepEqual(alice.control.following(), []);
});

test("mentions, followers-only posts, like, announce, update, delete and undo reach the right actors", T, async () => {
  const carol = bob.as("carol");
  await carol.follow(alice.actorUrl);
  await carol.waitFor(() => carol.following().includes(alice.actorUrl), WAIT);
  assert.deepEqual(alice.control.followers(), [carol.actorUrl]);

  const mentionId = await alice.control.post("hi bob", { to: "followers", mentions: [bob.actorUrl] });
  const toBob = await bob.control.waitFor({ type: "Create", objectId: mentionId, recipient: "bob" }, WAIT);
  assert.ok([toBob.object.tag].flat().some((t) => t.type === "Mention" && t.href === bob.actorUrl));
  assert.deepEqual([toBob.object.to].flat(), [`${alice.actorUrl}/followers`]);
  await bob.control.waitFor({ type: "Create", objectId: mentionId, recipient: "carol" }, WAIT);

  const likeId = await carol.like(mentionId);
  const like = await alice.control.waitFor({ type: "Like", id: likeId }, WAIT);
  assert.equal(like.objectId, mentionId);
  assert.equal(like.actor, carol.actorUrl);

  const announceId = await bob.control.announce(mentionId);
  const announce = await alice.control.waitFor({ type: "Announce", id: announceId }, WAIT);
  assert.equal(announce.objectId, mentionId);

  const unlikeId = await carol.undo(likeId);
  const unlike = await alice.control.waitFor({ type: "Undo", id: unlikeId }, WAIT);
  assert.equal(unlike.objectType, "Like");

  await alice.control.updateNote(mentionId, "hi bob, edited");
  await bob.control.waitFor(
    () => bob.control.notes().find((n) => n.id === mentionId && n.json.content === "<p>hi bob, edited</p>"),
    WAIT,
  );
  await alice.control.deleteNote(mentionId);
  await bob.control.waitFor(() => bob.control.notes().find((n) => n.id === mentionId && n.deleted), WAIT);
  assert.equal((await fetch(mentionId, { headers: { accept: "application/activity+json" } })).status, 404);
});

test("raw deliveries in each signature format are verified and recorded; unsigned ones are not", T, async () => {
  for (const spec of [CAVAGE, RFC9421]) {
    const id = alice.control.newActivityId();
    const res = await alice.control.deliver(bob.inboxUrl, { "@context": "https://www.w3.org/ns/activitystreams", id, type: "Like", actor: alice.actorUrl, object: `${bob.actorUrl}/notes/x` }, { spec });
    assert.equal(res.status, 202, `${spec}: ${res.text}`);
    const like = bob.control.received({ id })[0];
    assert.equal(like.verified, true);
    assert.equal(like.signature.spec, spec);
    assert.equal(like.signature.keyId, `${alice.actorUrl}#main-key`);
    const request = bob.control.requests({ path: "/users/bob/inbox" }).at(-1);
    assert.ok(spec === CAVAGE ? request.digest?.startsWith("SHA-256=") : request.contentDigest?.startsWith("sha-256="));
  }

  const id = alice.control.newActivityId();
  const res = await alice.control.deliver(bob.inboxUrl, { "@context": "https://www.w3.org/ns/activitystreams", id, type: "Like", actor: alice.actorUrl, object: `${bob.actorUrl}/notes/y` }, { sign: false });
  assert.equal(res.status, 401);
  const unverified = bob.control.received({ id })[0];
  assert.equal(unverified.verified, false);
  assert.equal(unverified.signature, null);
  assert.ok(unverified.failure);
});

/** An inbox that accepts only draft-cavage signatures (it checks the format, not the signature). */
async function cavageOnlyServer() {
  const posts = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const base = `http://127.0.0.1:${server.address().port}`;
    if (req.method === "GET" && req.url === "/users/dave") {
      res.writeHead(200, { "content-type": "application/activity+json" });
      res.end(JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id: `${base}/users/dave`, type: "Person", preferredUsername: "dave", inbox: `${base}/users/dave/inbox` }));
    } else if (req.method === "POST" && req.url === "/users/dave/inbox") {
      const spec = req.headers["signature-input"] ? RFC9421 : req.headers.signature ? CAVAGE : null;
      posts.push(spec);
      res.writeHead(spec === CAVAGE ? 202 : 401);
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { actorUrl: `http://127.0.0.1:${server.address().port}/users/dave`, posts, close: () => new Promise((r) => server.close(r)) };
}

test("signature formats: default double-knock, forced draft-cavage, forced RFC 9421", T, async () => {
  const dave = await cavageOnlyServer();
  const peers = [];
  try {
    // Fedify's default: RFC 9421 first, then draft-cavage after the 401; the format is remembered.
    const knocking = await startPeer({ username: "erin" });
    peers.push(knocking);
    await knocking.control.follow(dave.actorUrl);
    assert.deepEqual(dave.posts, [RFC9421, CAVAGE]);
    await knocking.control.unfollow(dave.actorUrl);
    assert.deepEqual(dave.posts, [RFC9421, CAVAGE, CAVAGE], "the working format is remembered per origin");
    assert.deepEqual(
      knocking.control.deliveries({ method: "POST" }).map((d) => [d.spec, d.status]),
      [[RFC9421, 401], [CAVAGE, 202], [CAVAGE, 202]],
    );

    // Forced draft-cavage: the only format sent.
    dave.posts.length = 0;
    const cavage = await startPeer({ username: "frank", signatureSpec: CAVAGE });
    peers.push(cavage);
    await cavage.control.follow(dave.actorUrl);
    assert.deepEqual(dave.posts, [CAVAGE]);
    assert.ok(cavage.control.deliveries().every((d) => d.spec === CAVAGE));

    // Forced RFC 9421: the fallback is refused (logged as blocked), so the delivery fails.
    dave.posts.length = 0;
    const rfc = await startPeer({ username: "grace", signatureSpec: RFC9421 });
    peers.push(rfc);
    await assert.rejects(rfc.control.follow(dave.actorUrl));
    assert.deepEqual(dave.posts, [RFC9421]);
    assert.deepEqual(
      rfc.control.deliveries({ method: "POST" }).map((d) => [d.spec, d.status, d.blocked]),
      [[RFC9421, 401, false], [CAVAGE, 401, true]],
    );
    assert.equal(rfc.control.followingState(dave.actorUrl), "failed");

    // Between two Fedify peers a forced format is verified as such.
    await cavage.control.follow(bob.actorUrl);
    const follow = await bob.control.waitFor({ type: "Follow", actor: cavage.actorUrl }, WAIT);
    assert.equal(follow.signature.spec, CAVAGE);
    assert.equal(follow.verified, true);
    await cavage.control.waitFor({ type: "Accept", actor: bob.actorUrl }, WAIT);
  } finally {
    for (const p of peers) await p.close();
    await dave.close();
  }
});
