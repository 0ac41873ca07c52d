using System.Text.Json.Serialization;

namespace Serverless.Tests.Storage;

/// <summary>A small document for the store tests; it carries id and pk in its body as Cosmos DB needs.</summary>
public sealed record TestDocument
{
    public required string Id { get; init; }

    public required string Pk { get; init; }

    public string Kind { get; init; } = "note";

    public long Score { get; init; }

    public bool Flag { get; init; }

    public string? Text { get; init; }

    public TestCounts? Counts { get; init; }
}

public sealed record TestCounts
{
    public long Replies { get; init; }

    public long Favourites { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TestDocument))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
public sealed partial class TestJsonContext : JsonSerializerContext;
