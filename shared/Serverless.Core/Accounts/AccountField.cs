namespace Serverless.Core.Accounts;

/// <summary>
/// One profile metadata field. <see cref="Value"/> is the HTML shown to everyone (links made
/// clickable); <see cref="ValueSource"/> is what the owner typed, returned in <c>source.fields</c>.
/// </summary>
public sealed record AccountField(string Name, string Value, string? ValueSource = null, DateTimeOffset? VerifiedAt = null);
