namespace Serverless.CostModel;

/// <summary>Turns the measured calls into a day of an instance: counts times the estimated RU of each call.</summary>
public static class Estimate
{
    public static IReadOnlyList<Usage> For(IReadOnlyList<CallCost> calls, Assumptions a)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(a);
        double Ru(string prefix, bool cold = true) =>
            calls.FirstOrDefault(c => c.Name.StartsWith(prefix, StringComparison.Ordinal) && c.Cold == cold)?.EstimatedRequestUnits
            ?? throw new InvalidOperationException($"No measured call '{prefix}' ({(cold ? "cold" : "warm")}).");

        var users = a.ActiveUsers;
        var soloPost = Ru("Post a status, no followers");
        var fanned = calls.First(c => c.Name.StartsWith("Post a status, ", StringComparison.Ordinal) && !c.Name.Contains("no followers", StringComparison.Ordinal));
        var fannedPost = fanned.EstimatedRequestUnits;
        var followers = FollowersIn(fanned.Name);
        var perLocalFollower = Math.Max(0, (fannedPost - soloPost) / followers);
        var perRemoteServer = Math.Max(0, Ru("Local post delivered to remote followers") - soloPost);
        var mediaExtra = Math.Max(0, Ru("Upload an image") + Ru("Post a status with the image") - fannedPost);
        var post = soloPost + (a.LocalFollowers * perLocalFollower) + (a.RemoteServers * perRemoteServer);
        var deliveredOne = Ru("Remote post delivered to the inbox, 1 local follower");
        var deliveredMany = calls.Last(c => c.Name.StartsWith("Remote post delivered to the inbox, ", StringComparison.Ordinal));
        var manyFollowers = FollowersIn(deliveredMany.Name);
        var perDeliveredFollower = Math.Max(0, (deliveredMany.EstimatedRequestUnits - deliveredOne) / Math.Max(1, manyFollowers - 1));
        var delivered = deliveredOne + ((a.LocalFollowersOfRemote - 1) * perDeliveredFollower);

        return
        [
            new("Home timeline page (40)", users * a.HomeRefreshes, Ru("Home timeline page"), "measured, cold"),
            new("Public timeline page (40)", users * a.PublicPages, Ru("Public timeline page"), "measured, cold"),
            new("Notifications page (40)", users * a.NotificationPages, Ru("Notifications page"), "measured, cold"),
            new("verify_credentials", users * a.AppOpens, Ru("verify_credentials"), "measured, cold"),
            new("A status and its context", users * a.StatusViews, Ru("A status and its context"), "measured, cold"),
            new("Favourite", users * a.Favourites, Ru("Favourite"), "measured"),
            new("Reblog", users * a.Reblogs, Ru("Reblog"), "measured (fan-out to the reblogger's followers not included)"),
            new("Follow", users * a.Follows, Ru("Follow a local account"), "measured"),
            new(FormattableString.Invariant($"Post ({a.LocalFollowers:0} local followers, {a.RemoteServers:0} remote servers)"), users * a.Posts, post,
                FormattableString.Invariant($"measured: {soloPost:0.#} RU alone + {perLocalFollower:0.##} per local follower + {perRemoteServer:0.#} per remote server")),
            new("Image upload and its extra on a post", users * a.MediaPosts, mediaExtra, "measured"),
            new(FormattableString.Invariant($"Remote post received ({a.LocalFollowersOfRemote:0} local followers)"), users * a.RemotePostsPerUser, delivered,
                FormattableString.Invariant($"measured: {deliveredOne:0.#} RU to 1 follower + {perDeliveredFollower:0.##} per further follower")),
            new("Timer (due index query)", a.TimerRunsPerDay, RuRates.QueryBase, "one query of an empty page"),
        ];
    }

    /// <summary>The follower count in a call name such as "…, 10 local followers".</summary>
    private static double FollowersIn(string name)
    {
        var words = name.Split(' ', ',');
        for (var i = 1; i < words.Length; i++)
        {
            if (words[i].StartsWith("local", StringComparison.Ordinal) && double.TryParse(words[i - 1], System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }
        }

        return 1;
    }
}
