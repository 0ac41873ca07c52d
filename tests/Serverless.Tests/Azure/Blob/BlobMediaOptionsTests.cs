using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.Azure.Blob;
using Serverless.Core.Configuration;
using Serverless.Core.Media;

namespace Serverless.Tests.Azure.Blob;

/// <summary>The Blob store's settings, as they arrive from app settings (<c>A__b</c> becomes <c>A:b</c>).</summary>
public sealed class BlobMediaOptionsTests
{
    private const string Azurite = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";

    private static BlobMediaOptions Read(params (string Key, string? Value)[] settings) =>
        BlobMediaOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, s.Value)))
            .Build());

    [Fact]
    public void Identity_settings_give_the_endpoint_the_identity_and_the_defaults()
    {
        var options = Read(("MediaStorage:blobServiceUri", "https://acct.blob.core.windows.net"), ("MediaStorage:clientId", "11111111-2222-3333-4444-555555555555"), ("AZURE_CLIENT_ID", "other"));
        Assert.True(options.Configured);
        Assert.Equal(new Uri("https://acct.blob.core.windows.net"), options.BlobServiceUri);
        Assert.Null(options.ConnectionString);
        Assert.Equal("11111111-2222-3333-4444-555555555555", options.ClientId);
        Assert.Equal("media", options.ContainerName);
        Assert.Null(options.MediaBaseUrl);

        // Without its own client id, the connection takes the app's AZURE_CLIENT_ID.
        Assert.Equal("other", Read(("MediaStorage:blobServiceUri", "https://acct.blob.core.windows.net"), ("AZURE_CLIENT_ID", "other")).ClientId);
    }

    [Fact]
    public void A_connection_string_container_and_base_url_are_read()
    {
        var options = Read(("MediaStorage", Azurite), ("MEDIA_CONTAINER", "social-media"), ("MEDIA_BASE_URL", "https://files.social.example/"));
        Assert.True(options.Configured);
        Assert.Equal(Azurite, options.ConnectionString);
        Assert.Equal("social-media", options.ContainerName);
        Assert.Equal(new Uri("https://files.social.example/"), options.MediaBaseUrl);
        Assert.False(Read().Configured);
    }

    [Theory]
    [InlineData("MEDIA_CONTAINER", "Media")]
    [InlineData("MEDIA_CONTAINER", "me")]
    [InlineData("MEDIA_CONTAINER", "-media")]
    [InlineData("MEDIA_CONTAINER", "me--dia")]
    [InlineData("MEDIA_CONTAINER", "media_files")]
    [InlineData("MEDIA_BASE_URL", "files.social.example")]
    [InlineData("MEDIA_BASE_URL", "ftp://files.social.example")]
    [InlineData("MEDIA_BASE_URL", "https://files.social.example/?sig=x")]
    [InlineData("MediaStorage:blobServiceUri", "/relative")]
    public void Bad_values_fail_at_startup_naming_the_setting(string setting, string value)
    {
        var error = Assert.Throws<FormatException>(() => Read((setting, value)));
        Assert.Contains(setting.Replace(":", "__", StringComparison.Ordinal), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_a_connection_string_to_a_loopback_endpoint_creates_the_container()
    {
        var local = Read(("MediaStorage", Azurite));
        Assert.True(BlobServiceCollectionExtensions.CreatesContainer(local, BlobServiceCollectionExtensions.CreateContainerClient(local)));
        var development = Read(("MediaStorage", "UseDevelopmentStorage=true"));
        Assert.True(BlobServiceCollectionExtensions.CreatesContainer(development, BlobServiceCollectionExtensions.CreateContainerClient(development)));

        var remote = Read(("MediaStorage", "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net"));
        Assert.False(BlobServiceCollectionExtensions.CreatesContainer(remote, BlobServiceCollectionExtensions.CreateContainerClient(remote)));
        var identity = Read(("MediaStorage:blobServiceUri", "https://acct.blob.core.windows.net"));
        var client = BlobServiceCollectionExtensions.CreateContainerClient(identity);
        Assert.Equal(new Uri("https://acct.blob.core.windows.net/media"), client.Uri);
        Assert.False(BlobServiceCollectionExtensions.CreatesContainer(identity, client));
    }

    [Fact]
    public void Registration_makes_the_blob_store_the_media_store_and_refuses_missing_settings()
    {
        var services = new ServiceCollection();
        services.AddSingleton(new InstanceOptions { LocalDomain = "social.example" });
        services.AddBlobMediaStore(Read(("MediaStorage:blobServiceUri", "https://acct.blob.core.windows.net")));
        using var provider = services.BuildServiceProvider();
        Assert.IsType<BlobMediaStore>(provider.GetRequiredService<IMediaStore>());
        // In Azure the container comes from Bicep: nothing creates it at startup.
        Assert.Empty(provider.GetServices<IHostedService>());

        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddBlobMediaStore(Read()));
        Assert.Contains("MediaStorage__blobServiceUri", error.Message, StringComparison.Ordinal);
    }
}
