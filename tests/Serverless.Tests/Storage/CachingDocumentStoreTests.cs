using Serverless.Core.Storage;
using Serverless.Embedded.Sqlite;
using Serverless.Tests.Embedded;

namespace Serverless.Tests.Storage;

/// <summary>The cache in front of SQLite must keep every promise of the store contract.</summary>
public sealed class CachingDocumentStoreTests : DocumentStoreContract, IDisposable
{
    private readonly TempDirectory _directory = new();
    private SqliteDocumentStore? _sqlite;

    protected override Task<IDocumentStore> CreateStoreAsync()
    {
        _sqlite = new SqliteDocumentStore(_directory.File("documents.db"));
        return Task.FromResult<IDocumentStore>(new CachingDocumentStore(_sqlite, new CacheOptions(), TimeProvider.System));
    }

    protected override Task DisposeStoreAsync(IDocumentStore store)
    {
        _sqlite?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_cached_absence_is_forgotten_when_the_document_is_written()
    {
        Assert.Null(await Store.ReadAsync(Containers.Lookups, "k", "k", TestJsonContext.Default.TestDocument, Ct));
        Assert.Empty(await Store.ReadManyAsync(Containers.Lookups, [new DocumentKey("k", "k")], TestJsonContext.Default.TestDocument, Ct));
        await Store.CreateAsync(Containers.Lookups, "k", "k", Doc("k", "k", text: "now here"), TestJsonContext.Default.TestDocument, Ct);
        Assert.Equal("now here", (await Store.ReadAsync(Containers.Lookups, "k", "k", TestJsonContext.Default.TestDocument, Ct))!.Value.Text);
        Assert.Single(await Store.ReadManyAsync(Containers.Lookups, [new DocumentKey("k", "k")], TestJsonContext.Default.TestDocument, Ct));
    }

    [Fact]
    public async Task A_cached_first_page_shows_a_new_write_to_its_partition_at_once()
    {
        var query = new DocumentQuery("timeline") { Limit = 2 };
        await Store.CreateAsync(Containers.Timelines, "timeline", "001", Doc("timeline", "001"), TestJsonContext.Default.TestDocument, Ct);
        Assert.Single((await Store.QueryAsync(Containers.Timelines, query, TestJsonContext.Default.TestDocument, Ct)).Items);
        Assert.Single((await Store.QueryAsync(Containers.Timelines, query, TestJsonContext.Default.TestDocument, Ct)).Items);

        await Store.UpsertAsync(Containers.Timelines, "timeline", "002", Doc("timeline", "002"), TestJsonContext.Default.TestDocument, null, Ct);
        var page = await Store.QueryAsync(Containers.Timelines, query, TestJsonContext.Default.TestDocument, Ct);
        Assert.Equal(["002", "001"], page.Items.Select(i => i.Id));

        await Store.DeleteAsync(Containers.Timelines, "timeline", "002", null, Ct);
        Assert.Equal(["001"], (await Store.QueryAsync(Containers.Timelines, query, TestJsonContext.Default.TestDocument, Ct)).Items.Select(i => i.Id));
    }

    [Fact]
    public async Task Writes_by_another_process_show_after_the_time_to_live()
    {
        var time = new ManualTime();
        using var sqlite = new SqliteDocumentStore(_directory.File("shared.db"));
        var cached = new CachingDocumentStore(sqlite, new CacheOptions { TimeToLive = TimeSpan.FromSeconds(5) }, time);
        await sqlite.CreateAsync(Containers.Accounts, "a", "a", Doc("a", "a", text: "old"), TestJsonContext.Default.TestDocument, Ct);
        Assert.Equal("old", (await cached.ReadAsync(Containers.Accounts, "a", "a", TestJsonContext.Default.TestDocument, Ct))!.Value.Text);

        // Written behind the cache's back, as another process would.
        await sqlite.UpsertAsync(Containers.Accounts, "a", "a", Doc("a", "a", text: "new"), TestJsonContext.Default.TestDocument, null, Ct);
        Assert.Equal("old", (await cached.ReadAsync(Containers.Accounts, "a", "a", TestJsonContext.Default.TestDocument, Ct))!.Value.Text);
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal("new", (await cached.ReadAsync(Containers.Accounts, "a", "a", TestJsonContext.Default.TestDocument, Ct))!.Value.Text);
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks = 1;

        public void Advance(TimeSpan by) => _ticks += (long)(by.TotalSeconds * TimestampFrequency);

        public override long GetTimestamp() => _ticks;

        public override long TimestampFrequency => 1_000_000;
    }
}
