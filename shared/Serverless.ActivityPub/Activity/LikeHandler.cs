using Serverless.Core.Errors;
using Serverless.Core.Interactions;
using Serverless.Core.Statuses;

namespace Serverless.ActivityPub.Activity;

/// <summary>
/// <c>Like</c>: a remote favourite of a local status (others' statuses are their servers' business, as in
/// Mastodon). Misskey's emoji reactions arrive as a Like with <c>content</c> and count as a favourite.
/// </summary>
public sealed class LikeHandler(StatusService statuses, InteractionService interactions, ActivityReferences references) : IActivityHandler
{
    public string Type => "Like";

    public async Task HandleAsync(InboundActivity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var objectId = activity.ObjectId ?? throw new ValidationFailedException("A Like needs an object");
        var status = await statuses.FindByUriAsync(objectId, cancellationToken);
        if (status is null || !status.Local)
        {
            return;
        }

        if (status.ReblogOfId is not null)
        {
            throw new RecordNotFoundException();
        }

        if (await interactions.ReceiveFavouriteAsync(activity.Actor, status, cancellationToken))
        {
            await references.RememberAsync(activity.Id, ActivityReferences.Favourite, status.Id, cancellationToken);
        }
    }
}
