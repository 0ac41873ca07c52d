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
/// account and prints its password. It uses whatever storage the configuration selects.
/// </summary>
public static class AdminCommand
{
    public static bool Handles(string[] args) => args is ["accounts", ..] or ["help"] or ["--help"];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args is not ["accounts", "create", var username, .. var rest])
        {
            await output.WriteLineAsync("""
                Usage:
                  Serverless.Standalone accounts create USERNAME --email EMAIL [--role Owner|Admin|Moderator|User]
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

        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var options = InstanceOptions.FromConfiguration(configuration);
        var services = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddServerlessApplication(options)
            .AddEmbeddedAdapters(options, runQueuePump: false);
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
}
