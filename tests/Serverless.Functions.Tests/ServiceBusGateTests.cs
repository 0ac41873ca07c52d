using System.Diagnostics;
using System.Reflection;
using System.Xml.Linq;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;
using Serverless.Functions.Http;

namespace Serverless.Functions.Tests;

/// <summary>
/// The WebJobs Service Bus extension (which our registry does not serve) may be asked for only
/// when publishing: a normal build must not name it anywhere the Worker SDK would restore it.
/// </summary>
public sealed class ServiceBusGateTests
{
    private const string WebJobsServiceBus = "Microsoft.Azure.WebJobs.Extensions.ServiceBus";

    [Fact]
    public void The_built_app_does_not_ask_for_the_WebJobs_extension()
    {
        // The SDK reads ExtensionInformation attributes of the app to fill WorkerExtensions.csproj.
        var attributes = typeof(HttpRoutes).Assembly.GetCustomAttributes<ExtensionInformationAttribute>();
        Assert.DoesNotContain(attributes, a => a.ExtensionPackage == WebJobsServiceBus);
    }

    [Fact]
    public void The_generated_worker_extensions_project_has_no_service_bus_package()
    {
        // Written by the Worker SDK next to functions.metadata's intermediate copy, per configuration
        // (a `dotnet publish` in Release legitimately names the package in obj/Release).
        var metadata = new FileInfo(Paths.FunctionsMetadata);
        var framework = metadata.Directory!.Name;
        var generated = Path.Combine(Paths.FunctionsProjectDirectory, "obj", Paths.Configuration, framework, "WorkerExtensions", "WorkerExtensions.csproj");
        Assert.True(File.Exists(generated), generated);
        Assert.DoesNotContain("ServiceBus", File.ReadAllText(generated), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_project_gates_the_extension_behind_IncludeWebJobsServiceBus()
    {
        var project = XDocument.Load(Path.Combine(Paths.FunctionsProjectDirectory, "Serverless.Functions.csproj"));
        var defaults = project.Descendants("IncludeWebJobsServiceBus").Select(e => e.Value.Trim()).ToList();
        Assert.Contains("$(_IsPublishing)", defaults);

        var attribute = Assert.Single(
            project.Descendants("AssemblyAttribute"),
            e => e.Attribute("Include")?.Value.EndsWith("ExtensionInformationAttribute", StringComparison.Ordinal) == true);
        Assert.Equal(WebJobsServiceBus, attribute.Element("_Parameter1")?.Value);
        var condition = attribute.Parent?.Attribute("Condition")?.Value.Replace(" ", "", StringComparison.Ordinal);
        Assert.Equal("'$(IncludeWebJobsServiceBus)'=='true'", condition);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void MSBuild_evaluates_the_gate_from_IsPublishing(string publishing, bool expected)
    {
        // What `dotnet publish` (and so `azd deploy`) sees versus `dotnet build`: evaluation only.
        var project = Path.Combine(Paths.FunctionsProjectDirectory, "Serverless.Functions.csproj");
        var output = RunDotnet("msbuild", project, "-nologo", "-getItem:AssemblyAttribute", "-getProperty:IncludeWebJobsServiceBus", $"-property:_IsPublishing={publishing}");
        Assert.Contains($"\"IncludeWebJobsServiceBus\": \"{expected.ToString().ToLowerInvariant()}\"", output, StringComparison.Ordinal);
        Assert.Equal(expected, output.Contains(WebJobsServiceBus, StringComparison.Ordinal));
    }

    private static string RunDotnet(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Paths.FunctionsProjectDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Keep the child from inheriting the test host's MSBuild settings.
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "dotnet msbuild timed out");
        Assert.True(process.ExitCode == 0, $"dotnet msbuild failed: {stdout.Result}{stderr.Result}");
        return stdout.Result;
    }
}
