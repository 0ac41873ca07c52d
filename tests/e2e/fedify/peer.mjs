// A real ActivityPub peer for the end-to-end tests: a Fedify 2.3.6 federation on 127.0.0.1 with
// one or more Person actors, that records everything it receives and reacts like a normal server
// (Follow → Accept, Undo(Follow), Accept, Create/Update/Delete of notes). Tests drive it in-process
// through `peer.control` (also served over HTTP under /_control/* for debugging).
//
// Outbound requests of every peer in this process pass through one fetch wrapper that logs them
// (`deliveries()`) and, when a peer is started with `signatureSpec`, refuses the other HTTP
// signature format so Fedify's double-knock cannot fall back to it.
import "./node20-shim.mjs";
import { createServer } from "node:http";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import {
  createExponentialBackoffPolicy,
  createFederation,
  generateCryptoKeyPair,
  InProcessMessageQueue,
  MemoryKvStore,
  signRequest,
} from "@fedify/fedify";
import {
  Accept,
  Activity,
  Announce,
  Create,
  Delete,
  Endpoints,
  Follow,
  isActor,
  Like,
  Mention,
  Note,
  Person,
  PUBLIC_COLLECTION,
  Reject,
  Tombstone,
  Undo,
  Update,
} from "@fedify/vocab";
// Fedify's own Temporal polyfill (a dependency of @fedify/vocab): vocabulary dates must be its Instants.
import { Temporal } from "@js-temporal/polyfill";

export const CAVAGE = "draft-cavage-http-signatures-12";
export const RFC9421 = "rfc9421";
export const PUBLIC = PUBLIC_COLLECTION.href;

const ACTIVITY_JSON = "application/activity+json";

// ---------------------------------------------------------------------------------------------
// Outbound fetch wrapper (one per process, shared by every peer).

const HOOK = Symbol.for("serverless.e2e.fedify-peer.original-fetch");
const peersByOrigin = new Map();

function originalFetch() {
  if (!globalThis[HOOK]) {
    const original = globalThis.fetch;
    globalThis[HOOK] = original;
    globalThis.fetch = function peerAwareFetch(input, init) {
      const headers = input instanceof Request ? input.headers : new Headers(init?.headers ?? {});
      const signature = signatureOf(headers);
      const peer = signature?.keyId ? peersByOrigin.get(originOf(signature.keyId)) : undefined;
      if (!peer) return original(input, init);
      return peer.outbound(input, init, signature, original);
    };
  }
  return globalThis[HOOK];
}

function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Which HTTP signature a request carries: RFC 9421 (Signature-Input) or draft-cavage (Signature). */
export function signatureOf(headers) {
  const input = headers.get("signature-input");
  if (input) return { spec: RFC9421, keyId: /keyid="([^"]*)"/i.exec(input)?.[1] ?? null };
  const signature = headers.get("signature");
  if (signature) return { spec: CAVAGE, keyId: /keyid="([^"]*)"/i.exec(signature)?.[1] ?? null };
  return null;
}

// ---------------------------------------------------------------------------------------------

