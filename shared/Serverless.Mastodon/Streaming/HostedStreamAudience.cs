using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Core.Filters;
using Serverless.Core.Follows;
using Serverless.Core.Json;
using Serverless.Core.Lists;
using Serverless.Core.Safety;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Streaming;

/// <summary>
/// Who may get a status event on a hosted stream (Web PubSub), which sends one frame to a whole
/// group and cannot ask each connection's viewer, as <see cref="StreamViewer"/> does in process.
/// For a group with one owner (user, list, direct) the owner's own sets decide, as on their home.
/// For a shared group (public, hashtag) the viewers who must not get it are found the other way
/// round, each a single-partition query of the <c>follows</c> or <c>userdata</c> container: who
/// blocks the author or the reblogged author (<c>blocked-by:</c>), whom they block
/// (<c>blocks:</c>), who mutes them (<c>muted-by:</c>), who blocks their domain
/// (<c>domain-blocked-by:</c>), who blocks a mentioned account, and, among the accounts with
/// filters in the context (<c>filtering:public</c>), those whose <c>hide</c> filter matches; those
/// whose <c>warn</c> filter matches get their own copy with <c>filtered</c> instead.
/// </summary>
/// <remarks>
/// Bounds, because the service caps a filter at about a hundred clauses: at most
/// <see cref="MaxExcluded"/> excluded accounts per event and
/// <see cref="MaxFilterHolders"/> accounts with filters; a reverse set larger than one page
/// (<see cref="PageSize"/>) counts as past the bound. Past any bound, and for a silenced author
/// (whom only their followers may see in public), the event is not streamed on the shared group
/// at all: a missed live update costs less than one a viewer must not see, and the timeline has
/// the status on the next fetch.
/// </remarks>
public sealed class HostedStreamAudience(IDocumentStore store, StatusFilter safety, FilterService filters, TimeProvider time)
{
    /// <summary>
    /// The most accounts a shared-group event leaves out. The Web PubSub publisher names at most 50
    /// in one filter (the service's ~100-clause limit, with margin) and splits longer lists by the
    /// ids' last digit, ten sends or so; 300 keeps each of those under 50 for ids spread as snowflakes are.
    /// </summary>
    public const int MaxExcluded = 300;

    /// <summary>The most accounts with filters in a context whose filters are applied to each shared event.</summary>
    public const int MaxFilterHolders = 200;

    /// <summary>Items read from one reverse set; more than this is past the bound.</summary>
    public const int PageSize = MaxExcluded;

    /// <summary>What a shared group gets: nothing at all (<see cref="Skip"/>), or the event for all but <see cref="Except"/>, and these viewers' own copies.</summary>
    public sealed record Shared(bool Skip, IReadOnlyCollection<string> Except, IReadOnlyList<(string ViewerId, string Payload)> Copies)
    {
        public static Shared Skipped { get; } = new(true, [], []);
    }

    /// <summary>The audience of a status event on a public or hashtag group.</summary>
    public async Task<Shared> SharedAsync(StatusView view, string payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(payload);
        var authors = view.Reblog is { } reblog ? new[] { view.Account, reblog.Account } : [view.Account];
        if (authors.Any(a => a.SilencedAt is not null || a.SuspendedAt is not null))
        {
            return Shared.Skipped;
        }

        var except = new HashSet<string>(StringComparer.Ordinal);
        foreach (var author in authors)
        {
            if (!await AddAsync(except, BlockRecord.BlockedByPartition(author.Id), StoreJsonContext.Default.BlockRecord, _ => true, cancellationToken)
                || !await AddAsync(except, BlockRecord.BlocksPartition(author.Id), StoreJsonContext.Default.BlockRecord, _ => true, cancellationToken)
                || !await AddAsync(except, MuteRecord.MutedByPartition(author.Id), StoreJsonContext.Default.MuteRecord, m => m.IsActive(time.GetUtcNow()), cancellationToken)
                || (author.Domain is { } domain
                    && !await AddAsync(except, UserDomainBlockRecord.BlockedByPartition(domain.ToLowerInvariant()), StoreJsonContext.Default.UserDomainBlockRecord, _ => true, cancellationToken)))
            {
                return Shared.Skipped;
            }
        }

        // Viewers who block an account the status mentions (Mastodon's feed filter).
        foreach (var mention in view.Status.Mentions.Select(m => m.AccountId).Distinct(StringComparer.Ordinal))
        {
            if (!await AddAsync(except, BlockRecord.BlockedByPartition(mention), StoreJsonContext.Default.BlockRecord, _ => true, cancellationToken))
            {
                return Shared.Skipped;
            }
        }

        // Nobody's own status is hidden from them.
        except.Remove(view.Account.Id);

        var holders = await store.QueryAsync(
            Containers.UserData,
            new DocumentQuery(FilterHolderRecord.Partition(FilterContexts.Public)) { Limit = MaxFilterHolders },
            FiltersStoreJsonContext.Default.FilterHolderRecord,
            cancellationToken);
        if (holders.Continuation is not null)
        {
            return Shared.Skipped;
        }

        var copies = new List<(string, string)>();
        var now = time.GetUtcNow();
        foreach (var holder in holders.Items)
        {
            var viewerId = holder.Value.AccountId;
            if (except.Contains(viewerId))
            {
                continue;
            }

            var viewerFilters = await filters.ForViewerAsync(viewerId, cancellationToken);
            var matches = viewerFilters.IsEmpty ? [] : viewerFilters.Match(view, FilterContexts.Public, now);
            if (matches.Count == 0)
            {
                continue;
            }

            except.Add(viewerId);
            if (!ViewerFilters.Hides(matches))
            {
                copies.Add((viewerId, WithFiltered(payload, matches, null)));
            }
        }

        return except.Count > MaxExcluded ? Shared.Skipped : new Shared(false, except, copies);
    }

