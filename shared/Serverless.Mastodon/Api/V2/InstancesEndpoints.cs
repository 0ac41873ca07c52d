using Serverless.Core.Configuration;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using V1 = Serverless.Mastodon.Api.V1;

namespace Serverless.Mastodon.Api.V2;

/// <summary><c>GET /api/v2/instance</c>: what clients read at start-up (limits, streaming URL, API versions).</summary>
public static class InstancesEndpoints
{
    public static async Task Show(ApiRequest request)
    {
        var instance = request.Instance;
        var body = new InstanceV2
        {
            Domain = instance.LocalDomain,
            Title = instance.Title,
            Version = V1.InstancesEndpoints.Version,
            SourceUrl = instance.BaseUrl,
            Description = instance.Description,
            Usage = new InstanceUsage(new InstanceUsers(0)),
            Thumbnail = new InstanceThumbnail($"{instance.BaseUrl}/packs/media/images/preview.png", null, null),
            Configuration = new InstanceConfiguration
            {
                Urls = new InstanceUrls(V1.InstancesEndpoints.StreamingUrl(request), null, $"{instance.BaseUrl}/about", $"{instance.BaseUrl}/privacy-policy", null),
                // Web Push is not built yet; clients only need the field to exist.
                Vapid = new VapidConfiguration(""),
                Accounts = new AccountsConfiguration(10, 5),
                Statuses = V1.InstancesEndpoints.Statuses,
                MediaAttachments = V1.InstancesEndpoints.Media,
                Polls = V1.InstancesEndpoints.Polls,
                Translation = new TranslationConfiguration(false),
                TimelinesAccess = new TimelinesAccessConfiguration(new TimelineAccess("public", "public"), new TimelineAccess("public", "public"), new TimelineAccess("public", "public")),
            },
            Registrations = new InstanceRegistrations(instance.RegistrationsMode != RegistrationsMode.Closed, instance.RegistrationsMode == RegistrationsMode.Approval, null, null, 0, false),
            Contact = new InstanceContact(instance.ContactEmail, null),
            // 2: grouped notifications (/api/v2/notifications) are served.
            ApiVersions = new Dictionary<string, int>(StringComparer.Ordinal) { ["mastodon"] = 2 },
            Rules = await V1.Admin.InstanceModerationEndpoints.RulesForInstanceAsync(request),
        };
        await request.Json(body, MastodonJsonContext.Default.InstanceV2);
    }
}
