namespace Serverless.Core.Errors;

/// <summary>
/// Failures a client caused and can understand. The HTTP layer maps them to Mastodon's error
/// bodies: <see cref="ValidationFailedException"/> → 422, <see cref="RecordNotFoundException"/> → 404,
/// <see cref="ForbiddenException"/> → 403.
/// </summary>
public abstract class DomainException(string message) : Exception(message);

/// <summary>Input that breaks a rule. <see cref="Details"/> maps a field to its errors, as Mastodon's registration errors do.</summary>
public sealed class ValidationFailedException : DomainException
{
    public ValidationFailedException(string message)
        : base(message)
    {
    }

    public ValidationFailedException(string message, IReadOnlyDictionary<string, IReadOnlyList<FieldError>> details)
        : base(message)
    {
        Details = details;
    }

    public IReadOnlyDictionary<string, IReadOnlyList<FieldError>>? Details { get; }

    public static ValidationFailedException ForField(string field, string code, string description)
    {
        var title = char.ToUpperInvariant(field[0]) + field[1..].Replace('_', ' ');
        return new($"Validation failed: {title} {description}", new Dictionary<string, IReadOnlyList<FieldError>>
        {
            [field] = [new FieldError(code, description)],
        });
    }
}

/// <summary>One error of one field: a code such as <c>ERR_TAKEN</c> and a description.</summary>
public sealed record FieldError(string Error, string Description);

public sealed class RecordNotFoundException() : DomainException("Record not found");

public sealed class ForbiddenException(string message) : DomainException(message);
