using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Serverless.Azure.WebPubSub;
using Serverless.Core.Ids;
using Serverless.Core.Lists;
using Serverless.Core.OAuth;
using Serverless.Embedded.Sqlite;
using Serverless.Tests.Embedded;

namespace Serverless.Tests.Azure.WebPubSub;

/// <summary>
/// Without access keys the service sends an Entra token of its managed identity with each event: a
/// tenant's OpenID metadata and keys are served on 127.0.0.1 (a locally generated RSA key), and
/// only a token signed by it, for the configured audience and tenant, in its lifetime, of our
/// identity, gets through; everything else is a 401 before the event is looked at.
/// </summary>
public sealed class WebPubSubEntraEventTests : IAsyncLifetime, IDisposable
{
    private const string Tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private const string Audience = "https://webpubsub.azure.com";
    private const string PrincipalId = "5b0c6f4e-0d7c-4a55-9d2e-6c1a0f3b9e11";
    private const string ClientId = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _otherKey = RSA.Create(2048);
    private readonly TempDirectory _directory = new();
    private readonly HttpClient _http = new();
    private WebApplication _authority = null!;
    private Uri _authorityUri = null!;
    private int _metadataRequests;
    private FakeWebPubSubService _service = null!;
    private SqliteDocumentStore _store = null!;
    private OAuthService _oauth = null!;
    private WebPubSubEventHandler _handler = null!;

