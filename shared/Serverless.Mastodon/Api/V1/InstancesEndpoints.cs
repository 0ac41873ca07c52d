using Serverless.Core.Configuration;
using Serverless.Core.Statuses;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>GET /api/v1/instance</c> (v1, still read by megalodon and older clients).</summary>
public static class InstancesEndpoints
{
    /// <summary>The version clients see: Mastodon's API level, and who we really are.</summary>
    public const string Version = "4.5.0 (compatible; Serverless 0.1.0)";

    public static async Task Show(ApiRequest request)
    {
        var instance = request.Instance;
        var stats = await request.Service<Core.Instance.InstanceStats>().ReadAsync(request.Aborted);
        var body = new InstanceV1
        {
            Uri = instance.LocalDomain,
            Title = instance.Title,
            ShortDescription = instance.Description,
            Description = instance.Description,
            Email = instance.ContactEmail,
            Version = Version,
            Urls = new InstanceV1Urls(StreamingUrl(request)),
            Stats = new InstanceV1Stats(stats.Users, stats.Statuses, 0),
            Registrations = instance.RegistrationsMode != RegistrationsMode.Closed,
            ApprovalRequired = instance.RegistrationsMode == RegistrationsMode.Approval,
            Rules = await Admin.InstanceModerationEndpoints.RulesForInstanceAsync(request),
            Configuration = new InstanceV1Configuration
            {
                Accounts = new AccountsConfiguration(10, 5),
                Statuses = Statuses,
                MediaAttachments = Media,
                Polls = Polls,
            },
        };
        await request.Json(body, MastodonJsonContext.Default.InstanceV1);
    }

    /// <summary>The streaming base URL, which clients join with <c>/api/v1/streaming</c>: <c>STREAMING_API_BASE_URL</c> (the Web PubSub hub behind Front Door in Azure), else the same host over ws(s).</summary>
    public static string StreamingUrl(ApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Instance.StreamingBaseUrl ?? (request.Instance.LocalHttps ? "wss://" : "ws://") + request.Instance.LocalDomain;
    }

    internal static StatusesConfiguration Statuses { get; } = new(StatusService.MaxCharacters, 4, TextFormatter.UrlWeight);

    internal static MediaConfiguration Media { get; } = new()
    {
        // No HEIC/HEIF/AVIF: SkiaSharp cannot decode them here; clients that honour this list convert such photos to JPEG first.
        SupportedMimeTypes = ["image/jpeg", "image/png", "image/gif", "image/webp", "video/webm", "video/mp4", "video/quicktime", "audio/mpeg", "audio/ogg", "audio/wav", "audio/flac", "audio/mp4"],
    };

    internal static PollsConfiguration Polls { get; } = new(4, 50, 300, 2_629_746);
}
