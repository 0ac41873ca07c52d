// Streaming through real client libraries: masto.js (token as the WebSocket subprotocol, streams
// chosen by subscribe frames) and megalodon (token and stream in the query, the URL from the v1
// instance's urls.streaming_api) receive an update when a followed account posts, a notification
// when mentioned, and nothing from an account they mute or block.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createStreamingAPIClient } from "masto";
import generator from "megalodon";
import { startServer, eventually } from "./server.mjs";
import { signUpWithMasto } from "./masto-accounts.mjs";

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

/** Runs through an async iterable in the background, keeping every event (or the error that ended it). */
function collect(iterable) {
  const events = [];
  (async () => {
    try {
      for await (const event of iterable) events.push(event);
    } catch (error) {
      events.push({ event: "error", error });
    }
  })();
  return events;
}

/** Waits for an event that matches (generous bound: posting goes through the fanout queue). */
const waitFor = (events, match) => eventually(() => events.find(match), { timeoutMs: 10_000 });

const contains = (event, name, text) => event.event === name && event.payload?.content?.includes(text);

test("masto.js receives updates and notifications on its user stream, and nothing from muted or blocked accounts", async () => {
  const alice = await signUpWithMasto(server.url, "alice");
  const bob = await signUpWithMasto(server.url, "bob");
  const carol = await signUpWithMasto(server.url, "carol");
  const dave = await signUpWithMasto(server.url, "dave");
  for (const other of [bob, carol, dave]) {
    await alice.client.v1.accounts.$select(other.account.id).follow();
  }

  // Elk and others stream only when the instance names a streaming URL.
  const instance = await alice.client.v2.instance.fetch();
  assert.equal(instance.configuration.urls.streaming, server.url.replace("http://", "ws://"));

  const streaming = createStreamingAPIClient({ streamingApiUrl: instance.configuration.urls.streaming, accessToken: alice.token, retry: false });
  try {
    const events = collect(streaming.user.subscribe());

    // The subscribe frame goes out once connected: Alice's own posts stream to her until one arrives.
    await eventually(async () => {
      await alice.client.v1.statuses.create({ status: "Ready?" });
      await new Promise((r) => setTimeout(r, 200));
      return events.find((e) => contains(e, "update", "Ready?"));
    });

    const started = Date.now();
    const posted = await bob.client.v1.statuses.create({ status: "Hello streaming world" });
    const update = await waitFor(events, (e) => contains(e, "update", "Hello streaming world"));
    assert.deepEqual(update.stream, ["user"]);
    assert.equal(update.payload.id, posted.id);
    assert.equal(update.payload.account.acct, "bob");
    assert.ok(Date.now() - started < 10_000);

    await carol.client.v1.statuses.create({ status: "@alice are you there?" });
    const notification = await waitFor(events, (e) => e.event === "notification");
    assert.equal(notification.payload.type, "mention");
    assert.equal(notification.payload.account.acct, "carol");
    assert.match(notification.payload.status.content, /are you there/);

    // Muting Bob and blocking Carol: their posts no longer stream; Dave's still does.
    await alice.client.v1.accounts.$select(bob.account.id).mute();
    await alice.client.v1.accounts.$select(carol.account.id).block();
    await new Promise((r) => setTimeout(r, 1200));
    await bob.client.v1.statuses.create({ status: "Bob while muted" });
    await carol.client.v1.statuses.create({ status: "Carol while blocked @alice" });
    await dave.client.v1.statuses.create({ status: "Dave as usual" });
    await waitFor(events, (e) => contains(e, "update", "Dave as usual"));
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!events.some((e) => JSON.stringify(e.payload ?? "").includes("while muted")), "nothing from the muted account");
    assert.ok(!events.some((e) => JSON.stringify(e.payload ?? "").includes("while blocked")), "nothing from the blocked account");
    assert.ok(!events.some((e) => e.event === "error"), JSON.stringify(events.filter((e) => e.event === "error").map((e) => String(e.error))));
  } finally {
    streaming.close();
  }
});

test("megalodon receives updates and notifications on its user stream", async () => {
  const erin = await signUpWithMasto(server.url, "erin");
  const frank = await signUpWithMasto(server.url, "frank");
  await erin.client.v1.accounts.$select(frank.account.id).follow();

  const client = generator("mastodon", server.url, erin.token);
  const stream = await client.userStreaming();
  const events = [];
  stream.on("update", (status) => events.push({ event: "update", payload: status }));
  stream.on("notification", (notification) => events.push({ event: "notification", payload: notification }));
  const errors = [];
  stream.on("error", (error) => errors.push(error));
  try {
    await eventually(async () => {
      await erin.client.v1.statuses.create({ status: "Megalodon ready?" });
      await new Promise((r) => setTimeout(r, 200));
      return events.find((e) => contains(e, "update", "Megalodon ready?"));
    });

    await frank.client.v1.statuses.create({ status: "Frank posts for megalodon" });
    const update = await waitFor(events, (e) => contains(e, "update", "Frank posts for megalodon"));
    assert.equal(update.payload.account.acct, "frank");

    await frank.client.v1.statuses.create({ status: "@erin a mention for megalodon" });
    const notification = await waitFor(events, (e) => e.event === "notification");
    assert.equal(notification.payload.type, "mention");
    assert.equal(notification.payload.account.acct, "frank");
    assert.deepEqual(errors, []);
  } finally {
    stream.stop();
  }
});
