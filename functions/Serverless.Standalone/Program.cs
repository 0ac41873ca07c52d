using Serverless.Standalone;

// One executable, two uses: `serverless accounts create …` administers, anything else serves.
if (args.Length > 0 && AdminCommand.Handles(args))
{
    return await AdminCommand.RunAsync(args, Console.Out, Console.Error);
}

var app = StandaloneHost.Build(args);
await app.RunAsync();
return 0;