function parseJson(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function firstType(json) {
  const type = json?.type;
  return Array.isArray(type) ? type[0] ?? null : type ?? null;
}

function idOf(value) {
  if (value == null) return null;
  if (typeof value === "string") return value;
  return typeof value.id === "string" ? value.id : null;
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let logConfigured = false;
async function configureLogging() {
  const level = process.env.FEDIFY_PEER_LOG;
  if (!level || logConfigured) return;
  logConfigured = true;
  try {
    const { configure, getConsoleSink } = await import("@logtape/logtape");
    await configure({
      sinks: { console: getConsoleSink() },
      loggers: [
        { category: "fedify", lowestLevel: level, sinks: ["console"] },
        { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
      ],
    });
  } catch (error) {
    console.error("FEDIFY_PEER_LOG: could not configure LogTape:", error);
  }
}

/**
 * Starts a Fedify peer on 127.0.0.1.
 *
 * @param {object} [options]
 * @param {number} [options.port] fixed port (default: a free one)
 * @param {string} [options.username="alice"] the main actor (`/users/{username}`), the default for every control call
 * @param {string[]} [options.users] more actors served by the same peer; act as them with `{ as: name }` or `peer.as(name)`
 * @param {"draft-cavage-http-signatures-12"|"rfc9421"} [options.signatureSpec] sign outbound requests ONLY with this
 *   HTTP signature format: Fedify knocks with it first, and the fetch wrapper refuses the fallback (logged as blocked)
 * @param {"draft-cavage-http-signatures-12"|"rfc9421"} [options.firstKnock] Fedify's own option: the first format
 *   tried for an origin, with fallback to the other on a 4xx/5xx (Fedify's default is rfc9421)
 * @param {boolean} [options.autoAccept=true] answer Follow with Accept; when false, use acceptFollow/rejectFollow
 * @param {boolean} [options.preferSharedInbox=false] deliver to recipients' shared inboxes when they have one
 * @param {boolean} [options.signedFetches=true] sign the peer's own GETs of remote actors/objects (like Mastodon)
 * @param {number} [options.maxDeliveryAttempts=3] queued deliveries (Accept, queue: true) are retried this often, fast
 * @param {number} [options.rsaModulusLength=2048] size of each actor's RSA key
 */
export async function startPeer({
  port,
  username = "alice",
  users: extraUsers = [],
  signatureSpec,
  firstKnock,
  autoAccept = true,
  preferSharedInbox = false,
  signedFetches = true,
  maxDeliveryAttempts = 3,
  rsaModulusLength = 2048,
} = {}) {
  for (const spec of [signatureSpec, firstKnock]) {
    if (spec != null && spec !== CAVAGE && spec !== RFC9421) throw new Error(`Unknown signature spec: ${spec}`);
  }
  await configureLogging();
  const fetchOriginal = originalFetch();
  const als = new AsyncLocalStorage();

  // --- state -------------------------------------------------------------------------------
  let seq = 0;
  const receivedLog = [];
  const requestLog = [];
  const deliveryLog = [];
  const errorLog = [];
  const notesReceived = new Map(); // object id → { json, actor, deleted }
  const sentById = new Map(); // activity id → { json, activity, recipients, user }
  const users = new Map();

  async function makeUser(name) {
    // 2048-bit RSA as Mastodon uses (Fedify's generateCryptoKeyPair makes 4096-bit keys, seconds
    // each on a loaded 2-core machine); each actor gets its own keys so a wrong key lookup fails.
    const [rsa, ed25519] = await Promise.all([
      crypto.subtle.generateKey(
        { name: "RSASSA-PKCS1-v1_5", modulusLength: rsaModulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
        true,
        ["sign", "verify"],
      ),
      generateCryptoKeyPair("Ed25519"),
    ]);
    return {
      name,
      keyPairs: [rsa, ed25519],
      followers: new Map(), // actor id → { id, inbox, sharedInbox, followId }
      pendingFollowers: new Map(), // actor id → { follow (Follow), recipient }
      following: new Map(), // actor id → { state, followId, recipient }
      notes: new Map(), // local note uuid → { note, recipients: [...] }
      outbox: [], // Activity objects for the outbox collection
    };
  }
  const names = [...new Set([username, ...extraUsers])];
  for (const name of names) if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Bad username: ${name}`);
  for (const user of await Promise.all(names.map(makeUser))) users.set(user.name, user);

  // --- HTTP server first, so the origin (and its port) is known --------------------------------
  let federation;
  let origin;
  const server = createServer((req, res) => {
    handleHttp(req, res).catch((error) => {
      errorLog.push({ at: new Date().toISOString(), where: "http", error: String(error?.stack ?? error) });
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  origin = `http://127.0.0.1:${actualPort}`;

  // --- federation ------------------------------------------------------------------------------
  const queue = new InProcessMessageQueue();
  federation = createFederation({
    kv: new MemoryKvStore(),
    // Inbound activities are processed inline (no inbox queue): when the sender gets its 202, the
    // activity is already recorded, and the listener runs inside the request (see `als`).
    queue: { outbox: queue, fanout: queue },
    manuallyStartQueue: true,
    origin,
    allowPrivateAddress: true,
    firstKnock: signatureSpec ?? firstKnock,
    outboxRetryPolicy: createExponentialBackoffPolicy({
      maxAttempts: maxDeliveryAttempts,
      initialDelay: { milliseconds: 200 },
      maxDelay: { seconds: 1 },
      jitter: false,
    }),
    circuitBreaker: false,
    onOutboxError: (error, activity) => {
      errorLog.push({
        at: new Date().toISOString(),
        where: "outbox",
        activityId: activity?.id?.href ?? null,
        error: String(error?.message ?? error),
      });
    },
  });

  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      if (!users.has(identifier)) return null;
      const keys = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: identifier[0].toUpperCase() + identifier.slice(1),
        summary: `<p>Fedify test peer ${escapeHtml(identifier)}</p>`,
        url: ctx.getActorUri(identifier),
        inbox: ctx.getInboxUri(identifier),
        outbox: ctx.getOutboxUri(identifier),
        followers: ctx.getFollowersUri(identifier),
        following: ctx.getFollowingUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: keys[0]?.cryptographicKey,
        assertionMethods: keys.map((k) => k.multikey),
        manuallyApprovesFollowers: !autoAccept,
        discoverable: true,
        published: Temporal.Instant.from("2024-01-01T00:00:00Z"),
      });
    })
    .setKeyPairsDispatcher((_ctx, identifier) => users.get(identifier)?.keyPairs ?? []);

  federation
    .setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) => {
      const user = users.get(identifier);
      if (!user) return null;
      return { items: [...user.followers.values()].map(recipientOf) };
    })
    .setCounter((_ctx, identifier) => users.get(identifier)?.followers.size ?? null);

  federation
    .setFollowingDispatcher("/users/{identifier}/following", (_ctx, identifier) => {
      const user = users.get(identifier);
      if (!user) return null;
      return {
        items: [...user.following.entries()].filter(([, f]) => f.state === "accepted").map(([id]) => new URL(id)),
      };
    })
    .setCounter((_ctx, identifier) => {
      const user = users.get(identifier);
      return user ? [...user.following.values()].filter((f) => f.state === "accepted").length : null;
    });

  federation
    .setOutboxDispatcher("/users/{identifier}/outbox", (_ctx, identifier) => {
      const user = users.get(identifier);
      return user ? { items: [...user.outbox].reverse() } : null;
    })
    .setCounter((_ctx, identifier) => users.get(identifier)?.outbox.length ?? null);

  federation.setObjectDispatcher(Note, "/users/{identifier}/notes/{id}", (_ctx, { identifier, id }) => {
    return users.get(identifier)?.notes.get(id)?.note ?? null;
  });

  federation
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .on(Activity, async (ctx, activity) => {
      const record = await recordReceived(ctx, activity, true, null);
      await react(ctx, activity, record);
    })
    .onUnverifiedActivity(async (ctx, activity, reason) => {
      await recordReceived(ctx, activity, false, reason);
      // returning nothing keeps Fedify's 401
    })
    .onError((_ctx, error) => {
      errorLog.push({ at: new Date().toISOString(), where: "inbox", error: String(error?.stack ?? error) });
    });

  const queueAbort = new AbortController();
  const queueRunning = federation.startQueue(undefined, { signal: queueAbort.signal }).catch((error) => {
    errorLog.push({ at: new Date().toISOString(), where: "queue", error: String(error?.stack ?? error) });
  });

  function context() {
    return federation.createContext(new URL(origin), undefined);
  }

  // --- inbound HTTP: node:http ⇄ Fetch bridge ---------------------------------------------------
  async function handleHttp(req, res) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url, `http://${req.headers.host ?? `127.0.0.1:${actualPort}`}`);

    if (url.pathname.startsWith("/_control/")) return controlHttp(url, req.method, body, res);

    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const text = body.length ? body.toString("utf8") : "";
    const entry = {
      seq: ++seq,
      at: new Date().toISOString(),
      method: req.method,
      path: url.pathname + url.search,
      accept: headers.get("accept"),
      contentType: headers.get("content-type"),
      userAgent: headers.get("user-agent"),
      signature: signatureOf(headers),
      digest: headers.get("digest"),
      contentDigest: headers.get("content-digest"),
      json: parseJson(text),
      status: null,
    };
    requestLog.push(entry);

    let response;
    const sent = req.method === "GET" && url.pathname.startsWith("/activities/") ? sentById.get(url.href) : undefined;
    if (sent) {
      response = new Response(JSON.stringify(sent.json), { headers: { "content-type": ACTIVITY_JSON } });
    } else {
      const request = new Request(url, {
        method: req.method,
        headers,
        body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
      });
      response = await als.run(entry, () => federation.fetch(request, { contextData: undefined }));
    }
    entry.status = response.status;
    const out = Buffer.from(await response.arrayBuffer());
    const outHeaders = {};
    response.headers.forEach((value, key) => (outHeaders[key] = value));
    res.writeHead(response.status, outHeaders);
    res.end(req.method === "HEAD" ? undefined : out);
  }

  // --- recording and reacting -------------------------------------------------------------------
  async function recordReceived(ctx, activity, verified, reason) {
    const http = als.getStore();
    const json = http?.json ?? (await activity.toJsonLd());
    const object = json?.object ?? null;
    const record = {
      seq: ++seq,
      at: new Date().toISOString(),
      type: firstType(json),
      id: json?.id ?? null,
      actor: idOf(json?.actor),
      objectId: idOf(Array.isArray(object) ? object[0] : object),
      objectType: object && typeof object === "object" ? firstType(object) : null,
      object,
      recipient: ctx.recipient ?? null,
      inbox: http?.path ?? null,
      verified,
      failure: reason ? reason.type ?? String(reason) : null,
      signature: http?.signature ?? null,
      ldSignature: json?.signature != null,
      proof: json?.proof != null,
      json,
    };
    receivedLog.push(record);
    return record;
  }

  function usersFor(record) {
    return record.recipient ? [users.get(record.recipient)].filter(Boolean) : [...users.values()];
  }

  async function react(ctx, activity, record) {
    if (activity instanceof Follow) {
      const target = activity.objectId ? ctx.parseUri(activity.objectId) : null;
      const user = target?.type === "actor" ? users.get(target.identifier) : undefined;
      if (!user) return;
      const follower = await activity.getActor(ctx);
      if (!follower?.id || !follower.inboxId) return;
      const recipient = recipientOf({
        id: follower.id.href,
        inbox: follower.inboxId.href,
        sharedInbox: follower.endpoints?.sharedInbox?.href ?? null,
      });
      if (!autoAccept) {
        user.pendingFollowers.set(follower.id.href, { follow: activity, recipient });
        return;
      }
      addFollower(user, follower.id.href, recipient, activity.id?.href ?? null);
      await sendQueued(user, recipient, new Accept({ id: newActivityId(), actor: ctx.getActorUri(user.name), object: activity }));
    } else if (activity instanceof Undo) {
      const objectId = record.objectId;
      for (const user of usersFor(record)) {
        for (const [id, follower] of user.followers) {
          if (id !== record.actor) continue;
          if (follower.followId === objectId || record.objectType === "Follow") user.followers.delete(id);
        }
        const pending = user.pendingFollowers.get(record.actor);
        if (pending && (pending.follow.id?.href === objectId || record.objectType === "Follow")) {
          user.pendingFollowers.delete(record.actor);
        }
      }
    } else if (activity instanceof Accept || activity instanceof Reject) {
      for (const user of usersFor(record)) {
        const following = user.following.get(record.actor);
        if (!following) continue;
        // Mastodon names the original Follow; accept others that only say who accepted.
        if (record.objectId && record.objectId !== following.followId && record.objectType !== "Follow") continue;
        if (activity instanceof Accept) {
          following.state = "accepted";
          following.acceptId = record.id;
        } else {
          following.state = "rejected";
          following.rejectId = record.id;
        }
      }
    } else if (activity instanceof Create || activity instanceof Update) {
      const object = record.object;
      if (object && typeof object === "object" && record.objectId) {
        notesReceived.set(record.objectId, { json: object, actor: record.actor, deleted: false, via: record.type });
      }
    } else if (activity instanceof Delete) {
      const note = record.objectId ? notesReceived.get(record.objectId) : undefined;
      if (note && note.actor === record.actor) note.deleted = true;
      if (record.objectId && record.objectId === record.actor) {
        for (const user of users.values()) {
          user.followers.delete(record.actor);
          user.following.delete(record.actor);
        }
      }
    }
    // Like, Announce and anything else: recorded only.
  }

  function addFollower(user, actorId, recipient, followId) {
    user.followers.set(actorId, {
      id: actorId,
      inbox: recipient.inboxId?.href ?? null,
      sharedInbox: recipient.endpoints?.sharedInbox?.href ?? null,
      followId,
    });
  }

  // --- outbound -------------------------------------------------------------------------------
  function recipientOf(f) {
    if (f.inboxId !== undefined) return f;
    return {
      id: new URL(f.id),
      inboxId: f.inbox ? new URL(f.inbox) : null,
      endpoints: f.sharedInbox ? { sharedInbox: new URL(f.sharedInbox) } : null,
    };
  }

  function newActivityId() {
    return new URL(`${origin}/activities/${randomUUID()}`);
  }

  function userOf(as) {
    const name = as ?? username;
    const user = users.get(name);
    if (!user) throw new Error(`No actor ${name} on this peer`);
    return user;
  }

  async function remember(user, activity, recipients) {
    const json = await activity.toJsonLd();
    sentById.set(activity.id.href, { json, activity, recipients, user: user.name });
    return json;
  }

  /** Sends now (the call fails if a recipient's inbox does) unless `queue: true`. */
  async function send(user, recipients, activity, opts = {}) {
    recipients = dedupe(Array.isArray(recipients) ? recipients : [recipients]);
    await remember(user, activity, recipients);
    if (recipients.length === 0) return;
    await context().sendActivity({ identifier: user.name }, recipients, activity, {
      immediate: opts.queue !== true,
      preferSharedInbox: opts.preferSharedInbox ?? preferSharedInbox,
    });
  }

  async function sendQueued(user, recipients, activity) {
    return send(user, recipients, activity, { queue: true });
  }

  function dedupe(recipients) {
    const seen = new Set();
    return recipients.filter((r) => {
      const key = r.id?.href ?? r.inboxId?.href;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  async function loaderFor(user) {
    const ctx = context();
    return signedFetches ? await ctx.getDocumentLoader({ identifier: user.name }) : ctx.documentLoader;
  }

  async function lookup(user, url) {
    const object = await context().lookupObject(String(url), { documentLoader: await loaderFor(user) });
    if (object == null) throw new Error(`Could not fetch ${url}`);
    return object;
  }

  async function lookupActor(user, url) {
    const actor = await lookup(user, url);
    if (!isActor(actor)) throw new Error(`${url} is not an actor`);
    if (!actor.inboxId) throw new Error(`${url} has no inbox`);
    return actor;
  }

  function followerRecipients(user) {
    return [...user.followers.values()].map(recipientOf);
  }

  // --- control API ------------------------------------------------------------------------------
  async function follow(target, opts = {}) {
    const user = userOf(opts.as);
    const actor = await lookupActor(user, target);
    const activity = new Follow({ id: newActivityId(), actor: context().getActorUri(user.name), object: actor.id });
    const entry = { state: "pending", followId: activity.id.href, recipient: actor };
    user.following.set(actor.id.href, entry);
    if (actor.id.href !== String(target)) user.following.set(String(target), entry);
    try {
      await send(user, actor, activity, opts);
    } catch (error) {
      entry.state = "failed";
      throw error;
    }
    return activity.id.href;
  }

  function followingEntry(user, target) {
    const entry = user.following.get(String(target));
    if (!entry) throw new Error(`${user.name} does not follow ${target}`);
    return entry;
  }

  async function unfollow(target, opts = {}) {
    const user = userOf(opts.as);
    const entry = followingEntry(user, target);
    const me = context().getActorUri(user.name);
    const original = sentById.get(entry.followId)?.activity ?? new Follow({ id: new URL(entry.followId), actor: me, object: entry.recipient.id });
    const undo = new Undo({ id: newActivityId(), actor: me, object: original });
    for (const [key, value] of user.following) if (value === entry) user.following.delete(key);
    await send(user, entry.recipient, undo, opts);
    return undo.id.href;
  }

  async function post(text, opts = {}) {
    const user = userOf(opts.as);
    const ctx = context();
    const to = opts.to ?? opts.visibility ?? "public";
    const mentioned = await Promise.all((opts.mentions ?? []).map((m) => lookupActor(user, m)));
    const me = ctx.getActorUri(user.name);
    const followersUri = ctx.getFollowersUri(user.name);
    const mentionIds = mentioned.map((a) => a.id);
    let tos;
    let ccs;
    if (to === "public") [tos, ccs] = [[PUBLIC_COLLECTION], [followersUri, ...mentionIds]];
    else if (to === "unlisted") [tos, ccs] = [[followersUri], [PUBLIC_COLLECTION, ...mentionIds]];
    else if (to === "followers") [tos, ccs] = [[followersUri], mentionIds];
    else if (to === "direct") [tos, ccs] = [mentionIds, []];
    else throw new Error(`Unknown audience: ${to}`);

    const handles = mentioned.map((a) => `@${a.preferredUsername ?? "someone"}@${a.id.host}`);
    const mentionHtml = mentioned
      .map((a, i) => `<span class="h-card"><a href="${escapeHtml(a.url instanceof URL ? a.url.href : a.id.href)}" class="u-url mention">${escapeHtml(handles[i])}</a></span> `)
      .join("");
    const localId = randomUUID();
    const noteId = ctx.getObjectUri(Note, { identifier: user.name, id: localId });
    const published = Temporal.Now.instant();
    const note = new Note({
      id: noteId,
      attribution: me,
      content: opts.html ?? `<p>${mentionHtml}${escapeHtml(text)}</p>`,
      url: noteId,
      tos,
      ccs,
      published,
      tags: mentioned.map((a, i) => new Mention({ href: a.id, name: handles[i] })),
      replyTarget: opts.inReplyTo ? new URL(opts.inReplyTo) : null,
      summary: opts.summary ?? null,
      sensitive: opts.sensitive ?? false,
    });
    const create = new Create({ id: new URL(`${noteId.href}/activity`), actor: me, object: note, tos, ccs, published });
    const recipients = to === "direct" ? mentioned : [...followerRecipients(user), ...mentioned];
    user.notes.set(localId, { note, mentioned });
    user.outbox.push(create);
    await send(user, recipients, create, opts);
    return noteId.href;
  }

  function localNote(user, noteId) {
    const parsed = context().parseUri(new URL(noteId));
    const entry = parsed?.type === "object" && parsed.values?.identifier === user.name ? user.notes.get(parsed.values.id) : undefined;
    if (!entry) throw new Error(`${noteId} is not a note of ${user.name}`);
    return { localId: parsed.values.id, entry };
  }

  async function updateNote(noteId, text, opts = {}) {
    const user = userOf(opts.as);
    const { entry } = localNote(user, noteId);
    const updated = Temporal.Now.instant();
    entry.note = entry.note.clone({ content: opts.html ?? `<p>${escapeHtml(text)}</p>`, updated });
    const update = new Update({
      id: newActivityId(),
      actor: context().getActorUri(user.name),
      object: entry.note,
      tos: entry.note.toIds,
      ccs: entry.note.ccIds,
      published: updated,
    });
    await send(user, [...followerRecipients(user), ...entry.mentioned], update, opts);
    return update.id.href;
  }

  async function deleteNote(noteId, opts = {}) {
    const user = userOf(opts.as);
    const { localId, entry } = localNote(user, noteId);
    user.notes.delete(localId);
    const del = new Delete({
      id: newActivityId(),
      actor: context().getActorUri(user.name),
      object: new Tombstone({ id: new URL(noteId) }),
      tos: entry.note.toIds,
      ccs: entry.note.ccIds,
    });
    await send(user, [...followerRecipients(user), ...entry.mentioned], del, opts);
    return del.id.href;
  }

  async function authorOf(user, objectUrl) {
    const object = await lookup(user, objectUrl);
    const authorId = object.attributionId ?? object.actorId;
    if (!authorId) throw new Error(`${objectUrl} names no author`);
    return lookupActor(user, authorId);
  }

  async function like(objectUrl, opts = {}) {
    const user = userOf(opts.as);
    const author = await authorOf(user, objectUrl);
    const activity = new Like({ id: newActivityId(), actor: context().getActorUri(user.name), object: new URL(objectUrl) });
    await send(user, author, activity, opts);
    return activity.id.href;
  }

  async function announce(objectUrl, opts = {}) {
    const user = userOf(opts.as);
    const ctx = context();
    const author = await authorOf(user, objectUrl);
    const activity = new Announce({
      id: newActivityId(),
      actor: ctx.getActorUri(user.name),
      object: new URL(objectUrl),
      tos: [PUBLIC_COLLECTION],
      ccs: [ctx.getFollowersUri(user.name), author.id],
      published: Temporal.Now.instant(),
    });
    user.outbox.push(activity);
    await send(user, [...followerRecipients(user), author], activity, opts);
    return activity.id.href;
  }

  /** Undoes an activity this peer sent (Like, Announce, Follow, …), to the same recipients. */
  async function undo(activityId, opts = {}) {
    const sent = sentById.get(String(activityId));
    if (!sent) throw new Error(`This peer did not send ${activityId}`);
    const user = userOf(opts.as ?? sent.user);
    if (sent.activity instanceof Follow) {
      for (const [key, value] of user.following) if (value.followId === String(activityId)) user.following.delete(key);
    }
    user.outbox = user.outbox.filter((a) => a.id?.href !== String(activityId));
    const activity = new Undo({ id: newActivityId(), actor: context().getActorUri(user.name), object: sent.activity });
    await send(user, sent.recipients, activity, opts);
    return activity.id.href;
  }

  async function acceptFollow(actorUrl, opts = {}) {
    const user = userOf(opts.as);
    const pending = user.pendingFollowers.get(String(actorUrl));
    if (!pending) throw new Error(`No pending follow from ${actorUrl}`);
    user.pendingFollowers.delete(String(actorUrl));
    addFollower(user, String(actorUrl), pending.recipient, pending.follow.id?.href ?? null);
    const accept = new Accept({ id: newActivityId(), actor: context().getActorUri(user.name), object: pending.follow });
    await send(user, pending.recipient, accept, opts);
    return accept.id.href;
  }

  async function rejectFollow(actorUrl, opts = {}) {
    const user = userOf(opts.as);
    const pending = user.pendingFollowers.get(String(actorUrl));
    const existing = user.followers.get(String(actorUrl));
    if (!pending && !existing) throw new Error(`No follow from ${actorUrl}`);
    user.pendingFollowers.delete(String(actorUrl));
    user.followers.delete(String(actorUrl));
    const followObject = pending?.follow ?? new URL(existing.followId ?? String(actorUrl));
    const recipient = pending?.recipient ?? recipientOf(existing);
    const reject = new Reject({ id: newActivityId(), actor: context().getActorUri(user.name), object: followObject });
    await send(user, recipient, reject, opts);
    return reject.id.href;
  }

  /**
   * One HTTP request signed by this peer's RSA key in exactly the given format (no double-knock),
   * or unsigned with `sign: false`. Bypasses the strict-spec filter; logged in deliveries().
   */
  async function signedFetch(url, opts = {}) {
    const user = userOf(opts.as);
    const method = opts.method ?? (opts.body !== undefined ? "POST" : "GET");
    const bodyText = opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    const headers = new Headers(opts.headers ?? {});
    if (!headers.has("accept")) headers.set("accept", `${ACTIVITY_JSON}, application/ld+json`);
    if (bodyText !== undefined && !headers.has("content-type")) headers.set("content-type", ACTIVITY_JSON);
    let request = new Request(String(url), { method, headers, body: bodyText });
    const spec = opts.spec ?? signatureSpec ?? CAVAGE;
    if (opts.sign !== false) {
      const [rsa] = await context().getActorKeyPairs(user.name);
      const keyId = opts.keyId ? new URL(opts.keyId) : rsa.keyId;
      request = await signRequest(request, rsa.privateKey, keyId, { spec });
    }
    const entry = logDelivery({
      method,
      url: String(url),
      spec: opts.sign === false ? null : spec,
      keyId: signatureOf(request.headers)?.keyId ?? null,
      json: parseJson(bodyText),
      raw: true,
    });
    try {
      const response = await fetchOriginal(request);
      const text = await response.text();
      entry.status = response.status;
      const responseHeaders = {};
      response.headers.forEach((value, key) => (responseHeaders[key] = value));
      return { status: response.status, headers: responseHeaders, text, json: parseJson(text) };
    } catch (error) {
      entry.error = String(error?.message ?? error);
      throw error;
    }
  }

  /** POSTs raw activity JSON to an inbox, signed as `signedFetch` does. → { status, headers, text, json } */
  async function deliver(inboxUrl, activityJson, opts = {}) {
    return signedFetch(inboxUrl, { ...opts, method: "POST", body: activityJson });
  }

  function logDelivery(fields) {
    const entry = {
      seq: ++seq,
      at: new Date().toISOString(),
      type: firstType(fields.json),
      activityId: fields.json?.id ?? null,
      status: null,
      blocked: false,
      error: null,
      raw: false,
      ...fields,
    };
    deliveryLog.push(entry);
    return entry;
  }

  function matches(record, filter = {}) {
    for (const [key, want] of Object.entries(filter)) {
      if (want === undefined) continue;
      if (typeof want === "function" ? !want(record[key], record) : record[key] !== want) return false;
    }
    return true;
  }

  function received(filter = {}) {
    return receivedLog.filter((r) => matches(r, filter));
  }

  async function waitFor(predicate, timeoutMs = 5000) {
    const check = typeof predicate === "function" ? predicate : () => received(predicate)[0];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline) {
        const seen = receivedLog.map((r) => `${r.type}${r.verified ? "" : "(unverified)"} from ${r.actor}`).join(", ") || "nothing";
        const failures = errorLog.map((e) => `${e.where}: ${e.error.split("\n")[0]}`).join("; ");
        throw new Error(
          `waitFor timed out after ${timeoutMs} ms` +
            (typeof predicate === "function" ? "" : ` for ${JSON.stringify(predicate)}`) +
            `; ${origin} received: ${seen}` +
            (failures ? `; errors: ${failures}` : ""),
        );
      }
      await sleep(20);
    }
  }

  function controlFor(as) {
    const withAs = (opts) => ({ ...opts, as: opts?.as ?? as });
    return {
      actorUrl: `${origin}/users/${as ?? username}`,
      follow: (target, opts) => follow(target, withAs(opts)),
      unfollow: (target, opts) => unfollow(target, withAs(opts)),
      post: (text, opts) => post(text, withAs(opts)),
      updateNote: (noteId, text, opts) => updateNote(noteId, text, withAs(opts)),
      deleteNote: (noteId, opts) => deleteNote(noteId, withAs(opts)),
      like: (objectUrl, opts) => like(objectUrl, withAs(opts)),
      announce: (objectUrl, opts) => announce(objectUrl, withAs(opts)),
      undo: (activityId, opts) => undo(activityId, withAs(opts)),
      acceptFollow: (actorUrl, opts) => acceptFollow(actorUrl, withAs(opts)),
      rejectFollow: (actorUrl, opts) => rejectFollow(actorUrl, withAs(opts)),
      followers: (opts) => [...userOf(withAs(opts).as).followers.keys()],
      pendingFollowers: (opts) => [...userOf(withAs(opts).as).pendingFollowers.keys()],
      following: (opts) => {
        const entries = [...userOf(withAs(opts).as).following.entries()];
        const ids = entries.filter(([id, f]) => f.state === "accepted" && id === f.recipient.id.href).map(([id]) => id);
        return [...new Set(ids)];
      },
      followingState: (target, opts) => userOf(withAs(opts).as).following.get(String(target))?.state ?? null,
      signedFetch: (url, opts) => signedFetch(url, withAs(opts)),
      deliver: (inboxUrl, json, opts) => deliver(inboxUrl, json, withAs(opts)),
      received,
      notes: () => [...notesReceived.entries()].map(([id, n]) => ({ id, ...n })),
      sent: () => [...sentById.values()].map((s) => s.json),
      deliveries: (filter = {}) => deliveryLog.filter((d) => matches(d, filter)),
      requests: (filter = {}) => requestLog.filter((r) => matches(r, filter)),
      errors: () => [...errorLog],
      waitFor,
      newActivityId: () => newActivityId().href,
    };
  }

  const control = controlFor(undefined);

  // --- outbound hook for this peer (called by the process-wide fetch wrapper) -------------------
  const peerHooks = {
    async outbound(input, init, signature, original) {
      const request = input instanceof Request ? input : new Request(input, init);
      const text = request.method === "GET" || request.method === "HEAD" ? "" : await request.clone().text();
      const entry = logDelivery({
        method: request.method,
        url: request.url,
        spec: signature.spec,
        keyId: signature.keyId,
        json: parseJson(text),
      });
      if (signatureSpec && signature.spec !== signatureSpec) {
        entry.blocked = true;
        entry.status = 401;
        return new Response(`fedify peer: only ${signatureSpec} signatures may leave this peer`, { status: 401 });
      }
      try {
        const response = await original(input, init);
        entry.status = response.status;
        return response;
      } catch (error) {
        entry.error = String(error?.message ?? error);
        throw error;
      }
    },
  };
  peersByOrigin.set(origin, peerHooks);

  // --- /_control/* over HTTP (debugging) --------------------------------------------------------
  async function controlHttp(url, method, body, res) {
    const params = Object.fromEntries(url.searchParams);
    const fromBody = method === "POST" ? parseJson(body.toString("utf8")) ?? {} : {};
    const p = { ...params, ...fromBody };
    const opts = { as: p.as, queue: p.queue === true || p.queue === "true" || undefined, spec: p.spec };
    const list = (v) => (v == null ? [] : Array.isArray(v) ? v : String(v).split(",").filter(Boolean));
    const c = controlFor(p.as);
    const filter = p.type ? { type: p.type } : {};
    const routes = {
      follow: () => c.follow(p.target, opts),
      unfollow: () => c.unfollow(p.target, opts),
      post: () => c.post(p.text ?? "", { ...opts, to: p.to, mentions: list(p.mentions) }),
      like: () => c.like(p.object, opts),
      announce: () => c.announce(p.object, opts),
      undo: () => c.undo(p.id, opts),
      received: () => c.received(filter),
      followers: () => c.followers(),
      following: () => c.following(),
      notes: () => c.notes(),
      sent: () => c.sent(),
      deliveries: () => c.deliveries(filter),
      requests: () => c.requests(),
      errors: () => c.errors(),
      deliver: () => c.deliver(p.inbox, p.activity, opts),
    };
    const name = url.pathname.slice("/_control/".length);
    const route = routes[name];
    let status = 200;
    let payload;
    if (!route) {
      status = 404;
      payload = { error: `unknown control ${name}; known: ${Object.keys(routes).join(", ")}` };
    } else {
      try {
        payload = { result: await route() };
      } catch (error) {
        status = 500;
        payload = { error: String(error?.message ?? error) };
      }
    }
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(payload, null, 2));
  }

  let closed = false;
  async function close() {
    if (closed) return;
    closed = true;
    peersByOrigin.delete(origin);
    queueAbort.abort();
    server.closeAllConnections?.();
    await new Promise((resolve) => server.close(() => resolve()));
    await queueRunning;
  }

  return {
    url: origin,
    origin,
    port: actualPort,
    username,
    actorUrl: `${origin}/users/${username}`,
    inboxUrl: `${origin}/users/${username}/inbox`,
    sharedInboxUrl: `${origin}/inbox`,
    actorUrlOf: (name) => `${origin}/users/${name}`,
    handle: `${username}@127.0.0.1:${actualPort}`,
    control,
    as: (name) => {
      userOf(name);
      return controlFor(name);
    },
    federation,
    close,
  };
}
