using System.Text.Json.Serialization;

namespace Serverless.Core.Filters;

/// <summary>
/// Source-generated serialisation of the filter and tag records, with the options of
/// <see cref="Json.StoreJsonContext"/> (kept apart so that this area does not edit the shared context).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(FilterRecord))]
[JsonSerializable(typeof(FilterHolderRecord))]
[JsonSerializable(typeof(Tags.TagFollowRecord))]
[JsonSerializable(typeof(Tags.FeaturedTagRecord))]
public sealed partial class FiltersStoreJsonContext : JsonSerializerContext;
