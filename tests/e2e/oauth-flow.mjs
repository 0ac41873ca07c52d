// Helpers for the OAuth end-to-end tests: sign-up through the API, PKCE values, and the
// authorization pages driven by plain HTTP (as a user's browser would, cookies and all).
import { createHash, randomBytes } from "node:crypto";

export const PASSWORD = "a long enough password";

async function postJson(url, body, token) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/** Registers an app, gets an app token and signs a user up (email `${username}@example.com`); returns the user's token. */
export async function signUp(baseUrl, username) {
  const app = await postJson(`${baseUrl}/api/v1/apps`, { client_name: "sign-up", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read write" });
  const appToken = await postJson(`${baseUrl}/oauth/token`, {
    grant_type: "client_credentials",
    client_id: app.client_id,
    client_secret: app.client_secret,
    scope: "read write",
  });
  const user = await postJson(
    `${baseUrl}/api/v1/accounts`,
    { username, email: `${username}@example.com`, password: PASSWORD, agreement: true },
    appToken.access_token,
  );
  return user.access_token;
}

export async function registerApp(baseUrl, redirectUris, scopes = "read write follow push") {
  return postJson(`${baseUrl}/api/v1/apps`, { client_name: "OAuth e2e", redirect_uris: redirectUris, scopes });
}

export function pkce() {
  const verifier = randomBytes(48).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** A tiny cookie jar: enough for the host-only, path-scoped cookies of the authorization pages. */
class CookieJar {
  #cookies = new Map();
  store(res) {
    for (const header of res.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const eq = pair.indexOf("=");
      this.#cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
  header() {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

const decode = (s) =>
  s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** The hidden and text inputs of the form with this id. */
export function formFields(html, id) {
  const form = html.match(new RegExp(`<form[^>]*id="${id}"[^>]*>([\\s\\S]*?)</form>`));
  if (!form) throw new Error(`No form "${id}" in:\n${html}`);
  const fields = {};
  for (const [input] of form[1].matchAll(/<input[^>]*>/g)) {
    const name = input.match(/\sname="([^"]*)"/)?.[1];
    const type = input.match(/\stype="([^"]*)"/)?.[1];
    if (name && (type === "hidden" || type === "text")) fields[name] = decode(input.match(/\svalue="([^"]*)"/)?.[1] ?? "");
  }
  return fields;
}

/**
 * Drives /oauth/authorize by plain HTTP: fetches the sign-in page, posts the credentials with the
 * anti-forgery token and cookies, approves on the consent page, and returns where the browser is
 * sent (for the out-of-band URI, the code read from the page that shows it).
 */
export async function authorizeOverHttp(authorizeUrl, login, password = PASSWORD) {
  const jar = new CookieJar();
  const origin = new URL(authorizeUrl).origin;
  const get = async (url) => {
    const res = await fetch(new URL(url, origin), { redirect: "manual", headers: { cookie: jar.header() } });
    jar.store(res);
    return res;
  };
  const post = async (fields) => {
    const res = await fetch(`${origin}/oauth/authorize`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: jar.header(), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields),
    });
    jar.store(res);
    return res;
  };

  const signIn = await get(authorizeUrl);
  if (signIn.status !== 200) throw new Error(`The sign-in page answered ${signIn.status}: ${await signIn.text()}`);
  const signedIn = await post({ ...formFields(await signIn.text(), "sign-in"), login, password });
  if (signedIn.status !== 303) throw new Error(`Signing in answered ${signedIn.status}: ${await signedIn.text()}`);
  const consent = await get(signedIn.headers.get("location"));
  const approved = await post({ ...formFields(await consent.text(), "consent"), decision: "approve" });
  if (approved.status !== 302) throw new Error(`Approving answered ${approved.status}: ${await approved.text()}`);
  const location = approved.headers.get("location");
  if (!location.startsWith("/oauth/authorize/native")) return { location };

  const page = await (await get(location)).text();
  const code = page.match(/<input[^>]*id="authorization-code"[^>]*>/)?.[0].match(/\svalue="([^"]*)"/)?.[1];
  if (!code) throw new Error(`No code on the out-of-band page:\n${page}`);
  return { location, code: decode(code) };
}
