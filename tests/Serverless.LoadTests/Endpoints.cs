namespace Serverless.LoadTests;

/// <summary>An endpoint under load and its target from issue 3 (null: no target, e.g. the baseline).</summary>
internal sealed record Endpoint(string Name, string Path, double? MinRequestsPerSecond, double? MaxP99Milliseconds, string Description);

internal static class Endpoints
{
    /// <summary>The in-run baseline: a trivial authenticated endpoint (an empty list) under the same wrk settings.</summary>
    public const string BaselineName = "baseline";

    public static readonly IReadOnlyList<Endpoint> All =
    [
        new(BaselineName, "/api/v1/custom_emojis", null, null, "GET /api/v1/custom_emojis (baseline: an empty list)"),
        new("home", "/api/v1/timelines/home?limit=40", 5000, 30, "GET /api/v1/timelines/home?limit=40"),
        new("public", "/api/v1/timelines/public?limit=40", 2000, null, "GET /api/v1/timelines/public?limit=40"),
        new("verify_credentials", "/api/v1/accounts/verify_credentials", 15000, null, "GET /api/v1/accounts/verify_credentials"),
    ];

    public static Endpoint Get(string name) =>
        All.FirstOrDefault(e => e.Name == name) ?? throw new ArgumentException($"Unknown endpoint '{name}'.", nameof(name));
}
