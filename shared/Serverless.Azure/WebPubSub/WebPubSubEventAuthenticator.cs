using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Serverless.Azure.WebPubSub;

/// <summary>
/// Checks the Entra access token Web PubSub sends in <c>Authorization</c> with each event when the
/// hub's event handler uses managed-identity auth (and access keys are off): signed by a key of the
/// tenant's OpenID metadata (fetched from the authority and cached by <see cref="ConfigurationManager{T}"/>,
/// which refetches when an unknown key id appears), issued by the tenant (v1
/// <c>https://sts.windows.net/{tenant}/</c> or the metadata's v2 issuer), for the configured
/// audience (the event handler's <c>resource</c>), within its lifetime, and to OUR identity: its
/// <c>oid</c> is the configured principal (object) id, and <c>appid</c>/<c>azp</c>, when present,
/// the identity's client id. Anything else is refused: a token for another identity of the tenant
/// proves nothing about who is calling.
/// </summary>
public sealed class WebPubSubEventAuthenticator
{
    /// <summary>Tolerance for clocks between Entra and this worker, as the IdentityModel default.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly WebPubSubOptions _options;
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _metadata;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public WebPubSubEventAuthenticator(WebPubSubOptions options, TimeProvider time, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (!options.EventAuthConfigured)
        {
            throw new InvalidOperationException("Entra event authentication needs WebPubSub__eventHandlerAudience, WebPubSub__eventHandlerTenantId and WebPubSub__eventHandlerPrincipalId.");
        }

        _options = options;
        _time = time;
        var authority = options.EventHandlerAuthorityOrDefault!;
        var retriever = http is null ? new HttpDocumentRetriever() : new HttpDocumentRetriever(http);
        // Plain http only for a loopback authority (tests); Entra is https.
        retriever.RequireHttps = !authority.IsLoopback;
        _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(
            authority.AbsoluteUri.TrimEnd('/') + "/.well-known/openid-configuration",
            new OpenIdConnectConfigurationRetriever(),
            retriever);
    }

    /// <summary>Whether <paramref name="authorization"/> (the whole header) carries a token that passes every check.</summary>
    public async Task<bool> AuthenticateAsync(string? authorization, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(authorization) || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var token = authorization["Bearer ".Length..].Trim();
        if (token.Length == 0 || !_handler.CanReadToken(token))
        {
            return false;
        }

        var tenant = _options.EventHandlerTenantId!;
        var audience = _options.EventHandlerAudience!;
        var parameters = new TokenValidationParameters
        {
            ConfigurationManager = _metadata,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            ValidIssuers = [$"https://sts.windows.net/{tenant}/", IssuerV2(tenant)],
            // The resource as configured, with or without a trailing slash (v1 tokens carry it as requested).
            ValidAudiences = [audience, audience.TrimEnd('/'), audience.TrimEnd('/') + "/"],
            // Checked below against the TimeProvider.
            ValidateLifetime = false,
            RequireExpirationTime = true,
        };

        var result = await _handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return false;
        }

        var now = _time.GetUtcNow().UtcDateTime;
        if (jwt.ValidTo == DateTime.MinValue || jwt.ValidTo + ClockSkew < now || (jwt.ValidFrom != DateTime.MinValue && jwt.ValidFrom - ClockSkew > now))
        {
            return false;
        }

        return Claim(jwt, "tid") is { } tid && string.Equals(tid, tenant, StringComparison.OrdinalIgnoreCase)
            && Claim(jwt, "oid") is { } oid && string.Equals(oid, _options.EventHandlerPrincipalId, StringComparison.OrdinalIgnoreCase)
            && ClientMatches(Claim(jwt, "appid")) && ClientMatches(Claim(jwt, "azp"));
    }

    /// <summary>The v2 issuer under the configured authority's host (<c>https://login.microsoftonline.com/{tenant}/v2.0</c> in the public cloud).</summary>
    private string IssuerV2(string tenant)
    {
        var authority = _options.EventHandlerAuthorityOrDefault!;
        return $"{authority.GetLeftPart(UriPartial.Authority)}/{tenant}/v2.0";
    }

    /// <summary>An absent client claim is fine (v1 has appid, v2 azp); a present one must name our identity when its client id is known.</summary>
    private bool ClientMatches(string? client) =>
        client is null || _options.ClientId is not { } clientId || string.Equals(client, clientId, StringComparison.OrdinalIgnoreCase);

    private static string? Claim(JsonWebToken jwt, string name) =>
        jwt.TryGetPayloadValue<string>(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;
}
