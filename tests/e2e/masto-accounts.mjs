// Signing up through masto.js as a client does: register an app, take an app token with
// client_credentials, create the account, and return a client with the user's token.
import { createRestAPIClient, createOAuthAPIClient } from "masto";

export async function signUpWithMasto(url, username, { clientName = "e2e", scopes = "read write follow" } = {}) {
  const anonymous = createRestAPIClient({ url });
  const app = await anonymous.v1.apps.create({ clientName, redirectUris: "urn:ietf:wg:oauth:2.0:oob", scopes });
  const oauth = createOAuthAPIClient({ url });
  const appToken = await oauth.token.create({
    grantType: "client_credentials", clientId: app.clientId, clientSecret: app.clientSecret,
    redirectUri: "urn:ietf:wg:oauth:2.0:oob", scope: scopes,
  });
  const asApp = createRestAPIClient({ url, accessToken: appToken.accessToken });
  const token = await asApp.v1.accounts.create({ username, email: `${username}@example.com`, password: "correct horse battery staple", agreement: true, locale: "en" });
  const client = createRestAPIClient({ url, accessToken: token.accessToken });
  return { client, token: token.accessToken, account: await client.v1.accounts.verifyCredentials() };
}
