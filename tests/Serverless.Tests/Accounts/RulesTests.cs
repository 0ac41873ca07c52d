using Serverless.Core.Accounts;
using Serverless.Core.Follows;
using Serverless.Core.Statuses;
using Serverless.Mastodon.Http;

namespace Serverless.Tests.Accounts;

/// <summary>The small rules under the accounts endpoints: who sees a status, which images are accepted, what search indexes.</summary>
public sealed class RulesTests
{
    private const string Author = "1";
    private const string Mentioned = "2";
    private const string Follower = "3";
    private const string Stranger = "4";

    [Theory]
    [InlineData(Visibility.Public, null, true)]
    [InlineData(Visibility.Unlisted, null, true)]
    [InlineData(Visibility.Private, null, false)]
    [InlineData(Visibility.Direct, null, false)]
    [InlineData(Visibility.Private, Author, true)]
    [InlineData(Visibility.Direct, Author, true)]
    [InlineData(Visibility.Private, Mentioned, true)]
    [InlineData(Visibility.Direct, Mentioned, true)]
    [InlineData(Visibility.Private, Follower, true)]
    [InlineData(Visibility.Direct, Follower, false)]
    [InlineData(Visibility.Private, Stranger, false)]
    [InlineData(Visibility.Unlisted, Stranger, true)]
    public void Visibility_follows_mastodon(string visibility, string? viewer, bool expected)
    {
        var status = new StatusRecord
        {
            Id = "100",
            AccountId = Author,
            Uri = "u",
            Url = "u",
            Visibility = visibility,
            CreatedAt = DateTimeOffset.UnixEpoch,
            Mentions = [new MentionRecord(Mentioned, "m", "m", "u")],
        };
        Assert.Equal(expected, StatusVisibility.IsVisible(viewer, status, viewerFollowsAuthor: viewer == Follower));
        var account = viewer is null ? null : new AccountRecord { Id = viewer, Username = "v", CreatedAt = DateTimeOffset.UnixEpoch, Uri = "u", Url = "u" };
        Assert.Equal(expected, Visible.To(account, status, viewerFollowsAuthor: viewer == Follower));
    }

    [Theory]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, "image/png")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0 }, "image/jpeg")]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x37, 0x61 }, "image/gif")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50 }, "image/webp")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x41, 0x56, 0x45 }, null)]
    [InlineData(new byte[] { 0x3C, 0x73, 0x76, 0x67 }, null)]
    [InlineData(new byte[0], null)]
    public void Profile_images_are_recognised_by_their_first_bytes(byte[] head, string? expected) =>
        Assert.Equal(expected, ProfileService.DetectImage(head)?.ContentType);

    [Fact]
    public void Search_terms_are_the_username_and_display_name_words()
    {
        var account = new AccountRecord { Id = "1", Username = "Alice_W", DisplayName = "Alice of Wonderland! 🐇 Über/Queen#1", CreatedAt = DateTimeOffset.UnixEpoch, Uri = "u", Url = "u" };
        Assert.Equal(["alice_w", "alice", "of", "wonderland", "über", "queen", "1"], AccountService.SearchTerms(account));
    }
}
