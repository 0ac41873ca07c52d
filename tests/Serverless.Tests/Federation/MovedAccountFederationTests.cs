using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Storage;
using Serverless.Tests.EndToEnd;
using static Serverless.Tests.Federation.TwoInstances;

namespace Serverless.Tests.Federation;

/// <summary>Mastodon's <c>moved</c> on the Account of a remote account that sent a <c>Move</c>.</summary>
public sealed class MovedAccountFederationTests : IAsyncLifetime
{
    private TwoInstances _pair = null!;

    public async Task InitializeAsync() => _pair = await TwoInstances.StartAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Fact]
    public async Task A_moved_account_shows_its_new_account_as_moved()
    {
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        var (_, bobAccount) = await _pair.Second.SignUpAsync("bob");
        var (_, newBobAccount) = await _pair.Second.SignUpAsync("newbob");
        var bobId = await InteractionsFederationTests.FollowAsync(alice, _pair.Second, "bob");
        var before = (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/accounts/{bobId}"))!;
        Assert.False(before.ContainsKey("moved"));

        // The new account names the old one, as Mastodon's account aliases do; then the old one moves.
        var bobActor = await SignedActor.OfAsync(_pair.Second, bobAccount);
        var secondStore = _pair.Second.Services.GetRequiredService<IDocumentStore>();
        var newBobStoredId = newBobAccount["id"]!.GetValue<string>();
        var stored = await secondStore.ReadAsync(Containers.Accounts, newBobStoredId, newBobStoredId, Serverless.Core.Json.StoreJsonContext.Default.AccountRecord, CancellationToken.None);
        await secondStore.UpsertAsync(Containers.Accounts, newBobStoredId, newBobStoredId, stored!.Value with { AlsoKnownAs = [bobActor.Uri] }, Serverless.Core.Json.StoreJsonContext.Default.AccountRecord, null, CancellationToken.None);
        var newBobUri = $"http://127.0.0.1:{_pair.Second.Port}/users/newbob";
        Assert.Equal(HttpStatusCode.Accepted, await bobActor.SendAsync(_pair.First, new JsonObject { ["id"] = bobActor.NewId("moves"), ["type"] = "Move", ["object"] = bobActor.Uri, ["target"] = newBobUri }));

        var shown = await StandaloneServer.EventuallyAsync(async () =>
            (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/accounts/{bobId}"))!["moved"] as JsonObject);
        Assert.Equal(Handle(_pair.Second, "newbob"), shown["acct"]!.GetValue<string>());
        Assert.Equal(newBobUri, shown["uri"]!.GetValue<string>());
        Assert.False(shown.ContainsKey("moved"));

        // The same on the other ways to get the account: by handle, several at once, and in a list of follows.
        var looked = (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/accounts/lookup?acct={Uri.EscapeDataString(Handle(_pair.Second, "bob"))}"))!;
        Assert.Equal(shown["id"]!.GetValue<string>(), looked["moved"]!["id"]!.GetValue<string>());
        var newBobId = shown["id"]!.GetValue<string>();
        var several = (await alice.GetFromJsonAsync<JsonArray>($"/api/v1/accounts?id[]={bobId}&id[]={newBobId}"))!;
        Assert.Equal(newBobId, several[0]!["moved"]!["id"]!.GetValue<string>());
        Assert.False(several[1]!.AsObject().ContainsKey("moved"));
    }
}
