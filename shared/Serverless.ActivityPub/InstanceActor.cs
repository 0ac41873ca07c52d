using Serverless.ActivityPub.Json;
using Serverless.Core.Configuration;
using Serverless.Core.Security;
using Serverless.Core.Storage;

namespace Serverless.ActivityPub;

/// <summary>
/// The instance actor (<c>/actor</c>, an <c>Application</c> named after the domain): it signs our
/// GETs for servers that require authorized fetch, and is served without a signature so that two
/// such servers can bootstrap. Its RSA key is made once, kept in the store, cached for the process.
/// </summary>
public sealed class InstanceActor(IDocumentStore store, InstanceOptions options, TimeProvider time)
{
    private const string DocumentId = "instance-actor";
    private InstanceActorRecord? _cached;

    public string Uri => options.BaseUrl + "/actor";

    public string KeyId => Uri + "#main-key";

    public string Inbox => Uri + "/inbox";

    public string Username => options.LocalDomain;

    public async Task<InstanceActorRecord> GetAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } cached)
        {
            return cached;
        }

        var type = FederationJsonContext.Default.InstanceActorRecord;
        var doc = await store.ReadAsync(Containers.Instance, DocumentId, DocumentId, type, cancellationToken);
        if (doc is null)
        {
            var (publicKey, privateKey) = RsaKeys.Generate();
            try
            {
                await store.CreateAsync(Containers.Instance, DocumentId, DocumentId, new InstanceActorRecord(publicKey, privateKey, time.GetUtcNow()), type, cancellationToken);
            }
            catch (DocumentConflictException)
            {
                // Another instance made it first: use theirs.
            }

            doc = await store.ReadAsync(Containers.Instance, DocumentId, DocumentId, type, cancellationToken)
                ?? throw new InvalidOperationException("The instance actor's key could not be stored.");
        }

        _cached = doc.Value;
        return doc.Value;
    }
}

/// <summary>The instance actor's key pair (PEM), stored in the <c>instance</c> container.</summary>
public sealed record InstanceActorRecord(string PublicKeyPem, string PrivateKeyPem, DateTimeOffset CreatedAt);
