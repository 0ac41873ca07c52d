using System.Text.Json.Nodes;
using Serverless.Core.Storage;
using Serverless.Embedded.Sqlite;
using Serverless.Tests.Storage;

namespace Serverless.Tests.Embedded;

public sealed class SqliteDocumentStoreTests : DocumentStoreContract, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override Task<IDocumentStore> CreateStoreAsync() =>
        Task.FromResult<IDocumentStore>(new SqliteDocumentStore(_directory.File("documents.db")));

    protected override Task DisposeStoreAsync(IDocumentStore store)
    {
        ((SqliteDocumentStore)store).Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_container_outside_the_known_list_is_created_on_first_use()
    {
        var etag = await Store.CreateAsync("scratch_space", "p", "1", Doc("p", "1"), TestJsonContext.Default.TestDocument, Ct);
        var read = await Store.ReadAsync("scratch_space", "p", "1", TestJsonContext.Default.TestDocument, Ct);
        Assert.Equal(etag, read!.ETag);
        Assert.Null(await Store.ReadAsync(Containers.Statuses, "p", "1", TestJsonContext.Default.TestDocument, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ReadAsync("bad name; DROP", "p", "1", TestJsonContext.Default.TestDocument, Ct));
    }

    [Fact]
    public async Task Documents_survive_reopening_the_file()
    {
        var etag = await Store.CreateAsync(Containers.Accounts, "1", "1", Doc("1", "1", text: "kept"), TestJsonContext.Default.TestDocument, Ct);
        ((SqliteDocumentStore)Store).Dispose();

        using var reopened = new SqliteDocumentStore(_directory.File("documents.db"));
        var read = await reopened.ReadAsync(Containers.Accounts, "1", "1", TestJsonContext.Default.TestDocument, Ct);
        Assert.Equal("kept", read!.Value.Text);
        Assert.Equal(etag, read.ETag);
    }

    [Fact]
    public async Task A_continuation_token_from_elsewhere_is_rejected()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            Store.QueryAsync(Containers.Timelines, new DocumentQuery("p") { Continuation = "not-a-token!" }, TestJsonContext.Default.TestDocument, Ct));
    }

    [Fact]
    public async Task Patch_follows_Cosmos_on_bad_paths()
    {
        await Store.CreateAsync(Containers.Statuses, "p", "1", Doc("p", "1", text: "t"), TestJsonContext.Default.TestDocument, Ct);

        // Removing what is not there, or incrementing a string, fails and changes nothing.
        await Assert.ThrowsAsync<DocumentStoreException>(() =>
            Store.PatchAsync(Containers.Statuses, "p", "1", [PatchOperation.Increment("/score", 1), PatchOperation.Remove("/nothing")], null, Ct));
        await Assert.ThrowsAsync<DocumentStoreException>(() =>
            Store.PatchAsync(Containers.Statuses, "p", "1", [PatchOperation.Increment("/text", 1)], null, Ct));
        Assert.Equal(0, (await Store.ReadAsync(Containers.Statuses, "p", "1", TestJsonContext.Default.TestDocument, Ct))!.Value.Score);

        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            Store.PatchAsync(Containers.Statuses, "p", "1", [PatchOperation.Set("/id", JsonValue.Create("2"))], null, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            Store.PatchAsync(Containers.Statuses, "p", "1", [PatchOperation.Set("score", JsonValue.Create(2))], null, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            Store.PatchAsync(Containers.Statuses, "p", "1", [], null, Ct));
    }

    [Fact]
    public async Task Patch_reaches_into_arrays_by_index()
    {
        var type = TestJsonContext.Default.JsonObject;
        var doc = new JsonObject { ["id"] = "1", ["pk"] = "p", ["tags"] = new JsonArray("a", "b", "c") };
        await Store.CreateAsync(Containers.Statuses, "p", "1", doc, type, Ct);
        await Store.PatchAsync(Containers.Statuses, "p", "1",
        [
            PatchOperation.Set("/tags/0", JsonValue.Create("A")),
            PatchOperation.Remove("/tags/1"),
            PatchOperation.Set("/tags/-", JsonValue.Create("d")),
            PatchOperation.Set("/a~1b", JsonValue.Create(1)),
        ], null, Ct);
        var read = await Store.ReadAsync(Containers.Statuses, "p", "1", type, Ct);
        Assert.Equal("""["A","c","d"]""", read!.Value["tags"]!.ToJsonString());
        Assert.Equal(1, read.Value["a/b"]!.GetValue<int>());
    }

    [Fact]
    public async Task Documents_over_two_megabytes_are_rejected_as_on_Cosmos()
    {
        var big = Doc("p", "big", text: new string('x', 2 * 1024 * 1024));
        await Assert.ThrowsAsync<DocumentStoreException>(() =>
            Store.CreateAsync(Containers.Statuses, "p", "big", big, TestJsonContext.Default.TestDocument, Ct));
    }
}
