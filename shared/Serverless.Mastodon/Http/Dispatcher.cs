using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Serverless.Core.Accounts;
using Serverless.Core.Configuration;
using Serverless.Core.Errors;
using Serverless.Core.OAuth;
using Serverless.Core.Storage;
using Serverless.Mastodon.Entities;

namespace Serverless.Mastodon.Http;

/// <summary>
/// The one HTTP surface: both hosts hand every request to <see cref="DispatchAsync"/>, so that
/// routing, auth, CORS, errors and pagination behave the same on Azure Functions and on Kestrel.
/// </summary>
public sealed partial class Dispatcher(
    IServiceProvider services,
    RouteTable routes,
    OAuthService oauth,
    AccountService accounts,
    InstanceOptions instance,
    RateLimiter rateLimiter,
    ILogger<Dispatcher> logger)
{
    private static readonly ActivitySource Activities = new("Serverless.Http");

    public IServiceProvider Services { get; } = services;

    public async Task DispatchAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.RequestServices ??= Services;
        var request = context.Request;
        var response = context.Response;
        var path = request.Path.Value ?? "/";

        // Mastodon lets any origin call the API from a browser, with a bearer token and no cookies.
        response.Headers.AccessControlAllowOrigin = "*";
        if (HttpMethods.IsOptions(request.Method))
        {
            response.Headers.AccessControlAllowMethods = "POST, PUT, DELETE, GET, PATCH, OPTIONS";
            response.Headers.AccessControlAllowHeaders = request.Headers.AccessControlRequestHeaders.Count > 0
                ? request.Headers.AccessControlRequestHeaders.ToString()
                : "Authorization, Content-Type, Idempotency-Key";
            response.Headers.AccessControlExposeHeaders = "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id, Idempotency-Key";
            response.Headers.AccessControlMaxAge = "86400";
            response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        response.Headers.AccessControlExposeHeaders = "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id, Idempotency-Key";

        var match = routes.Find(request.Method, path);
        if (match.Route is null)
        {
            if (match.AllowedMethods.Count > 0)
            {
                response.Headers.Allow = string.Join(", ", match.AllowedMethods);
                await WriteErrorAsync(context, StatusCodes.Status405MethodNotAllowed, "Method not allowed", null);
            }
            else
            {
                await WriteErrorAsync(context, StatusCodes.Status404NotFound, "Not found", null);
            }

            return;
        }

        var route = match.Route;
        using var activity = Activities.StartActivity(route.Method + " " + route.Template, ActivityKind.Server);
        try
        {
            var parameters = route.RawBody ? RequestParameters.Empty : await RequestParameters.ReadAsync(request, context.RequestAborted);
            var api = new ApiRequest(context, match.Values, parameters, instance);
            if (route.Authentication != Authentication.None)
            {
                await AuthenticateAsync(api, route);
            }

            // Only the client API is limited, as in Mastodon: per token, or per address without one.
            if (path.StartsWith("/api/", StringComparison.Ordinal))
            {
                var key = api.Token?.Id ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous";
                var upload = route.Method == "POST" && route.Template.EndsWith("/media", StringComparison.Ordinal);
                if (!rateLimiter.TryAcquire(response, key, upload))
                {
                    throw new ApiException(StatusCodes.Status429TooManyRequests, "Too many requests");
                }
            }

            await route.Handler(api);
        }
        catch (ApiException ex)
        {
            await WriteErrorAsync(context, ex.Status, ex.Error, ex.Description);
        }
        catch (ValidationFailedException ex)
        {
            if (ex.Details is { } details && !response.HasStarted)
            {
                response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                response.ContentType = "application/json; charset=utf-8";
                var body = new ValidationError(ex.Message, details.ToDictionary(d => d.Key, d => d.Value.Select(e => new ValidationDetail(e.Error, e.Description)).ToList()));
                await ApiRequest.WriteJsonAsync(response, body, MastodonJsonContext.Default.ValidationError, context.RequestAborted);
            }
            else
            {
                await WriteErrorAsync(context, StatusCodes.Status422UnprocessableEntity, ex.Message, null);
            }
        }
        catch (RecordNotFoundException)
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, "Record not found", null);
        }
        catch (ForbiddenException ex)
        {
            await WriteErrorAsync(context, StatusCodes.Status403Forbidden, ex.Message, null);
        }
        catch (BadHttpRequestException ex) when (!response.HasStarted)
        {
            // The client sent a broken request (a body cut short, too large): its fault, not ours.
            await WriteErrorAsync(context, ex.StatusCode, "Bad request", null);
        }
        catch (DocumentStoreThrottledException ex) when (!response.HasStarted)
        {
            // The store is over its throughput: clients back off and retry, as they do after a 503.
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(ex.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "The server is busy; try again shortly", null);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception ex)
        {
            LogUnhandled(logger, ex, request.Method, route.Template);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            await WriteErrorAsync(context, StatusCodes.Status500InternalServerError, "Internal server error", null);
        }
    }

    private async Task AuthenticateAsync(ApiRequest api, RouteDefinition route)
    {
        var token = BearerToken(api.Http.Request) ?? api.Params.GetString("access_token");
        if (string.IsNullOrEmpty(token))
        {
            if (route.Authentication == Authentication.Optional)
            {
                return;
            }

            throw ApiException.Unauthorized();
        }

        var record = await oauth.AuthenticateAsync(token, api.Aborted) ?? throw ApiException.Unauthorized();
        api.Token = record;
        // A route may accept alternatives ("read:accounts profile"): any one of them is enough.
        if (route.Scope is not null && !route.Scope.Split(' ').Any(scope => Scopes.Covers(record.Scopes, scope)))
        {
            throw ApiException.OutsideScopes();
        }

        if (record.AccountId is not null)
        {
            var account = await accounts.GetAsync(record.AccountId, api.Aborted);
            var user = account is null ? null : await accounts.GetUserAsync(record.AccountId, api.Aborted);
            if (account is null || user is null)
            {
                throw ApiException.Unauthorized();
            }

            if (!user.Approved)
            {
                throw new ApiException(StatusCodes.Status403Forbidden, "Your login is currently pending approval");
            }

            // Suspended or disabled by moderators: Mastodon's "not functional" login.
            if (user.Disabled || account.SuspendedAt is not null)
            {
                throw new ApiException(StatusCodes.Status403Forbidden, "Your login is currently disabled");
            }

            api.Account = account;
            api.User = user;
        }
        else if (route.Authentication == Authentication.User)
        {
            throw ApiException.UserRequired();
        }
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, string error, string? description)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await ApiRequest.WriteJsonAsync(context.Response, new ErrorBody(error, description), MastodonJsonContext.Default.ErrorBody, context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in {Method} {Route}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string route);
}
