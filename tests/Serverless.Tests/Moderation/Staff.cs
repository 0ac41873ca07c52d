using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Accounts;
using Serverless.Core.Json;
using Serverless.Core.Storage;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Moderation;

/// <summary>Signs up staff: an account whose login gets a moderator or admin role in the store, as the admin command sets it.</summary>
internal static class Staff
{
    public const string Scopes = "read write follow push admin:read admin:write";

    public static async Task<(HttpClient Client, JsonObject Account)> SignUpAsync(StandaloneServer server, string username, UserRole role = UserRole.Admin)
    {
        var (client, account) = await server.SignUpAsync(username, Scopes);
        var store = server.Services.GetRequiredService<IDocumentStore>();
        var id = account["id"]!.GetValue<string>();
        var user = (await store.ReadAsync(Containers.Users, id, id, StoreJsonContext.Default.UserRecord, CancellationToken.None))!.Value;
        await store.UpsertAsync(Containers.Users, id, id, user with { Role = role }, StoreJsonContext.Default.UserRecord, ifMatch: null, CancellationToken.None);
        return (client, account);
    }
}
