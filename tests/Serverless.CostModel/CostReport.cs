using System.Globalization;
using System.Text;

namespace Serverless.CostModel;

/// <summary>How many times a day an active user (or the instance) makes a call, for the estimate.</summary>
public sealed record Usage(string What, double PerDay, double RequestUnitsEach, string Basis);

/// <summary>The markdown report: the per-call table, the estimate for an instance, and what is counted versus assumed.</summary>
public static class CostReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(IReadOnlyList<CallCost> calls, Assumptions assumptions, double pricePerMillion)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(assumptions);
        var md = new StringBuilder();
        md.AppendLine("# Cosmos DB cost model").AppendLine();
        md.AppendLine(Invariant, $"Written by `dotnet run --project tests/Serverless.CostModel` ({DateTime.UtcNow:yyyy-MM-dd}). Each call was made over HTTP against the standalone host on the Cosmos adapter (the local `@vercel/cosmosdb-server`), with the queue drained before and after, so the fan-out, notifications and deliveries a call causes count as its cost.").AppendLine();
        md.AppendLine("**Counted** (exact, from `CosmosRequestCharges`): requests per operation and container, items returned, bytes sent or received. **Estimated**: request units, because the local server charges nothing real; the rates are in the notes below. Against Azure the adapter records the true `x-ms-request-charge` of every request, so running the same calls there gives real RU.").AppendLine();
        md.AppendLine("Counts vary by a few requests between runs: whether a read is served by the instance's caches depends on timing (documents 5 s, access tokens 30 s: an `oauth` read appears in some calls and not others), and queue handlers sometimes race and retry.").AppendLine();
        md.AppendLine("*Cold* calls waited out the 5-second read cache first, so every read reached Cosmos DB (a fresh or other Functions instance); *warm* calls repeat the call at once on the same instance.").AppendLine();
        md.AppendLine("| Call | Cache | Point reads (found) | ReadMany (items) | Queries (items) | Writes | Requests | Est. RU |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var call in calls)
        {
            var spent = call.Spent;
            long Items(string op) => spent.Rows.Where(r => r.Operation == op).Sum(r => r.Items);
            md.Append(Invariant, $"| {call.Name} | {(call.Cold ? "cold" : "warm")} | {call.Reads} ({Items("read")}) | {call.ReadManys} ({Items("read_many")}) | {call.Queries} ({Items("query")}) | {Writes(call)} | {spent.Requests} | {call.EstimatedRequestUnits:0.#} |").AppendLine();
        }

        md.AppendLine().AppendLine("Writes: c = create, u = upsert, r = replace, p = patch, d = delete.").AppendLine();
        md.AppendLine("<details><summary>Requests per container</summary>").AppendLine();
        foreach (var call in calls)
        {
            var rows = call.Spent.Rows.Select(r => string.Create(Invariant, $"{r.Container} {r.Operation} ×{r.Requests}{(r.Items > 0 ? $" ({r.Items} items)" : "")}{(r.Bytes > 0 ? $" {r.Bytes / Math.Max(1, r.Items > 0 ? r.Items : r.Requests)} B each" : "")}"));
            var note = call.Note is null ? "" : " " + call.Note;
            md.Append(Invariant, $"- **{call.Name}** ({(call.Cold ? "cold" : "warm")}): ").Append(string.Join(", ", rows)).AppendLine(rows.Any() ? "." + note : "nothing." + note);
        }

        md.AppendLine().AppendLine("</details>").AppendLine();
        AppendEstimate(md, calls, assumptions, pricePerMillion);
        AppendRates(md);
        return md.ToString();
    }

    private static string Writes(CallCost call)
    {
        var parts = new List<string>();
        foreach (var (op, letter) in new[] { ("create", "c"), ("upsert", "u"), ("replace", "r"), ("patch", "p"), ("delete", "d") })
        {
            var n = call.Spent.RequestsOf(op);
            if (n > 0)
            {
                parts.Add(string.Create(Invariant, $"{n}{letter}"));
            }
        }

        return parts.Count == 0 ? "0" : string.Join(" ", parts);
    }

    private static void AppendEstimate(StringBuilder md, IReadOnlyList<CallCost> calls, Assumptions a, double pricePerMillion)
    {
        var usage = Estimate.For(calls, a);
        var perDay = usage.Sum(u => u.PerDay * u.RequestUnitsEach);
        var perMonth = perDay * 30;
        md.AppendLine(Invariant, $"## An instance of {a.ActiveUsers:N0} active users").AppendLine();
        md.AppendLine("Assumptions, per active user per day unless said otherwise (change them in `tests/Serverless.CostModel/Assumptions.cs`): "
            + string.Create(Invariant, $"{a.HomeRefreshes} home timeline pages, {a.PublicPages} public timeline pages, {a.NotificationPages} notification pages, {a.AppOpens} app starts (verify_credentials), {a.StatusViews} statuses opened with their context, {a.Favourites} favourites, {a.Reblogs} reblogs, {a.Follows} follows, {a.Posts} posts of which {a.MediaPosts} with an image; ")
            + string.Create(Invariant, $"a post reaches {a.LocalFollowers} local followers' homes and {a.RemoteServers} remote servers (shared inboxes); the instance receives {a.RemotePostsPerUser} remote posts per active user a day, each delivered to {a.LocalFollowersOfRemote} local followers; reads are priced cold (every read reaches Cosmos DB), an upper bound."));
        md.AppendLine().AppendLine("| What | Per day | RU each | RU per day | Basis |").AppendLine("| --- | ---: | ---: | ---: | --- |");
        foreach (var u in usage)
        {
            md.AppendLine(Invariant, $"| {u.What} | {u.PerDay:N0} | {u.RequestUnitsEach:0.#} | {u.PerDay * u.RequestUnitsEach:N0} | {u.Basis} |");
        }

        md.AppendLine();
        md.AppendLine(Invariant, $"**Total: about {perDay / 1e6:0.##} million RU a day, {perMonth / 1e6:0.#} million RU a month (30 days); at ${pricePerMillion:0.00###} per million RU (serverless; an assumed price: it varies by region and over time, see the Azure Cosmos DB pricing page) that is about ${perMonth / 1e6 * pricePerMillion:0.##} a month for request units.** Storage (per GB-month), backup and the other services are not included.").AppendLine();
    }

    private static void AppendRates(StringBuilder md)
    {
        md.AppendLine("## Rates used for the estimate").AppendLine();
        md.AppendLine("- Point reads and writes by item size, from the table in Microsoft Learn's *Understand request unit consumption* (session consistency): 1 KB read 1 RU, 1 KB write 4.95 RU, 2 KB 1.04 / 6.29, 4 KB 1.14 / 6.67, 8 KB 1.33 / 7.04, 16 KB 1.67 / 9.52 … interpolated between rows; *Request units in Azure Cosmos DB* and *Optimize request cost in Azure Cosmos DB* give the same 1 KB point read = 1 RU. Item sizes are the ones the adapter sent or received in this run.");
        md.AppendLine("- Writes in that table assume default indexing (every path). Our containers index only `/pk` and the fields queries filter on (`CosmosContainers`), so real write charges should be lower: these are upper bounds.");
        md.AppendLine(Invariant, $"- Not published as numbers, so **assumed**: a single-partition query page costs {RuRates.QueryBase} RU plus a point read per item returned; a ReadMany costs a point read per item found; a patch or delete costs {RuRates.PatchOrDelete} RU (a 1 KB write); a read that finds nothing costs 1 RU.");
        md.AppendLine("- Run the same calls against a real account to replace every estimate with the charges Cosmos DB reports (`cosmos.request_charge` histogram, or `CosmosRequestCharges.Snapshot()`).");
    }
}
