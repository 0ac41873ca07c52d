using Serverless.Core.Filters;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1;

/// <summary>
/// <c>/api/v1/filters</c> for older clients, mapped onto v2 filters as Mastodon does: every keyword
/// is a V1::Filter (its id is the keyword's), carrying its filter's context, expiry and
/// <c>irreversible</c> (the <c>hide</c> action). Creating makes a filter with one keyword.
/// </summary>
public static class FiltersEndpoints
{
    public static async Task Index(ApiRequest request)
    {
        var filters = await request.Service<FilterService>().ListAsync(request.CurrentAccount.Id, request.Aborted);
        var entities = filters.SelectMany(f => f.Keywords.Select(k => ToEntity(f, k))).ToList();
        await request.Json(entities, FiltersJsonContext.Default.ListV1FilterEntity);
    }

    public static async Task Show(ApiRequest request)
    {
        var (filter, keyword) = await request.Service<FilterService>().GetKeywordAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted);
        await request.Json(ToEntity(filter, keyword), FiltersJsonContext.Default.V1FilterEntity);
    }

    public static async Task Create(ApiRequest request)
    {
        var phrase = request.Params.GetString("phrase");
        var input = new FilterInput
        {
            Title = phrase,
            Context = request.Params.GetStrings("context"),
            Action = request.Params.GetBool("irreversible") == true ? FilterActions.Hide : FilterActions.Warn,
            ExpiresIn = request.Params.GetInt("expires_in"),
            Keywords = [new KeywordInput(null, phrase, request.Params.GetBool("whole_word") ?? true, false)],
        };
        var filter = await request.Service<FilterService>().CreateAsync(request.CurrentAccount.Id, input, request.Aborted);
        await request.Json(ToEntity(filter, filter.Keywords[0]), FiltersJsonContext.Default.V1FilterEntity);
    }

    public static async Task Update(ApiRequest request)
    {
        var service = request.Service<FilterService>();
        var accountId = request.CurrentAccount.Id;
        var keywordId = request.Route("id");
        var (filter, _) = await service.GetKeywordAsync(accountId, keywordId, request.Aborted);

        var phrase = request.Params.GetString("phrase");
        var context = request.Params.Get("context") is null ? null : request.Params.GetStrings("context");
        var irreversible = request.Params.GetBool("irreversible");
        var setsExpiry = request.Params.Get("expires_in") is not null;
        var input = new FilterInput
        {
            Title = phrase,
            Context = context,
            Action = irreversible is { } hide ? (hide ? FilterActions.Hide : FilterActions.Warn) : null,
            SetsExpiry = setsExpiry,
            ExpiresIn = request.Params.GetInt("expires_in"),
        };
        var changesFilter = (phrase is not null && phrase.Trim() != filter.Title)
            || (context is not null && !context.Select(c => c.Trim()).Where(c => c.Length > 0).Order(StringComparer.Ordinal).SequenceEqual(filter.Context.Order(StringComparer.Ordinal)))
            || (input.Action is not null && input.Action != filter.Action)
            || setsExpiry;
        if (changesFilter && filter.Keywords.Count > 1)
        {
            throw ApiException.Unprocessable("These parameters cannot be changed from this application because they apply to more than one filter keyword. Use a more recent application or the web interface.");
        }

        var keyword = await service.UpdateKeywordAsync(accountId, keywordId, phrase, request.Params.GetBool("whole_word"), request.Aborted);
        if (changesFilter)
        {
            filter = await service.UpdateAsync(accountId, filter.Id, input, request.Aborted);
        }
        else
        {
            filter = await service.GetAsync(accountId, filter.Id, request.Aborted);
        }

        await request.Json(ToEntity(filter, keyword), FiltersJsonContext.Default.V1FilterEntity);
    }

    public static async Task Delete(ApiRequest request)
    {
        await request.Service<FilterService>().DeleteKeywordAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted);
        await request.Json(new EmptyObject(), FiltersJsonContext.Default.EmptyObject);
    }

    private static V1FilterEntity ToEntity(FilterRecord filter, FilterKeywordRecord keyword) => new()
    {
        Id = keyword.Id,
        Phrase = keyword.Keyword,
        Context = filter.Context.ToList(),
        WholeWord = keyword.WholeWord,
        ExpiresAt = filter.ExpiresAt is { } at ? EntityMapper.Timestamp(at) : null,
        Irreversible = filter.Action == FilterActions.Hide,
    };
}
