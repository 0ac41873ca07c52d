using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using Serverless.Azure.Cosmos;
using Serverless.Core.Storage;
using Serverless.Tests.Storage;
using PatchOperation = Serverless.Core.Storage.PatchOperation;

namespace Serverless.Tests.Azure.Cosmos;

/// <summary>
/// What the Cosmos adapter adds over the contract: the checks the local server does not make
/// (size, ids, keys), the item shape, the request charges, and 429s as back-pressure.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosDocumentStoreTests(CosmosTestServer server)
{
    private const string Container = Containers.Statuses;

    private readonly string _run = Guid.NewGuid().ToString("N")[..12];

    private static CancellationToken Ct => CancellationToken.None;

    private CosmosDocumentStore Store => server.Store;

    private string Pk(string name) => $"{name}-{_run}";

    private static TestDocument Doc(string pk, string id, string? text = null, long score = 0) => new() { Id = id, Pk = pk, Text = text, Score = score };

    [Fact]
    public async Task Documents_over_two_megabytes_are_refused_before_any_request_and_smaller_ones_are_kept()
    {
        var pk = Pk("big");
        var type = TestJsonContext.Default.TestDocument;
        var big = Doc(pk, "big", text: new string('x', CosmosDocumentStore.MaxItemBytes));
        var before = server.Charges.Snapshot();

        var create = await Assert.ThrowsAsync<DocumentStoreException>(() => Store.CreateAsync(Container, pk, "big", big, type, Ct));
        Assert.Contains("2097152", create.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<DocumentStoreException>(() => Store.UpsertAsync(Container, pk, "big", big, type, null, Ct));
        await Assert.ThrowsAsync<DocumentStoreException>(() => Store.ReplaceAsync(Container, pk, "big", big, type, null, Ct));
        // Non-ASCII text counts in bytes: 800 K of 'é' is 1.6 MB of UTF-8 and, escaped as \u00e9 by the store's JSON options, far more.
        await Assert.ThrowsAsync<DocumentStoreException>(() => Store.CreateAsync(Container, pk, "wide", Doc(pk, "wide", text: new string('é', 800_000)), type, Ct));
        Assert.Empty(server.Charges.Snapshot().Since(before).Rows);

        var large = Doc(pk, "large", text: new string('y', CosmosDocumentStore.MaxItemBytes - 4096));
        await Store.CreateAsync(Container, pk, "large", large, type, Ct);
        Assert.Equal(large.Text, (await Store.ReadAsync(Container, pk, "large", type, Ct))!.Value.Text);
    }

    [Fact]
    public async Task Bad_ids_and_partition_keys_are_refused_before_any_request()
    {
        var pk = Pk("bad");
        var type = TestJsonContext.Default.TestDocument;
        var before = server.Charges.Snapshot();
        string[] badIds = ["a/b", "a\\b", "a?b", "a#b", "", new string('é', 512)];
        foreach (var id in badIds)
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CreateAsync(Container, pk, id, Doc(pk, id), type, Ct));
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.UpsertAsync(Container, pk, id, Doc(pk, id), type, null, Ct));
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ReplaceAsync(Container, pk, id, Doc(pk, id), type, null, Ct));
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ReadAsync(Container, pk, id, type, Ct));
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DeleteAsync(Container, pk, id, null, Ct));
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.PatchAsync(Container, pk, id, [PatchOperation.Increment("/score", 1)], null, Ct));
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ReadManyAsync(Container, [new DocumentKey(pk, "ok"), new DocumentKey(pk, id)], type, Ct));
        }

        var longKey = new string('k', CosmosDocumentStore.MaxPartitionKeyBytes + 1);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CreateAsync(Container, longKey, "a", Doc(longKey, "a"), type, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.QueryAsync(Container, new DocumentQuery(longKey), type, Ct));
        Assert.Empty(server.Charges.Snapshot().Since(before).Rows);

        // The longest id Cosmos DB takes (1023 bytes) is fine.
        var longest = new string('i', CosmosDocumentStore.MaxIdBytes);
        await Store.CreateAsync(Container, pk, longest, Doc(pk, longest), type, Ct);
        Assert.NotNull(await Store.ReadAsync(Container, pk, longest, type, Ct));
    }

    [Fact]
    public async Task An_item_is_id_and_pk_beside_the_record_which_keeps_its_own_id()
    {
        // A notification's own id is its Mastodon id; its item id is the sortable form.
        var pk = Pk("shape");
        var record = new JsonObject { ["id"] = "12345", ["pk"] = "not-the-partition", ["text"] = "kept as written" };
        var etag = await Store.CreateAsync(Container, pk, "000000000012345", record, TestJsonContext.Default.JsonObject, Ct);

        using var raw = await server.RawContainer(Container).ReadItemStreamAsync("000000000012345", new PartitionKey(pk), cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        var item = (await JsonNode.ParseAsync(raw.Content, cancellationToken: Ct))!.AsObject();
        Assert.Equal("000000000012345", item["id"]!.GetValue<string>());
        Assert.Equal(pk, item["pk"]!.GetValue<string>());
        Assert.Equal(record.ToJsonString(), item[CosmosContainers.DocumentProperty]!.ToJsonString());

        var read = await Store.ReadAsync(Container, pk, "000000000012345", TestJsonContext.Default.JsonObject, Ct);
        Assert.Equal(etag, read!.ETag);
        Assert.Equal("12345", read.Value["id"]!.GetValue<string>());
        var page = await Store.QueryAsync(Container, new DocumentQuery(pk), TestJsonContext.Default.JsonObject, Ct);
        Assert.Equal("000000000012345", Assert.Single(page.Items).Id);
        Assert.Equal(etag, page.Items[0].ETag);
    }

    [Fact]
    public async Task Every_operation_records_its_request_charge_by_container_and_operation()
    {
        var pk = Pk("charges");
        var type = TestJsonContext.Default.TestDocument;
        var measured = new List<(double Charge, string? Container, string? Operation)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CosmosRequestCharges.MeterName && instrument.Name == CosmosRequestCharges.HistogramName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            string? container = null, operation = null;
            foreach (var tag in tags)
            {
                container = tag.Key == "container" ? tag.Value as string : container;
                operation = tag.Key == "operation" ? tag.Value as string : operation;
            }

            lock (measured)
            {
                measured.Add((value, container, operation));
            }
        });
        listener.Start();

        var before = server.Charges.Snapshot();
        var etag = await Store.CreateAsync(Container, pk, "a", Doc(pk, "a"), type, Ct);
        await Store.ReadAsync(Container, pk, "a", type, Ct);
        await Store.ReadAsync(Container, pk, "missing", type, Ct);
        etag = await Store.UpsertAsync(Container, pk, "a", Doc(pk, "a", text: "2"), type, null, Ct);
        await Store.ReplaceAsync(Container, pk, "a", Doc(pk, "a", text: "3"), type, null, Ct);
        await Store.PatchAsync(Container, pk, "a", [PatchOperation.Increment("/score", 1)], null, Ct);
        await Store.QueryAsync(Container, new DocumentQuery(pk), type, Ct);
        await Store.ReadManyAsync(Container, [new DocumentKey(pk, "a"), new DocumentKey(pk, "b")], type, Ct);
        await Store.DeleteAsync(Container, pk, "a", null, Ct);
        var spent = server.Charges.Snapshot().Since(before);

        Assert.Equal(
            [("create", 1L), ("delete", 1L), ("patch", 1L), ("query", 1L), ("read", 2L), ("read_many", 1L), ("replace", 1L), ("upsert", 1L)],
            spent.Rows.Select(r => (r.Operation, r.Requests)).OrderBy(r => r.Operation, StringComparer.Ordinal));
        Assert.All(spent.Rows, r => Assert.Equal(Container, r.Container));
        // The local server charges 1 RU for every request; Cosmos DB charges what it costs.
        Assert.All(spent.Rows, r => Assert.True(r.RequestUnits >= r.Requests, $"{r.Operation}: {r.RequestUnits} RU"));
        lock (measured)
        {
            Assert.Contains(measured, m => m is { Container: Container, Operation: "create" } && m.Charge > 0);
            Assert.Contains(measured, m => m is { Container: Container, Operation: "query" } && m.Charge > 0);
        }
    }

    [Fact]
    public async Task A_patch_on_existing_objects_is_one_request_and_one_that_needs_a_parent_reads_and_replaces()
    {
        var pk = Pk("patch-cost");
        var type = TestJsonContext.Default.TestDocument;
        await Store.CreateAsync(Container, pk, "a", Doc(pk, "a"), type, Ct);

        var before = server.Charges.Snapshot();
        await Store.PatchAsync(Container, pk, "a", [PatchOperation.Increment("/counts/replies", 1)], null, Ct);
        var first = server.Charges.Snapshot().Since(before);
        Assert.Equal((1, 1, 1), (first.RequestsOf("patch"), first.RequestsOf("read"), first.RequestsOf("replace")));

        before = server.Charges.Snapshot();
        await Store.PatchAsync(Container, pk, "a", [PatchOperation.Increment("/counts/replies", 1), PatchOperation.Increment("/score", 2)], null, Ct);
        var second = server.Charges.Snapshot().Since(before);
        Assert.Equal(1, second.Requests);
        var read = (await Store.ReadAsync(Container, pk, "a", type, Ct))!.Value;
        Assert.Equal((2, 2), (read.Counts!.Replies, read.Score));
    }

    [Fact]
    public async Task Patch_refuses_what_Cosmos_refuses_and_changes_nothing()
    {
        var pk = Pk("patch-bad");
        var type = TestJsonContext.Default.TestDocument;
        var etag = await Store.CreateAsync(Container, pk, "1", Doc(pk, "1", text: "t"), type, Ct);

        await Assert.ThrowsAsync<DocumentStoreException>(() =>
            Store.PatchAsync(Container, pk, "1", [PatchOperation.Increment("/score", 1), PatchOperation.Remove("/nothing")], null, Ct));
        await Assert.ThrowsAsync<DocumentStoreException>(() =>
            Store.PatchAsync(Container, pk, "1", [PatchOperation.Increment("/text", 1)], null, Ct));
        var read = await Store.ReadAsync(Container, pk, "1", type, Ct);
        Assert.Equal((0L, etag), (read!.Value.Score, read.ETag));

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.PatchAsync(Container, pk, "1", [PatchOperation.Set("/id", JsonValue.Create("2"))], null, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.PatchAsync(Container, pk, "1", [PatchOperation.Set("/pk", JsonValue.Create("2"))], null, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.PatchAsync(Container, pk, "1", [PatchOperation.Set("score", JsonValue.Create(2))], null, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.PatchAsync(Container, pk, "1", [], null, Ct));
    }

    [Fact]
    public async Task Patch_reaches_into_arrays_and_escaped_names()
    {
        var pk = Pk("patch-array");
        var type = TestJsonContext.Default.JsonObject;
        await Store.CreateAsync(Container, pk, "1", new JsonObject { ["tags"] = new JsonArray("a", "b", "c") }, type, Ct);
        await Store.PatchAsync(Container, pk, "1",
        [
            PatchOperation.Set("/tags/0", JsonValue.Create("A")),
            PatchOperation.Remove("/tags/1"),
            PatchOperation.Set("/tags/-", JsonValue.Create("d")),
            PatchOperation.Set("/a~1b", JsonValue.Create(1)),
        ], null, Ct);
        var read = await Store.ReadAsync(Container, pk, "1", type, Ct);
        Assert.Equal("""["A","c","d"]""", read!.Value["tags"]!.ToJsonString());
        Assert.Equal(1, read.Value["a/b"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_patch_with_a_stale_etag_fails_even_when_it_needs_a_parent()
    {
        var pk = Pk("patch-stale-parent");
        var type = TestJsonContext.Default.TestDocument;
        var stale = await Store.CreateAsync(Container, pk, "a", Doc(pk, "a"), type, Ct);
        var current = await Store.PatchAsync(Container, pk, "a", [PatchOperation.Increment("/score", 1)], stale, Ct);
        await Assert.ThrowsAsync<DocumentPreconditionFailedException>(() =>
            Store.PatchAsync(Container, pk, "a", [PatchOperation.Increment("/counts/replies", 1)], stale, Ct));
        Assert.Null((await Store.ReadAsync(Container, pk, "a", type, Ct))!.Value.Counts);
        await Store.PatchAsync(Container, pk, "a", [PatchOperation.Increment("/counts/replies", 1)], current, Ct);
        Assert.Equal(1, (await Store.ReadAsync(Container, pk, "a", type, Ct))!.Value.Counts!.Replies);
    }

    [Fact]
    public async Task A_continuation_token_from_elsewhere_is_rejected()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            Store.QueryAsync(Container, new DocumentQuery(Pk("q")) { Continuation = "not-a-token!" }, TestJsonContext.Default.TestDocument, Ct));
    }

    [Fact]
    public async Task A_request_still_throttled_after_the_SDK_retries_is_back_pressure_with_the_wait_asked()
    {
        var throttler = new Throttler { Remaining = int.MaxValue };
        using var client = CosmosClientFactory.Create(server.Options(inner => new ThrottlingHandler(inner, throttler)) with
        {
            MaxRetryAttemptsOnThrottle = 2,
            MaxRetryWaitOnThrottle = TimeSpan.FromSeconds(10),
        });
        using var charges = new CosmosRequestCharges();
        var store = new CosmosDocumentStore(client, server.Options(), charges);
        var pk = Pk("throttled");

        var thrown = await Assert.ThrowsAsync<DocumentStoreThrottledException>(() =>
            store.CreateAsync(Container, pk, "a", Doc(pk, "a"), TestJsonContext.Default.TestDocument, Ct));
        Assert.IsAssignableFrom<DocumentStoreException>(thrown);
        Assert.Equal(TimeSpan.FromMilliseconds(Throttler.RetryAfterMs), thrown.RetryAfter);
        Assert.Equal(("create", Container), (thrown.Operation, thrown.Container));
        Assert.Equal(3, throttler.Seen); // the first try and the SDK's two retries
        Assert.Equal(1, charges.Snapshot().RequestsOf("create"));
        Assert.Null(await server.Store.ReadAsync(Container, pk, "a", TestJsonContext.Default.TestDocument, Ct));
    }

    [Fact]
    public async Task A_request_throttled_fewer_times_than_the_SDK_retries_succeeds()
    {
        var throttler = new Throttler { Remaining = 2 };
        using var client = CosmosClientFactory.Create(server.Options(inner => new ThrottlingHandler(inner, throttler)) with { MaxRetryAttemptsOnThrottle = 3 });
        using var charges = new CosmosRequestCharges();
        var store = new CosmosDocumentStore(client, server.Options(), charges);
        var pk = Pk("throttled-once");

        await store.CreateAsync(Container, pk, "a", Doc(pk, "a", text: "made it"), TestJsonContext.Default.TestDocument, Ct);
        Assert.Equal(3, throttler.Seen);
        Assert.Equal("made it", (await server.Store.ReadAsync(Container, pk, "a", TestJsonContext.Default.TestDocument, Ct))!.Value.Text);
    }

    [Fact]
    public async Task A_missing_container_is_a_store_error_not_a_missing_document()
    {
        var throttler = new Throttler { Remaining = int.MaxValue, Status = HttpStatusCode.NotFound, SubStatus = "1003" };
        using var client = CosmosClientFactory.Create(server.Options(inner => new ThrottlingHandler(inner, throttler)));
        using var charges = new CosmosRequestCharges();
        var store = new CosmosDocumentStore(client, server.Options(), charges);

        var thrown = await Assert.ThrowsAsync<DocumentStoreException>(() =>
            store.ReadAsync(Container, Pk("gone"), "a", TestJsonContext.Default.TestDocument, Ct));
        Assert.Contains("does not exist", thrown.Message, StringComparison.Ordinal);
    }

    /// <summary>How the fake gateway answers item requests: how many more times, with what.</summary>
    private sealed class Throttler
    {
        public const int RetryAfterMs = 15;

        public int Remaining;

        public int Seen;

        public HttpStatusCode Status { get; init; } = HttpStatusCode.TooManyRequests;

        public string SubStatus { get; init; } = "3200";
    }

    /// <summary>Answers item requests (…/docs…) as <see cref="Throttler"/> says, below the SDK's retry policy; the rest passes through.</summary>
    private sealed class ThrottlingHandler(HttpMessageHandler inner, Throttler throttler) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.Contains("/docs", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref throttler.Seen);
                if (Interlocked.Decrement(ref throttler.Remaining) >= 0)
                {
                    var response = new HttpResponseMessage(throttler.Status)
                    {
                        RequestMessage = request,
                        Content = new StringContent("""{"code":"TooManyRequests","message":"Request rate is large."}""", Encoding.UTF8, "application/json"),
                    };
                    response.Headers.Add("x-ms-retry-after-ms", Throttler.RetryAfterMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    response.Headers.Add("x-ms-substatus", throttler.SubStatus);
                    response.Headers.Add("x-ms-request-charge", "0.5");
                    response.Headers.Add("x-ms-activity-id", Guid.NewGuid().ToString());
                    return Task.FromResult(response);
                }
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