    public async Task InitializeAsync()
    {
        (_authority, var address) = await LoopbackApp.StartAsync(ServeMetadataAsync);
        _authorityUri = new Uri($"{address}/{Tenant}/v2.0");

        _service = await FakeWebPubSubService.StartAsync();
        _store = new SqliteDocumentStore(_directory.File("documents.db"));
        _oauth = new OAuthService(_store, new SnowflakeIds(TimeProvider.System), TimeProvider.System);
        var options = new WebPubSubOptions
        {
            Endpoint = _service.Endpoint,
            ClientId = ClientId,
            EventHandlerAudience = Audience,
            EventHandlerTenantId = Tenant,
            EventHandlerPrincipalId = PrincipalId,
            EventHandlerAuthority = _authorityUri,
        };
        _handler = new WebPubSubEventHandler(
            new HttpWebPubSubClient(_http, options, new StaticCredential(), TimeProvider.System),
            options,
            _oauth,
            new ListService(_store, new SnowflakeIds(TimeProvider.System), TimeProvider.System),
            _store,
            new WebPubSubEventAuthenticator(options, TimeProvider.System),
            NullLogger<WebPubSubEventHandler>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _authority.StopAsync();
        await _authority.DisposeAsync();
        await _service.DisposeAsync();
    }

    public void Dispose()
    {
        _key.Dispose();
        _otherKey.Dispose();
        _http.Dispose();
        _store?.Dispose();
        _directory.Dispose();
    }

    /// <summary>The tenant's discovery document and key set, as Entra serves them (only what validation reads).</summary>
    private async Task ServeMetadataAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        context.Response.ContentType = "application/json";
        if (path.EndsWith("/.well-known/openid-configuration", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _metadataRequests);
            await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["issuer"] = $"{_authorityUri.GetLeftPart(UriPartial.Authority)}/{Tenant}/v2.0",
                ["jwks_uri"] = $"{_authorityUri.GetLeftPart(UriPartial.Authority)}/{Tenant}/discovery/v2.0/keys",
            }));
            return;
        }

        if (path.EndsWith("/discovery/v2.0/keys", StringComparison.Ordinal))
        {
            var parameters = _key.ExportParameters(false);
            var key = new Dictionary<string, string> { ["kty"] = "RSA", ["use"] = "sig", ["kid"] = "key-1", ["n"] = Base64UrlEncoder.Encode(parameters.Modulus!), ["e"] = Base64UrlEncoder.Encode(parameters.Exponent!) };
            await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, Dictionary<string, string>[]> { ["keys"] = [key] }));
            return;
        }

        context.Response.StatusCode = 404;
    }

    /// <summary>A token as Entra issues one to a managed identity (v1 by default: sts.windows.net issuer, appid).</summary>
    private string Token(
        string? issuer = null,
        string audience = Audience,
        string oid = PrincipalId,
        string tenant = Tenant,
        string? appId = ClientId,
        DateTimeOffset? expires = null,
        RSA? signingKey = null,
        string keyId = "key-1")
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object> { ["oid"] = oid, ["tid"] = tenant, ["sub"] = oid };
        if (appId is not null)
        {
            claims["appid"] = appId;
        }

        var expiry = expires ?? now.AddHours(1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? $"https://sts.windows.net/{Tenant}/",
            Audience = audience,
            Claims = claims,
            IssuedAt = expiry.AddHours(-2).UtcDateTime,
            NotBefore = expiry.AddHours(-2).UtcDateTime,
            Expires = expiry.UtcDateTime,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signingKey ?? _key) { KeyId = keyId }, SecurityAlgorithms.RsaSha256),
        });
    }

    private async Task<int> ConnectAsync(string? bearer)
    {
        var app = await _oauth.CreateApplicationAsync("Entra test", OAuthService.OutOfBand, "read", null, CancellationToken.None);
        var (token, _) = await _oauth.IssueTokenAsync(app, "77", ["read"], CancellationToken.None);
        var context = WebPubSubEventHandlerTests.Event(WebPubSubEventHandler.ConnectType, WebPubSubEventHandlerTests.ConnectBody([token], []), signature: "");
        if (bearer is not null)
        {
            context.Request.Headers.Authorization = "Bearer " + bearer;
        }

        await _handler.HandleAsync(context);
        return context.Response.StatusCode;
    }

    [Fact]
    public async Task A_token_of_our_identity_for_the_audience_passes_in_v1_and_v2_form()
    {
        Assert.Equal(200, await ConnectAsync(Token()));
        // v2: the metadata's issuer, azp instead of appid.
        var v2 = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = $"{_authorityUri.GetLeftPart(UriPartial.Authority)}/{Tenant}/v2.0",
            Audience = Audience + "/",
            Claims = new Dictionary<string, object> { ["oid"] = PrincipalId, ["tid"] = Tenant, ["azp"] = ClientId },
            Expires = DateTime.UtcNow.AddMinutes(30),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_key) { KeyId = "key-1" }, SecurityAlgorithms.RsaSha256),
        });
        Assert.Equal(200, await ConnectAsync(v2));
        // The metadata is fetched once and cached.
        Assert.Equal(1, Volatile.Read(ref _metadataRequests));
    }

    [Fact]
    public async Task Missing_forged_expired_or_someone_elses_tokens_get_401()
    {
        Assert.Equal(401, await ConnectAsync(null));
        Assert.Equal(401, await ConnectAsync("not-a-jwt"));
        Assert.Equal(401, await ConnectAsync(Token(audience: "https://management.azure.com/")));
        Assert.Equal(401, await ConnectAsync(Token(issuer: "https://sts.windows.net/00000000-0000-0000-0000-000000000000/")));
        Assert.Equal(401, await ConnectAsync(Token(issuer: "https://evil.example/" + Tenant + "/v2.0")));
        Assert.Equal(401, await ConnectAsync(Token(tenant: "00000000-0000-0000-0000-000000000000")));
        Assert.Equal(401, await ConnectAsync(Token(oid: "11111111-2222-3333-4444-555555555555")));
        Assert.Equal(401, await ConnectAsync(Token(appId: "99999999-8888-7777-6666-555555555555")));
        Assert.Equal(401, await ConnectAsync(Token(expires: DateTimeOffset.UtcNow.AddMinutes(-10))));
        // Signed by another key under our key id, and under an unknown key id.
        Assert.Equal(401, await ConnectAsync(Token(signingKey: _otherKey)));
        Assert.Equal(401, await ConnectAsync(Token(signingKey: _otherKey, keyId: "key-2")));
        // A valid token with its signature swapped for another token's.
        var good = Token().Split('.');
        var other = Token(signingKey: _otherKey).Split('.');
        Assert.Equal(401, await ConnectAsync($"{good[0]}.{good[1]}.{other[2]}"));
        // An unsigned token.
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = $"https://sts.windows.net/{Tenant}/",
            Audience = Audience,
            Claims = new Dictionary<string, object> { ["oid"] = PrincipalId, ["tid"] = Tenant },
            Expires = DateTime.UtcNow.AddMinutes(30),
        });
        Assert.Equal(401, await ConnectAsync(unsigned));
        Assert.Empty(_service.Requests);

        // And the good one still passes.
        Assert.Equal(200, await ConnectAsync(Token()));
    }

    private sealed class StaticCredential : global::Azure.Core.TokenCredential
    {
        public override global::Azure.Core.AccessToken GetToken(global::Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("entra-token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<global::Azure.Core.AccessToken> GetTokenAsync(global::Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
