using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Serverless.Azure;
using Serverless.Core.Configuration;
using Serverless.Embedded;
using Serverless.Mastodon;
using Serverless.Mastodon.Http;

namespace Serverless.Standalone;

/// <summary>
/// The single-machine host: Kestrel serving the shared route table, the embedded adapters
/// (SQLite, filesystem, in-process streaming), and the queue pump running the same handlers
/// that the Functions app binds to Service Bus.
/// </summary>
public static class StandaloneHost
{
    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        configure?.Invoke(builder.Configuration);
        // ASP.NET Core logs two lines per request at Information (its templates' appsettings silence them): keep its warnings, unless configured.
        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] is null)
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }

        var options = InstanceOptions.FromConfiguration(builder.Configuration);

        var bind = builder.Configuration["BIND"] is { Length: > 0 } host ? host : "127.0.0.1";
        var port = builder.Configuration["PORT"] is { Length: > 0 } p ? p : InstanceOptions.DefaultPort;
        builder.WebHost.UseUrls($"http://{(bind.Contains(':', StringComparison.Ordinal) ? $"[{bind}]" : bind)}:{port}");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Media uploads (video up to ~100 MB) come through the same surface.
            kestrel.Limits.MaxRequestBodySize = 120_000_000;
        });
        builder.Services.Configure<KestrelServerOptions>(o => o.AllowSynchronousIO = false);

        builder.Services.AddSingleton(Serverless.ActivityPub.Delivery.DeliveryOptions.FromConfiguration(builder.Configuration));
        builder.Services.AddServerlessApplication(options);
        // STORAGE_ADAPTERS=azure puts documents in Cosmos DB and media in Blob Storage (the local
        // test servers, or Azure); streaming stays the in-process hub, which this host serves.
        if (AzureAdapters.Read(builder.Configuration) == StorageAdapters.Azure)
        {
            builder.Services.AddAzureStorageAdapters(builder.Configuration);
        }

        // RUN_QUEUE_WORKERS=false serves HTTP only (a web-only process); queued work waits durably.
        // The queues are Service Bus queues when a connection is configured (sent there and run by
        // a processor per queue), else the embedded SQLite queue with its pump.
        var runQueueWorkers = InstanceOptions.ReadBool(builder.Configuration["RUN_QUEUE_WORKERS"], true);
        var serviceBus = AzureAdapters.ServiceBusConfigured(builder.Configuration);
        if (serviceBus)
        {
            builder.Services.AddServiceBusWorkQueue(builder.Configuration);
            if (runQueueWorkers)
            {
                builder.Services.AddServiceBusQueuePump(builder.Configuration);
            }
        }

        builder.Services.AddEmbeddedAdapters(options, runQueuePump: runQueueWorkers && !serviceBus);
        builder.Services.AddHostedService<ScheduledStatusesTimer>();
        AddTelemetry(builder);

        var app = builder.Build();
        var dispatcher = app.Services.GetRequiredService<Dispatcher>();
        // /api/v1/streaming upgrades to a WebSocket (Serverless.Mastodon/Streaming); keep-alive pings are set per socket.
        app.UseWebSockets();
        app.Run(dispatcher.DispatchAsync);
        return app;
    }

    /// <summary>Traces and metrics go to an OTLP collector when one is configured (OTEL_EXPORTER_OTLP_ENDPOINT).</summary>
    private static void AddTelemetry(WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return;
        }

        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource("Serverless.Http", "Serverless.Queues").AddAspNetCoreInstrumentation().AddOtlpExporter())
            .WithMetrics(metrics => metrics.AddMeter("Serverless.Queues", "Serverless.Deliver", "Serverless.Ingest", "Serverless.Azure.Cosmos").AddAspNetCoreInstrumentation().AddOtlpExporter());
    }
}
