using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serverless.ActivityPub.Http;
using Serverless.ActivityPub.Json;
using Serverless.Core.Accounts;
using Serverless.Core.Configuration;
using Serverless.Core.Json;
using Serverless.Core.Queues;
using Serverless.Core.Storage;

namespace Serverless.ActivityPub.Resolver;

/// <summary>
/// The one way to learn about remote actors and objects: read what we know, fetch what we don't
/// (or what is stale, or whose key failed), check that every document comes from the origin its id
/// names, and save actors as accounts. Local URIs are never fetched.
/// </summary>
public sealed partial class ActivityPubResolver(
    FederationHttpClient http,
    AccountService accounts,
    IDocumentStore store,
    IWorkQueue queue,
    InstanceOptions options,
    TimeProvider time,
    Core.Moderation.DomainBlockService domainBlocks,
    Core.Moderation.AccountModerationService moderation,
    ILogger<ActivityPubResolver> logger)
{
    /// <summary>Remote profiles older than this are fetched again when next needed.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromDays(1);

    /// <summary>Whether a URI names something on this server.</summary>
    public bool IsLocal(string? uri) => uri is not null && uri.StartsWith(options.BaseUrl + "/", StringComparison.Ordinal);

    /// <summary>The account of an actor URI: known and fresh, or fetched and saved. Null when it cannot be had.</summary>
    public async Task<AccountRecord?> ResolveActorAsync(string uri, bool refresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var known = await accounts.FindByUriAsync(uri, cancellationToken);
        if (known is not null && (known.IsLocal || (!refresh && known.LastFetchedAt is { } fetched && time.GetUtcNow() - fetched < StaleAfter)))
        {
            return known;
        }

        if (IsLocal(uri))
        {
            return known;
        }

        var document = await FetchAsync(uri, cancellationToken);
        return document is null ? known : await SaveActorAsync(document, cancellationToken) ?? known;
    }

    /// <summary>A known account by actor URI, without fetching.</summary>
    public Task<AccountRecord?> FindActorAsync(string uri, CancellationToken cancellationToken) => accounts.FindByUriAsync(uri, cancellationToken);

    /// <summary>
    /// The account a signature's key id belongs to, with that key. Mastodon's ids are <c>{actor}#main-key</c>;
    /// others serve the key as its own document with an <c>owner</c>. <paramref name="refresh"/> refetches (keys rotate).
    /// </summary>
    public async Task<AccountRecord?> ResolveKeyOwnerAsync(string keyId, bool refresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        var key = LookupKeys.Uri(keyId);
        if (!refresh && await store.ReadAsync(Containers.Lookups, key, key, StoreJsonContext.Default.LookupRecord, cancellationToken) is { } lookup
            && await accounts.GetAsync(lookup.Value.TargetId, cancellationToken) is { PublicKeyPem: not null } indexed)
        {
            return indexed;
        }

        var hash = keyId.IndexOf('#', StringComparison.Ordinal);
        var actorUri = hash > 0 ? keyId[..hash] : keyId;
        var account = await ResolveActorAsync(actorUri, refresh, cancellationToken);
        if (account is null && hash < 0 && !IsLocal(keyId))
        {
            // A separate key document names its owner.
            var keyDocument = await FetchAsync(keyId, cancellationToken);
            if (Ld.String(keyDocument, "owner") is { } owner && Ld.SameOrigin(owner, keyId))
            {
                account = await ResolveActorAsync(owner, refresh, cancellationToken);
            }
        }

        if (account is null || account.PublicKeyId != keyId || account.PublicKeyPem is null)
        {
            return account?.IsLocal == true ? account : null;
        }

        await store.UpsertAsync(Containers.Lookups, key, key, new LookupRecord(key, account.Id), StoreJsonContext.Default.LookupRecord, ifMatch: null, cancellationToken);
        return account;
    }

    /// <summary>A remote account by handle, through WebFinger; known accounts are not looked up again unless stale.</summary>
    public async Task<AccountRecord?> ResolveHandleAsync(string username, string domain, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(username);
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        if (accounts.IsLocalDomain(domain))
        {
            return await accounts.FindLocalAsync(username, cancellationToken);
        }

        if (await accounts.FindRemoteAsync(username, domain, cancellationToken) is { } known && known.LastFetchedAt is { } fetched && time.GetUtcNow() - fetched < StaleAfter)
        {
            return known;
        }

        if (await domainBlocks.IsSuspendedAsync(domain.ToLowerInvariant(), cancellationToken))
        {
            return await accounts.FindRemoteAsync(username, domain, cancellationToken);
        }

        var resource = Uri.EscapeDataString($"acct:{username}@{domain}");
        foreach (var scheme in WebFingerSchemes())
        {
            FederationHttpClient.FetchResult result;
            try
            {
                result = await http.GetPlainJsonAsync($"{scheme}://{domain}/.well-known/webfinger?resource={resource}", cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                LogFetchFailed(logger, ex, domain);
                continue;
            }

            if (result.Document?["links"] is JsonArray links)
            {
                var self = links.OfType<JsonObject>().FirstOrDefault(l => Ld.String(l, "rel") == "self" && Ld.String(l, "type") is { } t && (t.Contains("activity+json", StringComparison.Ordinal) || t.Contains("ld+json", StringComparison.Ordinal)));
                if (Ld.String(self, "href") is { } href)
                {
                    return await ResolveActorAsync(href, refresh: true, cancellationToken);
                }
            }
        }

        return await accounts.FindRemoteAsync(username, domain, cancellationToken);
    }

    /// <summary>
    /// Fetches a remote document by id and checks that the id it carries is the one asked for, or at
    /// least from the same origin as where it was finally served (after redirects). Null on any failure.
    /// </summary>
    public async Task<JsonObject?> FetchAsync(string uri, CancellationToken cancellationToken)
    {
        if (IsLocal(uri) || Ld.Origin(uri) is null || await domainBlocks.IsSuspendedAsync(Ld.Authority(uri), cancellationToken))
        {
            return null;
        }

        try
        {
            var result = await http.GetActivityAsync(uri, cancellationToken);
            if (result.Status != HttpStatusCode.OK || result.Document is not { } document)
            {
                LogFetchRefused(logger, uri, (int)result.Status);
                return null;
            }

            var id = Ld.String(document, "id");
            if (id is null || !Ld.SameOrigin(id, result.FinalUrl.ToString()) || !Ld.SameOrigin(id, uri))
            {
                LogOriginMismatch(logger, uri, id);
                return null;
            }

            return document;
        }
        catch (HttpRequestException ex)
        {
            LogFetchFailed(logger, ex, uri);
            return null;
        }
    }

    /// <summary>Saves an actor document that was fetched from its own origin or arrived signed by it.</summary>
    public async Task<AccountRecord?> SaveActorAsync(JsonObject document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (ActorMapper.ToAccount(document, time.GetUtcNow()) is not { } fetched || IsLocal(fetched.Uri))
        {
            return null;
        }

        var isNew = await accounts.FindByUriAsync(fetched.Uri, cancellationToken) is null;
        var saved = await accounts.SaveRemoteAsync(fetched, cancellationToken);
        // Indexed for moderators (accounts cached before the index existed join it at their next refresh), and
        // limited or suspended at once when its domain is.
        saved = await moderation.RemoteAccountSeenAsync(saved, await domainBlocks.PolicyAsync(saved.Domain, cancellationToken), cancellationToken);
        if (isNew && saved.OutboxUrl is not null)
        {
            // A newly seen account's profile shows recent posts, as on its own server (fetched in the background).
            await queue.SendJsonAsync(QueueNames.Pull, new PullMessage(PullKinds.Outbox, saved.Id), FederationJsonContext.Default.PullMessage, cancellationToken);
        }

        if (saved.PublicKeyId is { } keyId)
        {
            var key = LookupKeys.Uri(keyId);
            await store.UpsertAsync(Containers.Lookups, key, key, new LookupRecord(key, saved.Id), StoreJsonContext.Default.LookupRecord, ifMatch: null, cancellationToken);
        }

        return saved;
    }

    // Remote servers are https; plain http is tried only where private addresses are allowed (local tests).
    private string[] WebFingerSchemes() => options.AllowPrivateAddresses ? ["https", "http"] : ["https"];

    [LoggerMessage(Level = LogLevel.Information, Message = "Fetching {Target} failed")]
    private static partial void LogFetchFailed(ILogger logger, Exception exception, string target);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fetching {Uri} answered {Status}")]
    private static partial void LogFetchRefused(ILogger logger, string uri, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Uri} served a document with the id {Id} from another origin; ignored")]
    private static partial void LogOriginMismatch(ILogger logger, string uri, string? id);
}
