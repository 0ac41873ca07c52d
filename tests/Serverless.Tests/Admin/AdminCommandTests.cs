using Microsoft.Extensions.Configuration;
using Serverless.Embedded.Queues;
using Serverless.Standalone;

namespace Serverless.Tests.Admin;

/// <summary>The command-line administration an operator of the standalone host uses (as Mastodon's tootctl).</summary>
public sealed class AdminCommandTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "serverless-admin-" + Guid.NewGuid().ToString("N"));

    private IConfiguration Configuration => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DATA_DIR"] = _dataDirectory }).Build();

    [Fact]
    public async Task Accounts_create_prints_a_password_and_refuses_a_taken_name()
    {
        var (code, output, _) = await RunAsync("accounts", "create", "admin", "--email", "admin@example.com", "--role", "Owner");
        Assert.Equal(0, code);
        Assert.Contains("New password: ", output, StringComparison.Ordinal);

        var (again, _, error) = await RunAsync("accounts", "create", "admin", "--email", "other@example.com");
        Assert.Equal(1, again);
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task Queues_show_dead_letters_and_put_them_back()
    {
        // A delivery that ran out of attempts, as the queue pump dead-letters it.
        Directory.CreateDirectory(_dataDirectory);
        string id;
        using (var queue = new SqliteWorkQueue(Path.Combine(_dataDirectory, "queues.db")))
        {
            await queue.SendAsync("deliver", """{"activityKey":"out:1","inbox":"https://gone.example/inbox"}""", TimeSpan.Zero, default);
            var lease = await queue.ReceiveAsync("deliver", TimeSpan.FromMinutes(1), default);
            Assert.True(await queue.DeadLetterAsync(lease!, "MaxDeliveryCountExceeded", default));
            id = lease!.Message.Id;
        }

        var (statusCode, status, _) = await RunAsync("queues", "status");
        Assert.Equal(0, statusCode);
        Assert.Matches(@"deliver\s+ready\s+0\s+scheduled or running\s+0\s+dead\s+1", status);

        var (_, dead, _) = await RunAsync("queues", "dead", "deliver");
        Assert.Contains("https://gone.example/inbox", dead, StringComparison.Ordinal);
        Assert.Contains("MaxDeliveryCountExceeded", dead, StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync("queues", "retry", id)).Code);
        Assert.Matches(@"deliver\s+ready\s+1\s+scheduled or running\s+0\s+dead\s+0", (await RunAsync("queues", "status")).Output);
        Assert.Equal(1, (await RunAsync("queues", "retry", id)).Code);
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AdminCommand.RunAsync(args, output, error, Configuration);
        return (code, output.ToString(), error.ToString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp directory is cleaned eventually.
        }
    }
}
