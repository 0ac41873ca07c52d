using Serverless.Mastodon.Http;
using Serverless.Mastodon.Pages;

namespace Serverless.Mastodon;

/// <summary>Server-rendered HTML pages beyond profiles and statuses (which live with their ActivityPub documents), and the default avatar and header.</summary>
public static partial class Routes
{
    static partial void MapPages(RouteTable table) => table
        .Get("/tags/{name}", TagsPage.Show)
        .Get("/about", AboutPage.Show)
        .Get("/about/more", AboutPage.Show)
        .Get("/authorize_interaction", AuthorizeInteractionPage.Show)
        .Get("/avatars/original/missing.png", Files.DefaultImagesEndpoints.MissingAvatar)
        .Get("/headers/original/missing.png", Files.DefaultImagesEndpoints.MissingHeader);
}
