using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Core.Accounts;
using Serverless.Core.Configuration;
using Serverless.Core.Errors;
using Serverless.Embedded;
using Serverless.Mastodon;

namespace Serverless.Standalone;

/// <summary>
/// Administration from the command line, in the spirit of Mastodon's <c>tootctl</c>:
/// <c>accounts create USERNAME --email EMAIL [--role Owner|Admin|Moderator|User]</c> creates an
/// account and prints its password; <c>queues status</c>, <c>queues dead [QUEUE]</c> and
/// <c>queues retry ID</c> show the work queues and their dead letters (work given up on) and put a
/// dead letter back. It uses whatever storage the configuration selects.
/// </summary>
public static class AdminCommand
{
    public static bool Handles(string[] args) => args is ["accounts", ..] or ["queues", ..] or ["help"] or ["--help"];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, IConfiguration? configuration = null)
    {
        configuration ??= new ConfigurationBuilder().AddEnvironmentVariables().Build();
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args is ["queues", .. var queueArgs])
        {
            return await QueuesAsync(queueArgs, output, error, configuration);
        }

        if (args is not ["accounts", "create", var username, .. var rest])
        {
            await output.WriteLineAsync("""
                Usage:
                  Serverless.Standalone accounts create USERNAME --email EMAIL [--role Owner|Admin|Moderator|User]
                  Serverless.Standalone queues status        (messages waiting and dead-lettered, per queue)
                  Serverless.Standalone queues dead [QUEUE]  (the most recent dead letters, with why)
                  Serverless.Standalone queues retry ID      (puts a dead letter back on its queue)
                  Serverless.Standalone                      (serves the instance; see README for settings)
                """);
            return args is ["help"] or ["--help"] ? 0 : 2;
        }

        string? email = null;
        var role = UserRole.User;
        for (var i = 0; i < rest.Length; i++)
        {
            switch (rest[i])
            {
                case "--email" when i + 1 < rest.Length:
                    email = rest[++i];
                    break;
                case "--role" when i + 1 < rest.Length && Enum.TryParse<UserRole>(rest[i + 1], ignoreCase: true, out var parsed):
                    role = parsed;
                    i++;
                    break;
                case "--confirmed":
                    // Accepted for tootctl compatibility: accounts made here are always confirmed.
                    break;
                default:
                    await error.WriteLineAsync($"Unknown or incomplete option '{rest[i]}'.");
                    return 2;
            }
        }

        if (email is null)
        {
            await error.WriteLineAsync("--email is required.");
            return 2;
        }

        var options = InstanceOptions.FromConfiguration(configuration);
        var services = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddServerlessApplication(options);
        // STORAGE_ADAPTERS=azure: the account goes to the deployed Cosmos DB, as the host's would.
        if (Serverless.Azure.AzureAdapters.Read(configuration) == Serverless.Azure.StorageAdapters.Azure)
        {
            Serverless.Azure.AzureAdapters.AddAzureStorageAdapters(services, configuration);
        }

        services.AddEmbeddedAdapters(options, runQueuePump: false);
        await using var provider = services.BuildServiceProvider();

        var password = Core.Security.Secrets.NewPassword();
        try
        {
            var (account, _) = await provider.GetRequiredService<AccountService>().RegisterAsync(
                new AccountService.Registration(username, email, password, AgreedToTerms: true, Role: role, SkipApproval: true, AllowReserved: true),
                CancellationToken.None);
            await output.WriteLineAsync("OK");
            await output.WriteLineAsync($"Account: @{account.Username}@{options.LocalDomain} (id {account.Id}, role {role})");
            await output.WriteLineAsync($"New password: {password}");
            return 0;
        }
        catch (ValidationFailedException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return 1;
        }
    }

    private static async Task<int> QueuesAsync(string[] args, TextWriter output, TextWriter error, IConfiguration configuration)
    {
        var options = InstanceOptions.FromConfiguration(configuration);
        var services = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddServerlessApplication(options)
            .AddEmbeddedAdapters(options, runQueuePump: false);
        await using var provider = services.BuildServiceProvider();
        var queue = provider.GetRequiredService<Embedded.Queues.SqliteWorkQueue>();
        switch (args)
        {
            case ["status"]:
                foreach (var name in Core.Queues.QueueNames.All)
                {
                    var counts = await queue.GetCountsAsync(name, CancellationToken.None);
                    await output.WriteLineAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name,-8} ready {counts.Ready,6}  scheduled or running {counts.NotVisible,6}  dead {counts.DeadLettered,6}"));
                }

                return 0;
            case ["dead", .. var rest] when rest.Length <= 1:
                var dead = await queue.ListDeadLettersAsync(rest.Length == 1 ? rest[0] : null, 50, CancellationToken.None);
                foreach (var message in dead)
                {
                    await output.WriteLineAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{message.Id}\t{message.Queue}\t{message.DeadLetteredAt:u}\t{message.Reason}\t{message.DeliveryCount} deliveries\t{message.Body}"));
                }

                await output.WriteLineAsync($"{dead.Count} dead-lettered message(s).");
                return 0;
            case ["retry", var id]:
                if (await queue.RequeueDeadLetterAsync(id, CancellationToken.None))
                {
                    await output.WriteLineAsync($"Message {id} is back on its queue.");
                    return 0;
                }

                await error.WriteLineAsync($"No dead letter {id}.");
                return 1;
            default:
                await error.WriteLineAsync("Usage: queues status | queues dead [QUEUE] | queues retry ID");
                return 2;
        }
    }
}
