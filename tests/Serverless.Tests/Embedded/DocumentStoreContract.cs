using System.Text.Json.Nodes;
using Serverless.Core.Ids;
using Serverless.Core.Storage;

namespace Serverless.Tests.Storage;

/// <summary>
/// What every <see cref="IDocumentStore"/> must do. An adapter's test class inherits this and
/// supplies the store. Every test works in partitions of its own, so a shared, non-empty
/// container (a Cosmos DB account) is fine.
/// </summary>
public abstract class DocumentStoreContract : IAsyncLifetime
{
    private const string Container = Containers.Statuses;
    private readonly string _run = Guid.NewGuid().ToString("N")[..12];
    private IDocumentStore? _store;

    protected IDocumentStore Store => _store ?? throw new InvalidOperationException("The store is not created yet.");

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>Creates the store under test (called once per test).</summary>
    protected abstract Task<IDocumentStore> CreateStoreAsync();

    /// <summary>Releases the store and whatever it keeps (files, clients).</summary>
    protected abstract Task DisposeStoreAsync(IDocumentStore store);

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await DisposeStoreAsync(_store);
        }
    }

    /// <summary>A partition key unique to this test run.</summary>
    protected string Pk(string name) => $"{name}-{_run}";

    protected static string Id(long n) => SnowflakeIds.Sortable(n);

    protected static TestDocument Doc(string pk, string id, string kind = "note", long score = 0, bool flag = false, string? text = null) =>
        new() { Id = id, Pk = pk, Kind = kind, Score = score, Flag = flag, Text = text };

    private Task<string> CreateAsync(TestDocument doc) => Store.CreateAsync(Container, doc.Pk, doc.Id, doc, TestJsonContext.Default.TestDocument, Ct);

    private Task<StoredDocument<TestDocument>?> ReadAsync(string pk, string id) => Store.ReadAsync(Container, pk, id, TestJsonContext.Default.TestDocument, Ct);

    private async Task<List<string>> SeedAsync(string pk, int count, Func<int, TestDocument>? make = null)
    {
        var ids = new List<string>();
        for (var i = 1; i <= count; i++)
        {
            var doc = make?.Invoke(i) ?? Doc(pk, Id(i * 10), score: i);
            await CreateAsync(doc);
            ids.Add(doc.Id);
        }

        return ids;
    }

    private Task<DocumentPage<TestDocument>> QueryAsync(DocumentQuery query) => Store.QueryAsync(Container, query, TestJsonContext.Default.TestDocument, Ct);

    [Fact]
    public async Task Create_then_read_returns_the_document_and_its_etag()
    {
        var pk = Pk("create");
        var etag = await CreateAsync(Doc(pk, "a", text: "hello"));
        var read = await ReadAsync(pk, "a");
        Assert.NotNull(read);
        Assert.Equal(etag, read.ETag);
        Assert.Equal(pk, read.PartitionKey);
        Assert.Equal("a", read.Id);
        Assert.Equal("hello", read.Value.Text);
        Assert.False(string.IsNullOrEmpty(etag));
    }

    [Fact]
    public async Task Create_of_a_taken_id_throws_conflict_and_keeps_the_first()
    {
        var pk = Pk("dup");
        await CreateAsync(Doc(pk, "a", text: "first"));
        await Assert.ThrowsAsync<DocumentConflictException>(() => CreateAsync(Doc(pk, "a", text: "second")));
        Assert.Equal("first", (await ReadAsync(pk, "a"))!.Value.Text);

        // The same id in another partition is a different document.
        await CreateAsync(Doc(Pk("dup-other"), "a"));
    }

    [Fact]
    public async Task Read_of_a_missing_document_or_wrong_partition_returns_null()
    {
        var pk = Pk("missing");
        Assert.Null(await ReadAsync(pk, "nope"));
        await CreateAsync(Doc(pk, "a"));
        Assert.Null(await ReadAsync(Pk("elsewhere"), "a"));
    }

    [Fact]
    public async Task Upsert_creates_then_replaces_with_a_new_etag()
    {
        var pk = Pk("upsert");
        var type = TestJsonContext.Default.TestDocument;
        var first = await Store.UpsertAsync(Container, pk, "a", Doc(pk, "a", text: "v1"), type, null, Ct);
        var second = await Store.UpsertAsync(Container, pk, "a", Doc(pk, "a", text: "v2"), type, null, Ct);
        Assert.NotEqual(first, second);
        var read = await ReadAsync(pk, "a");
        Assert.Equal("v2", read!.Value.Text);
        Assert.Equal(second, read.ETag);

        var third = await Store.UpsertAsync(Container, pk, "a", Doc(pk, "a", text: "v3"), type, second, Ct);
        Assert.Equal("v3", (await ReadAsync(pk, "a"))!.Value.Text);
        Assert.NotEqual(second, third);
    }

    [Fact]
    public async Task Replace_of_a_missing_document_throws_not_found()
    {
        var pk = Pk("replace-missing");
        await Assert.ThrowsAsync<DocumentNotFoundException>(() =>
            Store.ReplaceAsync(Container, pk, "a", Doc(pk, "a"), TestJsonContext.Default.TestDocument, null, Ct));
        Assert.Null(await ReadAsync(pk, "a"));
    }

    [Fact]
    public async Task Replace_writes_with_the_current_etag_and_fails_with_a_stale_one()
    {
        var pk = Pk("replace");
        var type = TestJsonContext.Default.TestDocument;
        var stale = await CreateAsync(Doc(pk, "a", text: "v1"));
        var current = await Store.ReplaceAsync(Container, pk, "a", Doc(pk, "a", text: "v2"), type, stale, Ct);

        await Assert.ThrowsAsync<DocumentPreconditionFailedException>(() =>
            Store.ReplaceAsync(Container, pk, "a", Doc(pk, "a", text: "lost"), type, stale, Ct));
        var read = await ReadAsync(pk, "a");
        Assert.Equal("v2", read!.Value.Text);
        Assert.Equal(current, read.ETag);
    }

    [Fact]
    public async Task Upsert_with_a_stale_etag_fails_and_with_an_etag_on_a_missing_document_fails()
    {
        var pk = Pk("upsert-stale");
        var type = TestJsonContext.Default.TestDocument;
        var stale = await CreateAsync(Doc(pk, "a", text: "v1"));
        await Store.UpsertAsync(Container, pk, "a", Doc(pk, "a", text: "v2"), type, null, Ct);

        await Assert.ThrowsAsync<DocumentPreconditionFailedException>(() =>
            Store.UpsertAsync(Container, pk, "a", Doc(pk, "a", text: "lost"), type, stale, Ct));
        Assert.Equal("v2", (await ReadAsync(pk, "a"))!.Value.Text);

        await Assert.ThrowsAsync<DocumentPreconditionFailedException>(() =>
            Store.UpsertAsync(Container, pk, "b", Doc(pk, "b"), type, stale, Ct));
        Assert.Null(await ReadAsync(pk, "b"));
    }

    [Fact]
    public async Task Delete_removes_the_document_and_returns_false_when_missing()
    {
        var pk = Pk("delete");
        await CreateAsync(Doc(pk, "a"));
        Assert.True(await Store.DeleteAsync(Container, pk, "a", null, Ct));
        Assert.Null(await ReadAsync(pk, "a"));
        Assert.False(await Store.DeleteAsync(Container, pk, "a", null, Ct));
    }

    [Fact]
    public async Task Delete_with_a_stale_etag_fails_and_keeps_the_document()
    {
        var pk = Pk("delete-stale");
        var type = TestJsonContext.Default.TestDocument;
        var stale = await CreateAsync(Doc(pk, "a", text: "v1"));
        var current = await Store.UpsertAsync(Container, pk, "a", Doc(pk, "a", text: "v2"), type, null, Ct);

        await Assert.ThrowsAsync<DocumentPreconditionFailedException>(() => Store.DeleteAsync(Container, pk, "a", stale, Ct));
        Assert.NotNull(await ReadAsync(pk, "a"));
        Assert.True(await Store.DeleteAsync(Container, pk, "a", current, Ct));
        Assert.Null(await ReadAsync(pk, "a"));
    }

    [Fact]
    public async Task Patch_sets_increments_and_removes_top_level_and_nested_fields()
    {
        var pk = Pk("patch");
        var before = await CreateAsync(Doc(pk, "a", score: 5, text: "old"));
        var etag = await Store.PatchAsync(Container, pk, "a",
        [
            PatchOperation.Set("/text", JsonValue.Create("new")),
            PatchOperation.Increment("/score", 3),
            PatchOperation.Set("/flag", JsonValue.Create(true)),
            PatchOperation.Increment("/counts/replies", 2),
            PatchOperation.Set("/counts/favourites", JsonValue.Create(7)),
        ], null, Ct);

        var read = await ReadAsync(pk, "a");
        Assert.NotEqual(before, etag);
        Assert.Equal(etag, read!.ETag);
        Assert.Equal("new", read.Value.Text);
        Assert.Equal(8, read.Value.Score);
        Assert.True(read.Value.Flag);
        Assert.Equal(new TestCounts { Replies = 2, Favourites = 7 }, read.Value.Counts);

        await Store.PatchAsync(Container, pk, "a",
        [
            PatchOperation.Increment("/counts/replies", -1),
            PatchOperation.Remove("/text"),
        ], etag, Ct);
        read = await ReadAsync(pk, "a");
        Assert.Null(read!.Value.Text);
        Assert.Equal(1, read.Value.Counts!.Replies);
        Assert.Equal(7, read.Value.Counts.Favourites);
    }

    [Fact]
    public async Task Patch_with_a_stale_etag_fails_and_does_not_write()
    {
        var pk = Pk("patch-stale");
        var stale = await CreateAsync(Doc(pk, "a", score: 1));
        await Store.PatchAsync(Container, pk, "a", [PatchOperation.Increment("/score", 1)], null, Ct);

        await Assert.ThrowsAsync<DocumentPreconditionFailedException>(() =>
            Store.PatchAsync(Container, pk, "a", [PatchOperation.Increment("/score", 100)], stale, Ct));
        Assert.Equal(2, (await ReadAsync(pk, "a"))!.Value.Score);
    }

    [Fact]
    public async Task Patch_of_a_missing_document_throws_not_found()
    {
        await Assert.ThrowsAsync<DocumentNotFoundException>(() =>
            Store.PatchAsync(Container, Pk("patch-missing"), "a", [PatchOperation.Increment("/score", 1)], null, Ct));
    }

    [Fact]
    public async Task Patch_with_more_than_ten_operations_is_rejected()
    {
        var pk = Pk("patch-many");
        await CreateAsync(Doc(pk, "a"));
        var operations = Enumerable.Range(0, 11).Select(_ => PatchOperation.Increment("/score", 1)).ToList();
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PatchAsync(Container, pk, "a", operations, null, Ct));
        Assert.Equal(0, (await ReadAsync(pk, "a"))!.Value.Score);

        await Store.PatchAsync(Container, pk, "a", operations.Take(10).ToList(), null, Ct);
        Assert.Equal(10, (await ReadAsync(pk, "a"))!.Value.Score);
    }

    [Fact]
    public async Task Query_orders_by_id_descending_by_default_and_ascending_when_asked()
    {
        var pk = Pk("order");
        var ids = await SeedAsync(pk, 5);

        var descending = await QueryAsync(new DocumentQuery(pk));
        Assert.Equal(ids.AsEnumerable().Reverse(), descending.Items.Select(i => i.Id));
        Assert.Null(descending.Continuation);
        Assert.All(descending.Items, i => Assert.Equal(pk, i.PartitionKey));
        Assert.All(descending.Items, i => Assert.False(string.IsNullOrEmpty(i.ETag)));

        var ascending = await QueryAsync(new DocumentQuery(pk) { Descending = false });
        Assert.Equal(ids, ascending.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task Query_bounds_are_exclusive()
    {
        var pk = Pk("bounds");
        await SeedAsync(pk, 6); // ids 10..60

        var before = await QueryAsync(new DocumentQuery(pk) { IdBefore = Id(40) });
        Assert.Equal([Id(30), Id(20), Id(10)], before.Items.Select(i => i.Id));

        var after = await QueryAsync(new DocumentQuery(pk) { IdAfter = Id(40) });
        Assert.Equal([Id(60), Id(50)], after.Items.Select(i => i.Id));

        var between = await QueryAsync(new DocumentQuery(pk) { IdAfter = Id(10), IdBefore = Id(50), Descending = false });
        Assert.Equal([Id(20), Id(30), Id(40)], between.Items.Select(i => i.Id));

        // Bounds need not be stored ids.
        var loose = await QueryAsync(new DocumentQuery(pk) { IdAfter = Id(15), IdBefore = Id(35) });
        Assert.Equal([Id(30), Id(20)], loose.Items.Select(i => i.Id));
    }

    [Theory]
    [InlineData(true, 3)]
    [InlineData(false, 3)]
    [InlineData(true, 4)]
    [InlineData(false, 1)]
    public async Task Query_pages_through_every_item_exactly_once(bool descending, int limit)
    {
        var pk = Pk("paging");
        var ids = await SeedAsync(pk, 9);
        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await QueryAsync(new DocumentQuery(pk) { Descending = descending, Limit = limit, Continuation = continuation });
            Assert.InRange(page.Items.Count, 1, limit);
            seen.AddRange(page.Items.Select(i => i.Id));
            continuation = page.Continuation;
            Assert.True(++pages <= 9, "paging did not end");
        }
        while (continuation is not null);

        Assert.Equal(descending ? ids.AsEnumerable().Reverse() : ids, seen);
        Assert.Equal((9 + limit - 1) / limit, pages);
    }

    [Fact]
    public async Task Query_continuation_respects_the_original_bound()
    {
        var pk = Pk("paging-bound");
        await SeedAsync(pk, 8); // 10..80
        var first = await QueryAsync(new DocumentQuery(pk) { IdBefore = Id(70), Limit = 2 });
        Assert.Equal([Id(60), Id(50)], first.Items.Select(i => i.Id));
        var second = await QueryAsync(new DocumentQuery(pk) { IdBefore = Id(70), Limit = 2, Continuation = first.Continuation });
        Assert.Equal([Id(40), Id(30)], second.Items.Select(i => i.Id));

        var up = await QueryAsync(new DocumentQuery(pk) { IdAfter = Id(20), IdBefore = Id(70), Limit = 3, Descending = false });
        Assert.Equal([Id(30), Id(40), Id(50)], up.Items.Select(i => i.Id));
        var upNext = await QueryAsync(new DocumentQuery(pk) { IdAfter = Id(20), IdBefore = Id(70), Limit = 3, Descending = false, Continuation = up.Continuation });
        Assert.Equal([Id(60)], upNext.Items.Select(i => i.Id));
        Assert.Null(upNext.Continuation);
    }

    [Fact]
    public async Task Query_filters_on_top_level_strings_numbers_and_booleans()
    {
        var pk = Pk("filters");
        await SeedAsync(pk, 6, i => Doc(pk, Id(i), kind: i % 2 == 0 ? "even" : "odd", score: i % 3, flag: i > 3));

        var even = await QueryAsync(new DocumentQuery(pk) { Filters = [new FieldFilter("kind", JsonValue.Create("even"))] });
        Assert.Equal([Id(6), Id(4), Id(2)], even.Items.Select(i => i.Id));

        var scoreZero = await QueryAsync(new DocumentQuery(pk) { Filters = [new FieldFilter("score", JsonValue.Create(0))] });
        Assert.Equal([Id(6), Id(3)], scoreZero.Items.Select(i => i.Id));

        var flagged = await QueryAsync(new DocumentQuery(pk) { Descending = false, Filters = [new FieldFilter("flag", JsonValue.Create(true))] });
        Assert.Equal([Id(4), Id(5), Id(6)], flagged.Items.Select(i => i.Id));

        var both = await QueryAsync(new DocumentQuery(pk)
        {
            Filters = [new FieldFilter("kind", JsonValue.Create("odd")), new FieldFilter("flag", JsonValue.Create(false))],
        });
        Assert.Equal([Id(3), Id(1)], both.Items.Select(i => i.Id));

        // A string "1" is not the number 1.
        var typed = await QueryAsync(new DocumentQuery(pk) { Filters = [new FieldFilter("score", JsonValue.Create("1"))] });
        Assert.Empty(typed.Items);

        // Filters and paging together.
        var page = await QueryAsync(new DocumentQuery(pk) { Limit = 1, Filters = [new FieldFilter("kind", JsonValue.Create("even"))] });
        var next = await QueryAsync(new DocumentQuery(pk) { Limit = 1, Continuation = page.Continuation, Filters = [new FieldFilter("kind", JsonValue.Create("even"))] });
        Assert.Equal(Id(6), Assert.Single(page.Items).Id);
        Assert.Equal(Id(4), Assert.Single(next.Items).Id);
    }

    [Fact]
    public async Task Query_never_returns_items_of_another_partition()
    {
        var pk = Pk("home");
        var other = Pk("home-other");
        var otherAsPrefix = pk + "x";
        await SeedAsync(pk, 3);
        await SeedAsync(other, 3, i => Doc(other, Id(i * 10 + 5)));
        await SeedAsync(otherAsPrefix, 2, i => Doc(otherAsPrefix, Id(i * 10 + 1)));

        var page = await QueryAsync(new DocumentQuery(pk) { Limit = 100 });
        Assert.Equal([Id(30), Id(20), Id(10)], page.Items.Select(i => i.Id));
        Assert.Empty((await QueryAsync(new DocumentQuery(Pk("empty")))).Items);
    }

    [Fact]
    public async Task ReadMany_keeps_the_order_asked_and_skips_missing_documents()
    {
        var a = Pk("many-a");
        var b = Pk("many-b");
        await CreateAsync(Doc(a, "1", text: "a1"));
        await CreateAsync(Doc(a, "2", text: "a2"));
        await CreateAsync(Doc(b, "1", text: "b1"));

        var read = await Store.ReadManyAsync(Container,
            [new DocumentKey(b, "1"), new DocumentKey(a, "missing"), new DocumentKey(a, "2"), new DocumentKey(b, "2"), new DocumentKey(a, "1")],
            TestJsonContext.Default.TestDocument, Ct);
        Assert.Equal(["b1", "a2", "a1"], read.Select(d => d.Value.Text));
        Assert.Equal([b, a, a], read.Select(d => d.PartitionKey));

        Assert.Empty(await Store.ReadManyAsync(Container, [], TestJsonContext.Default.TestDocument, Ct));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a?b")]
    [InlineData("a#b")]
    public async Task Ids_with_characters_Cosmos_cannot_read_back_are_rejected(string id)
    {
        var pk = Pk("bad-ids");
        await Assert.ThrowsAnyAsync<ArgumentException>(() => CreateAsync(Doc(pk, id)));
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            Store.UpsertAsync(Container, pk, id, Doc(pk, id), TestJsonContext.Default.TestDocument, null, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ReadAsync(pk, id));
    }

    [Fact]
    public async Task Concurrent_patch_increments_from_many_tasks_add_up_exactly()
    {
        var pk = Pk("counter");
        await CreateAsync(Doc(pk, "c"));
        const int Tasks = 16;
        const int Each = 25;
        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < Each; i++)
            {
                await Store.PatchAsync(Container, pk, "c", [PatchOperation.Increment("/score", 1), PatchOperation.Increment("/counts/replies", 2)], null, Ct);
            }
        })));

        var read = await ReadAsync(pk, "c");
        Assert.Equal(Tasks * Each, read!.Value.Score);
        Assert.Equal(Tasks * Each * 2, read.Value.Counts!.Replies);
    }
}
