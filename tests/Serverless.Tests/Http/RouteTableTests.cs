using Serverless.Mastodon;
using Serverless.Mastodon.Http;

namespace Serverless.Tests.Http;

public sealed class RouteTableTests
{
    private static readonly RouteHandler Nothing = _ => Task.CompletedTask;

    [Fact]
    public void Literal_segments_win_over_parameters_whatever_the_order_of_registration()
    {
        var table = new RouteTable()
            .Get("/api/v1/accounts/{id}", Nothing)
            .Get("/api/v1/accounts/verify_credentials", Nothing);

        var literal = table.Find("GET", "/api/v1/accounts/verify_credentials");
        Assert.Equal("/api/v1/accounts/verify_credentials", literal.Route!.Template);

        var parameter = table.Find("GET", "/api/v1/accounts/123");
        Assert.Equal("/api/v1/accounts/{id}", parameter.Route!.Template);
        Assert.Equal("123", parameter.Values["id"]);
    }

    [Fact]
    public void A_known_path_with_another_method_reports_the_allowed_methods()
    {
        var table = new RouteTable().Post("/api/v1/statuses", Nothing).Get("/api/v1/statuses/{id}", Nothing);
        var match = table.Find("DELETE", "/api/v1/statuses");
        Assert.Null(match.Route);
        Assert.Equal(["POST"], match.AllowedMethods);
        Assert.Empty(table.Find("GET", "/api/v1/nothing").AllowedMethods);
    }

    [Fact]
    public void Head_is_answered_by_get_routes_and_matching_ignores_case_of_literals()
    {
        var table = new RouteTable().Get("/api/v1/instance", Nothing);
        Assert.NotNull(table.Find("HEAD", "/api/v1/instance").Route);
        Assert.NotNull(table.Find("GET", "/API/v1/Instance").Route);
    }

    [Fact]
    public void Profile_routes_with_an_at_sign_match_only_handles()
    {
        var table = Routes.Build();
        var profile = table.Find("GET", "/@alice");
        Assert.Equal("alice", profile.Values["username"]);
        Assert.Null(table.Find("GET", "/alice").Route);
    }

    [Fact]
    public void The_route_table_has_no_duplicate_method_and_template()
    {
        var duplicates = Routes.Build().Definitions
            .GroupBy(d => (d.Method, d.Template.ToLowerInvariant()))
            .Where(g => g.Count() > 1)
            .Select(g => g.Key)
            .ToList();
        Assert.Empty(duplicates);
    }
}