    /// <summary>
    /// The payload for the one owner of a user, list or direct group: null when their blocks,
    /// mutes or domain blocks hide the status, or a <c>hide</c> filter in <paramref name="context"/>
    /// matches; with <c>filtered</c> set on a <c>warn</c> match (at <paramref name="property"/>, or
    /// the payload itself); else as given. No context: only the safety sets apply (direct).
    /// </summary>
    public async Task<string?> ForOwnerAsync(string ownerId, StatusView view, string payload, string? context, string? property, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerId);
        ArgumentNullException.ThrowIfNull(view);
        var sets = await safety.ForViewerIdAsync(ownerId, cancellationToken);
        if (sets.HidesStatus(view.Status, view.Account, view.Reblog?.Account))
        {
            return null;
        }

        if (context is null)
        {
            return payload;
        }

        var viewerFilters = await filters.ForViewerAsync(ownerId, cancellationToken);
        var matches = viewerFilters.IsEmpty ? [] : viewerFilters.Match(view, context, time.GetUtcNow());
        return matches.Count == 0 ? payload
            : ViewerFilters.Hides(matches) ? null
            : WithFiltered(payload, matches, property);
    }

    /// <summary>The owner of a list whose timeline got a status: the membership of the status's account in it (one point read).</summary>
    public async Task<string?> ListOwnerAsync(string listId, string memberId, CancellationToken cancellationToken)
    {
        var membership = await store.ReadAsync(Containers.Lists, ListRecord.ListedPartition(memberId), listId, StoreJsonContext.Default.ListMembershipRecord, cancellationToken);
        return membership?.Value.OwnerId;
    }

    /// <summary>Adds the ids of one reverse set; false when it is larger than one page (past the bound).</summary>
    private async Task<bool> AddAsync<T>(HashSet<string> except, string partition, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, Func<T, bool> counts, CancellationToken cancellationToken)
    {
        // A first page without filters or continuation, which the caching store can answer from memory.
        var page = await store.QueryAsync(Containers.Follows, new DocumentQuery(partition) { Limit = PageSize }, type, cancellationToken);
        if (page.Continuation is not null)
        {
            return false;
        }

        foreach (var item in page.Items)
        {
            if (counts(item.Value))
            {
                except.Add(item.Id);
            }
        }

        return except.Count <= MaxExcluded;
    }

    /// <summary>Sets <c>filtered</c> on the status (at <paramref name="property"/>, or the payload itself) and on what it reblogs, as the in-process viewer does.</summary>
    private static string WithFiltered(string payload, IReadOnlyList<FilterMatch> matches, string? property)
    {
        var results = matches.Select(StatusRenderer.ToResult).ToList();
        var root = JsonNode.Parse(payload)!.AsObject();
        if ((property is null ? root : root[property] as JsonObject) is not { } status)
        {
            return payload;
        }

        status["filtered"] = JsonSerializer.SerializeToNode(results, MastodonJsonContext.Default.ListFilterResult);
        if (status["reblog"] is JsonObject reblog)
        {
            reblog["filtered"] = JsonSerializer.SerializeToNode(results, MastodonJsonContext.Default.ListFilterResult);
        }

        return root.ToJsonString();
    }
}
