namespace Serverless.Core.Lists;

/// <summary>A list of accounts whose statuses form a timeline. Partition <c>lists:{ownerId}</c>, id = list id.</summary>
public sealed record ListRecord
{
    public required string Id { get; init; }

    public required string OwnerId { get; init; }

    public required string Title { get; init; }

    /// <summary>followed, list or none: which replies the list timeline shows.</summary>
    public string RepliesPolicy { get; init; } = "list";

    /// <summary>Members' statuses are kept out of the owner's home timeline.</summary>
    public bool Exclusive { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public static string OwnerPartition(string ownerId) => "lists:" + ownerId;

    public static string MembersPartition(string listId) => "list:" + listId;

    public static string ListedPartition(string accountId) => "listed:" + accountId;
}

/// <summary>
/// One membership, stored twice: in <c>list:{listId}</c> with id = member account id (to list
/// members), and in <c>listed:{memberId}</c> with id = list id (so fan-out finds every list an
/// author is on with one single-partition read).
/// </summary>
public sealed record ListMembershipRecord(string ListId, string OwnerId, string AccountId, bool Exclusive, string RepliesPolicy);
