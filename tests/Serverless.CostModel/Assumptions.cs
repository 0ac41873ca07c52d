namespace Serverless.CostModel;

/// <summary>The usage assumed for the instance estimate; every number is stated in the report.</summary>
public sealed record Assumptions
{
    public int ActiveUsers { get; init; } = 1_000;

    public double HomeRefreshes { get; init; } = 20;

    public double PublicPages { get; init; } = 3;

    public double NotificationPages { get; init; } = 5;

    public double AppOpens { get; init; } = 10;

    public double StatusViews { get; init; } = 10;

    public double Favourites { get; init; } = 30;

    public double Reblogs { get; init; } = 5;

    public double Follows { get; init; } = 0.5;

    public double Posts { get; init; } = 5;

    public double MediaPosts { get; init; } = 1;

    /// <summary>Local followers of a post's author (their homes get it).</summary>
    public double LocalFollowers { get; init; } = 50;

    /// <summary>Remote servers among a post's followers (one delivery each, to the shared inbox).</summary>
    public double RemoteServers { get; init; } = 20;

    /// <summary>Remote posts the instance receives a day, per active user.</summary>
    public double RemotePostsPerUser { get; init; } = 20;

    /// <summary>Local followers a received remote post is fanned out to.</summary>
    public double LocalFollowersOfRemote { get; init; } = 5;

    /// <summary>The host's timer (scheduled statuses, poll ends) runs every 30 s.</summary>
    public double TimerRunsPerDay { get; init; } = 2_880;
}
