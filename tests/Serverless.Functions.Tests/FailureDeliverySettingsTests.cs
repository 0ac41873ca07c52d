using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.ActivityPub.Delivery;

namespace Serverless.Functions.Tests;

/// <summary>The Functions app reads the delivery retry settings, as the standalone host does.</summary>
public sealed class FailureDeliverySettingsTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "functions-tests-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Delivery_retry_settings_are_read()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LOCAL_DOMAIN"] = "functions.test",
            ["DATA_DIR"] = _dataDirectory,
            ["ServiceBusConnection:fullyQualifiedNamespace"] = "example.servicebus.windows.net",
            ["DELIVERY_FIRST_RETRY_SECONDS"] = "5",
            ["DELIVERY_MAX_ATTEMPTS"] = "4",
        }).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(configuration);
        FunctionsServices.Add(collection, configuration);
        using var services = collection.BuildServiceProvider();

        var options = services.GetRequiredService<DeliveryOptions>();
        Assert.Equal(TimeSpan.FromSeconds(5), options.FirstRetryDelay);
        Assert.Equal(4, options.MaxAttempts);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was written.
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is cleaned eventually.
        }
    }
}
