using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serverless.ActivityPub.Json;
using Serverless.ActivityPub.Resolver;
using Serverless.ActivityPub.Signatures;
using Serverless.Core.Accounts;
using Serverless.Core.Queues;
using Serverless.Core.Storage;

namespace Serverless.ActivityPub.Inbox;

/// <summary>
/// What an inbox does with a POST, as Mastodon's inboxes controller: parse, verify the signature
/// against the actor's key (refetched once if it fails), check that the key is the actor's, drop
/// what was already received, store the activity and enqueue <c>ingest</c>. The work happens later.
/// </summary>
public sealed partial class InboxProcessor(
    ActivityPubResolver resolver,
    IDocumentStore store,
    IWorkQueue queue,
    TimeProvider time,
    Core.Moderation.DomainBlockService domainBlocks,
    ILogger<InboxProcessor> logger)
{
    /// <summary>The largest activity accepted (Mastodon's limit is about 1 MB too).</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>How long "already received" is remembered.</summary>
    public static readonly TimeSpan RememberFor = TimeSpan.FromDays(7);

    private static readonly HttpSignatureVerifier Verifier = HttpSignatureVerifier.Default;

    /// <summary>The outcome: an HTTP status and, for refusals, the reason (sent as <c>{"error": …}</c>).</summary>
    public sealed record Result(int Status, string? Error = null)
    {
        public static readonly Result Accepted = new(202);
    }

    public async Task<Result> ReceiveAsync(SignedRequest request, AccountRecord? inboxOwner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Body.Length > MaxBodyBytes)
        {
            return new Result(413, "Payload too large");
        }

        JsonObject? activity;
        try
        {
            activity = JsonNode.Parse(request.Body.Span) as JsonObject;
        }
        catch (JsonException)
        {
            activity = null;
        }

        var type = Ld.Type(activity);
        var actorUri = Ld.Id(activity, "actor");
        if (activity is null || type is null || actorUri is null || Ld.Origin(actorUri) is null)
        {
            return new Result(400, "Not an activity: it needs a type and an actor");
        }

        if (resolver.IsLocal(actorUri))
        {
            return new Result(401, "Activities of local actors are not accepted from outside");
        }

        // A suspended (or, in limited federation mode, not allowed) domain is refused before any work, as Mastodon's 403.
        if (await domainBlocks.IsSuspendedAsync(Ld.Authority(actorUri), cancellationToken))
        {
            return new Result(403, "The domain is blocked");
        }

        // A deleted account's farewell: without its key we cannot verify, and it concerns nobody here (Mastodon answers 202).
        if (type == "Delete" && await resolver.FindActorAsync(actorUri, cancellationToken) is null)
        {
            return Result.Accepted;
        }

        AccountRecord? signer = null;
        var verification = await Verifier.VerifyAsync(
            request,
            async (keyId, refresh, ct) =>
            {
                signer = await resolver.ResolveKeyOwnerAsync(keyId, refresh, ct);
                return signer?.PublicKeyPem;
            },
            time.GetUtcNow(),
            cancellationToken);
        if (!verification.Verified || signer is null)
        {
            LogRejected(logger, actorUri, verification.Failure);
            return new Result(401, verification.Failure ?? "Signature could not be verified");
        }

        if (signer.Uri != actorUri)
        {
            LogWrongSigner(logger, actorUri, signer.Uri);
            return new Result(401, "The signature is not the actor's");
        }

        var activityId = Ld.String(activity, "id") ?? "body:" + Convert.ToHexStringLower(SHA256.HashData(request.Body.Span));

        // An id is only the actor's to use within its own origin: one from elsewhere is remembered per actor,
        // so that nobody can claim another server's id and have the real activity dropped as a duplicate.
        var key = "in:" + LookupKeys.Uri(Ld.SameOrigin(activityId, actorUri) ? activityId : actorUri + " " + activityId)[4..];
        var now = time.GetUtcNow();
        var record = new InboundActivityRecord
        {
            Id = key,
            ActivityId = activityId,
            Type = type,
            ActorAccountId = signer.Id,
            InboxAccountId = inboxOwner?.Id,
            Json = Encoding.UTF8.GetString(request.Body.Span),
            ReceivedAt = now,
            ExpiresAt = now + RememberFor,
        };
        try
        {
            await store.CreateAsync(Containers.Activities, key, key, record, FederationJsonContext.Default.InboundActivityRecord, cancellationToken);
        }
        catch (DocumentConflictException)
        {
            LogDuplicate(logger, activityId);
            return Result.Accepted;
        }

        try
        {
            await queue.SendJsonAsync(QueueNames.Ingest, new IngestMessage(key), FederationJsonContext.Default.IngestMessage, cancellationToken);
        }
        catch
        {
            // Not queued means not received: the sender's retry must not be taken for a duplicate.
            await store.DeleteAsync(Containers.Activities, key, key, ifMatch: null, CancellationToken.None);
            throw;
        }

        return Result.Accepted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused an activity of {Actor}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string actor, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An activity of {Actor} was signed by {Signer}; refused")]
    private static partial void LogWrongSigner(ILogger logger, string actor, string signer);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped {ActivityId}: already received")]
    private static partial void LogDuplicate(ILogger logger, string activityId);
}
