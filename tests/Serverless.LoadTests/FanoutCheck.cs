using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;
using Serverless.Embedded;
using Serverless.Embedded.Sqlite;

namespace Serverless.LoadTests;

/// <summary>
/// Posts a status as the popular account through the API, then watches every follower's home
/// timeline until all of them have it: one point read per follower still waiting, per round,
/// straight from the server's SQLite file (another process may read it while the server writes:
/// WAL). Finally asks the API, as a few followers, that their home timeline shows it first.
/// </summary>
internal sealed class FanoutCheck(string dataDirectory, Uri baseUrl, TimeSpan timeout, TextWriter output)
{
    private static readonly TimeSpan PollPause = TimeSpan.FromMilliseconds(5);

    public async Task<FanoutResult> RunAsync(CancellationToken cancellationToken)
    {
        var manifest = JsonSerializer.Deserialize(await File.ReadAllTextAsync(Path.Combine(dataDirectory, Seeder.ManifestFile), cancellationToken), LoadTestJsonContext.Default.SeedManifest)
            ?? throw new InvalidOperationException("Empty manifest.");
        var token = (await File.ReadAllTextAsync(Path.Combine(dataDirectory, Seeder.AuthorTokenFile), cancellationToken)).Trim();
        using var store = new SqliteDocumentStore(Path.Combine(dataDirectory, EmbeddedServiceCollectionExtensions.DocumentsFile));
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("serverless-loadtest");

        var text = string.Create(CultureInfo.InvariantCulture, $"Fan-out check at {DateTimeOffset.UtcNow:O}: this should reach {manifest.FollowerIds.Count} home timelines quickly. https://example.com/fanout #loadtest");
        using var post = new HttpRequestMessage(HttpMethod.Post, "/api/v1/statuses")
        {
            Content = new FormUrlEncodedContent([new("status", text), new("visibility", "public")]),
        };
        post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // One round before posting, so that the timed rounds run warm code on warm pages.
        _ = await store.ReadManyAsync(Containers.Timelines, manifest.FollowerIds.Select(id => new DocumentKey(TimelineKeys.Home(id), SnowflakeIds.Sortable(0))).ToList(), StoreJsonContext.Default.TimelineEntry, cancellationToken);

        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(post, cancellationToken);
        var postMs = clock.Elapsed.TotalMilliseconds;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            output.WriteLine($"POST /api/v1/statuses answered {(int)response.StatusCode}: {body}");
            return new FanoutResult { StatusId = "", HttpStatus = (int)response.StatusCode, PostMilliseconds = postMs, Followers = manifest.FollowerIds.Count, TimeoutSeconds = timeout.TotalSeconds };
        }

        string statusId;
        using (var json = JsonDocument.Parse(body))
        {
            statusId = json.RootElement.GetProperty("id").GetString() ?? throw new InvalidOperationException("The status has no id.");
        }

        var entryId = SnowflakeIds.Sortable(statusId);
        var waiting = manifest.FollowerIds.ToList();
        var reachedAt = new List<double>(waiting.Count);
        var rounds = 0;
        while (waiting.Count > 0 && clock.Elapsed < timeout)
        {
            rounds++;
            var keys = waiting.Select(id => new DocumentKey(TimelineKeys.Home(id), entryId)).ToList();
            var found = await store.ReadManyAsync(Containers.Timelines, keys, StoreJsonContext.Default.TimelineEntry, cancellationToken);
            if (found.Count > 0)
            {
                var at = clock.Elapsed.TotalMilliseconds;
                var seen = found.Select(d => d.PartitionKey).ToHashSet(StringComparer.Ordinal);
                waiting.RemoveAll(id => seen.Contains(TimelineKeys.Home(id)));
                reachedAt.AddRange(Enumerable.Repeat(at, found.Count));
            }

            if (waiting.Count > 0)
            {
                await Task.Delay(PollPause, cancellationToken);
            }
        }

        // Through the API, as clients see it: the status heads each sampled follower's home timeline.
        var apiFound = 0;
        foreach (var follower in manifest.SampleFollowers)
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, "/api/v1/timelines/home?limit=1");
            get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", follower.Token);
            using var page = await http.SendAsync(get, cancellationToken);
            if (!page.IsSuccessStatusCode)
            {
                continue;
            }

            using var json = JsonDocument.Parse(await page.Content.ReadAsStringAsync(cancellationToken));
            if (json.RootElement.ValueKind == JsonValueKind.Array && json.RootElement.GetArrayLength() > 0
                && json.RootElement[0].GetProperty("id").GetString() == statusId)
            {
                apiFound++;
            }
        }

        var result = new FanoutResult
        {
            StatusId = statusId,
            HttpStatus = (int)response.StatusCode,
            PostMilliseconds = Math.Round(postMs, 1),
            Followers = manifest.FollowerIds.Count,
            Reached = reachedAt.Count,
            FirstMilliseconds = reachedAt.Count > 0 ? Math.Round(reachedAt[0], 1) : null,
            MedianMilliseconds = reachedAt.Count > 0 ? Math.Round(reachedAt[reachedAt.Count / 2], 1) : null,
            AllMilliseconds = waiting.Count == 0 && reachedAt.Count > 0 ? Math.Round(reachedAt[^1], 1) : null,
            PollRounds = rounds,
            ApiSampleChecked = manifest.SampleFollowers.Count,
            ApiSampleFound = apiFound,
            TimeoutSeconds = timeout.TotalSeconds,
        };
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Fan-out of {statusId}: POST {result.PostMilliseconds} ms; {result.Reached}/{result.Followers} home timelines, first at {result.FirstMilliseconds} ms, median {result.MedianMilliseconds} ms, all at {result.AllMilliseconds?.ToString(CultureInfo.InvariantCulture) ?? "(not all within the timeout)"} ms; API sample {apiFound}/{result.ApiSampleChecked}."));
        return result;
    }
}
