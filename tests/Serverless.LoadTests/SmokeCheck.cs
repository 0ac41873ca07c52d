using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Serverless.LoadTests;

/// <summary>
/// Before any load: every endpoint answers 200 with the reader's token, and the pages are what the
/// numbers claim to measure (full pages of 40; the home timeline holds the followed authors'
/// statuses, newest first).
/// </summary>
internal sealed class SmokeCheck(string dataDirectory, Uri baseUrl, TextWriter output)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var manifest = JsonSerializer.Deserialize(await File.ReadAllTextAsync(Path.Combine(dataDirectory, Seeder.ManifestFile), cancellationToken), LoadTestJsonContext.Default.SeedManifest)
            ?? throw new InvalidOperationException("Empty manifest.");
        var token = (await File.ReadAllTextAsync(Path.Combine(dataDirectory, Seeder.ReaderTokenFile), cancellationToken)).Trim();
        var authors = manifest.AuthorUsernames.ToHashSet(StringComparer.Ordinal);
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("serverless-loadtest");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var failures = new List<string>();
        foreach (var endpoint in Endpoints.All)
        {
            using var response = await http.GetAsync(new Uri(endpoint.Path, UriKind.Relative), cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{endpoint.Name}: GET {endpoint.Path} -> {(int)response.StatusCode}, {body.Length} bytes"));
            if (!response.IsSuccessStatusCode)
            {
                failures.Add($"{endpoint.Name} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
                continue;
            }

            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            switch (endpoint.Name)
            {
                case "home":
                case "public":
                    failures.AddRange(CheckPage(endpoint.Name, root, endpoint.Name == "home" ? authors : null, expected: Math.Min(40, manifest.Statuses)));
                    break;
                case "verify_credentials":
                    if (root.GetProperty("username").GetString() != manifest.ReaderUsername)
                    {
                        failures.Add("verify_credentials is not the reader's account");
                    }

                    if (root.GetProperty("following_count").GetInt64() != manifest.Followed)
                    {
                        failures.Add($"the reader follows {root.GetProperty("following_count").GetInt64()} accounts, not {manifest.Followed}");
                    }

                    break;
            }
        }

        foreach (var failure in failures)
        {
            output.WriteLine("FAILED: " + failure);
        }

        return failures.Count == 0 ? 0 : 1;
    }

    private static IEnumerable<string> CheckPage(string name, JsonElement page, HashSet<string>? authors, int expected)
    {
        if (page.ValueKind != JsonValueKind.Array)
        {
            yield return $"{name} is not an array";
            yield break;
        }

        if (page.GetArrayLength() != expected)
        {
            yield return $"{name} has {page.GetArrayLength()} statuses, not {expected}";
        }

        long previous = long.MaxValue;
        foreach (var status in page.EnumerateArray())
        {
            var id = long.Parse(status.GetProperty("id").GetString()!, CultureInfo.InvariantCulture);
            if (id >= previous)
            {
                yield return $"{name} is not newest first";
            }

            previous = id;
            var username = status.GetProperty("account").GetProperty("username").GetString();
            if (authors is not null && (username is null || !authors.Contains(username)))
            {
                yield return $"{name} has a status by {username}, whom the reader does not follow";
            }
        }
    }
}
