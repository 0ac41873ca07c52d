using Serverless.Mastodon.Api.V1;
using Serverless.Mastodon.Api.V1.Polls;
using Serverless.Mastodon.Http;
using static Serverless.Mastodon.Http.Authentication;
using StatusActions = Serverless.Mastodon.Api.V1.Statuses;

namespace Serverless.Mastodon;

public static partial class Routes
{
    /// <summary>Statuses (beyond posting and showing, in <see cref="Core"/>), their interactions, polls and scheduled statuses.</summary>
    static partial void MapStatuses(RouteTable table)
    {
        table
            .Get("/api/v1/statuses", StatusesEndpoints.Index, Optional, "read:statuses")
            .Put("/api/v1/statuses/{id}", StatusesEndpoints.Update, User, "write:statuses")
            .Delete("/api/v1/statuses/{id}", StatusesEndpoints.Delete, User, "write:statuses")
            .Get("/api/v1/statuses/{id}/context", StatusActions.ContextsEndpoints.Show, Optional, "read:statuses")
            .Get("/api/v1/statuses/{id}/history", StatusActions.HistoriesEndpoints.Show, Optional, "read:statuses")
            .Get("/api/v1/statuses/{id}/source", StatusActions.SourcesEndpoints.Show, User, "read:statuses")
            .Get("/api/v1/statuses/{id}/favourited_by", StatusActions.FavouritedByEndpoints.Index, Optional, "read:accounts")
            .Get("/api/v1/statuses/{id}/reblogged_by", StatusActions.RebloggedByEndpoints.Index, Optional, "read:accounts")
            .Post("/api/v1/statuses/{id}/favourite", StatusActions.FavouritesEndpoints.Create, User, "write:favourites")
            .Post("/api/v1/statuses/{id}/unfavourite", StatusActions.FavouritesEndpoints.Destroy, User, "write:favourites")
            .Post("/api/v1/statuses/{id}/reblog", StatusActions.ReblogsEndpoints.Create, User, "write:statuses")
            .Post("/api/v1/statuses/{id}/unreblog", StatusActions.ReblogsEndpoints.Destroy, User, "write:statuses")
            .Post("/api/v1/statuses/{id}/bookmark", StatusActions.BookmarksEndpoints.Create, User, "write:bookmarks")
            .Post("/api/v1/statuses/{id}/unbookmark", StatusActions.BookmarksEndpoints.Destroy, User, "write:bookmarks")
            .Post("/api/v1/statuses/{id}/pin", StatusActions.PinsEndpoints.Create, User, "write:accounts")
            .Post("/api/v1/statuses/{id}/unpin", StatusActions.PinsEndpoints.Destroy, User, "write:accounts")
            .Post("/api/v1/statuses/{id}/mute", StatusActions.MutesEndpoints.Create, User, "write:mutes")
            .Post("/api/v1/statuses/{id}/unmute", StatusActions.MutesEndpoints.Destroy, User, "write:mutes")

            // Polls
            .Get("/api/v1/polls/{id}", PollsEndpoints.Show, Optional, "read:statuses")
            .Post("/api/v1/polls/{id}/votes", VotesEndpoints.Create, User, "write:statuses")

            // Scheduled statuses
            .Get("/api/v1/scheduled_statuses", ScheduledStatusesEndpoints.Index, User, "read:statuses")
            .Get("/api/v1/scheduled_statuses/{id}", ScheduledStatusesEndpoints.Show, User, "read:statuses")
            .Put("/api/v1/scheduled_statuses/{id}", ScheduledStatusesEndpoints.Update, User, "write:statuses")
            .Delete("/api/v1/scheduled_statuses/{id}", ScheduledStatusesEndpoints.Destroy, User, "write:statuses");
    }
}
