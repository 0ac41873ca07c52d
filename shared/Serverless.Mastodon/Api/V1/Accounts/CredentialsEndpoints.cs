using System.Text.Json.Nodes;
using Serverless.Core.Accounts;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1.Accounts;

/// <summary><c>/api/v1/accounts/verify_credentials</c> and <c>update_credentials</c>: the signed-in account, with its <c>source</c>.</summary>
public static class CredentialsEndpoints
{
    public static Task Show(ApiRequest request) =>
        request.Json(request.Service<EntityMapper>().ToCredentialAccount(request.CurrentAccount, request.CurrentUser), MastodonJsonContext.Default.CredentialAccount);

    /// <summary>
    /// <c>PATCH /api/v1/accounts/update_credentials</c>: profile (display name, note, avatar and
    /// header as multipart files, fields, flags) and posting defaults (<c>source[…]</c>), from a
    /// form, multipart or JSON body. Answers the updated CredentialAccount.
    /// </summary>
    public static async Task Update(ApiRequest request)
    {
        var p = request.Params;
        var source = p.Get("source") as JsonObject;
        var avatar = p.GetFile("avatar");
        var header = p.GetFile("header");
        var update = new ProfileService.ProfileUpdate
        {
            DisplayName = p.GetString("display_name"),
            Note = p.GetString("note"),
            Locked = p.GetBool("locked"),
            Bot = p.GetBool("bot"),
            Discoverable = p.GetBool("discoverable"),
            Indexable = p.GetBool("indexable"),
            HideCollections = p.GetBool("hide_collections"),
            Fields = ReadFields(p.Get("fields_attributes")),
            Avatar = avatar is null ? null : new ProfileService.ProfileImage(avatar.OpenReadStream(), avatar.Length),
            Header = header is null ? null : new ProfileService.ProfileImage(header.OpenReadStream(), header.Length),
            Privacy = Text(source?["privacy"]),
            Sensitive = Bool(source?["sensitive"], "source[sensitive]"),
            Language = Text(source?["language"]),
        };

        try
        {
            var (account, user) = await request.Service<ProfileService>().UpdateAsync(request.CurrentAccount, request.CurrentUser, update, request.Aborted);
            await request.Json(request.Service<EntityMapper>().ToCredentialAccount(account, user), MastodonJsonContext.Default.CredentialAccount);
        }
        finally
        {
            if (update.Avatar is not null)
            {
                await update.Avatar.Content.DisposeAsync();
            }

            if (update.Header is not null)
            {
                await update.Header.Content.DisposeAsync();
            }
        }
    }

    /// <summary><c>DELETE /api/v1/profile/avatar</c>: back to the default avatar. Answers the CredentialAccount.</summary>
    public static Task DeleteAvatar(ApiRequest request) => RemoveImageAsync(request, header: false);

    /// <summary><c>DELETE /api/v1/profile/header</c>: back to the default header. Answers the CredentialAccount.</summary>
    public static Task DeleteHeader(ApiRequest request) => RemoveImageAsync(request, header: true);

    private static async Task RemoveImageAsync(ApiRequest request, bool header)
    {
        var account = await request.Service<ProfileService>().RemoveImageAsync(request.CurrentAccount, header, request.Aborted);
        await request.Json(request.Service<EntityMapper>().ToCredentialAccount(account, request.CurrentUser), MastodonJsonContext.Default.CredentialAccount);
    }

    /// <summary>
    /// Reads <c>fields_attributes</c> as Mastodon accepts it: <c>fields_attributes[0][name]=…</c>
    /// (an object keyed by index) or a JSON array of <c>{name, value}</c>. Rows with neither a name
    /// nor a value are dropped, as Mastodon drops them.
    /// </summary>
    private static List<KeyValuePair<string, string>>? ReadFields(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        IEnumerable<JsonNode?> rows = node switch
        {
            JsonArray array => array,
            JsonObject obj => obj
                .OrderBy(p => int.TryParse(p.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue)
                .Select(p => p.Value),
            _ => throw ApiException.Unprocessable("Validation failed: fields_attributes must be a list of name and value pairs"),
        };
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var row in rows)
        {
            var name = Text(row?["name"])?.Trim() ?? "";
            var value = Text(row?["value"])?.Trim() ?? "";
            if (name.Length > 0 || value.Length > 0)
            {
                fields.Add(new(name, value));
            }
        }

        return fields;
    }

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        JsonValue value => value.ToJsonString(),
        _ => null,
    };

    private static bool? Bool(JsonNode? node, string name)
    {
        if (node is JsonValue value && value.TryGetValue<bool>(out var b))
        {
            return b;
        }

        return Text(node)?.Trim().ToLowerInvariant() switch
        {
            null => null,
            "true" or "1" or "on" or "t" or "yes" => true,
            "false" or "0" or "off" or "f" or "no" or "" => false,
            _ => throw ApiException.Unprocessable($"Validation failed: {name} is not a boolean"),
        };
    }
}
