namespace Serverless.Core.Filters;

/// <summary>
/// An account with at least one keyword or status filter in a context, in the <c>userdata</c>
/// container: pk = <c>filtering:{context}</c>, id = the account id. Kept by
/// <see cref="FilterService"/> on every change of the account's filters (for the contexts streams
/// use: <c>home</c> and <c>public</c>), so that hosted streaming, which sends one frame to a
/// whole shared group, can find the few viewers whose filters it must apply (one
/// single-partition query) instead of every viewer's.
/// </summary>
public sealed record FilterHolderRecord
{
    public required string AccountId { get; init; }

    public static string Partition(string context) => "filtering:" + context;

    /// <summary>The contexts indexed: those of the streams (user and list: home; public and hashtag: public).</summary>
    public static readonly IReadOnlyList<string> Contexts = [FilterContexts.Home, FilterContexts.Public];
}
