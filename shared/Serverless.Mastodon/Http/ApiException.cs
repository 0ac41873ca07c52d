namespace Serverless.Mastodon.Http;

/// <summary>A failure with a Mastodon error body: <c>{"error": Error, "error_description": Description}</c>.</summary>
public sealed class ApiException(int status, string error, string? description = null) : Exception(error)
{
    public int Status { get; } = status;

    public string Error { get; } = error;

    public string? Description { get; } = description;

    public static ApiException NotFound() => new(404, "Record not found");

    public static ApiException Unauthorized() => new(401, "The access token is invalid");

    public static ApiException OutsideScopes() => new(403, "This action is outside the authorized scopes");

    public static ApiException UserRequired() => new(422, "This method requires an authenticated user");

    public static ApiException Unprocessable(string error) => new(422, error);

    public static ApiException BadRequest(string error) => new(400, error);
}
