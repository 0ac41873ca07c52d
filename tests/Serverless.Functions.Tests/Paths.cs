using System.Reflection;

namespace Serverless.Functions.Tests;

/// <summary>Where things are on disk, as recorded by the test project at build time.</summary>
internal static class Paths
{
    public static string RepositoryRoot => Metadata("RepositoryRoot");

    public static string FunctionsProjectDirectory => Metadata("FunctionsProjectDirectory");

    /// <summary>The build configuration of the tests, and so of the functions app they reference.</summary>
    public static string Configuration => Metadata("Configuration");

    /// <summary>
    /// The functions.metadata the Worker SDK wrote for the functions app. Looks next to the tests
    /// first (the file is copied along with the referenced app's other output), then in the app's
    /// own output folder for this configuration.
    /// </summary>
    public static string FunctionsMetadata
    {
        get
        {
            var candidates = new List<string>
            {
                Path.Combine(AppContext.BaseDirectory, "functions.metadata"),
            };
            var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
            candidates.Add(Path.Combine(FunctionsProjectDirectory, "bin", Configuration, framework, "functions.metadata"));
            var binDirectory = Path.Combine(FunctionsProjectDirectory, "bin");
            if (Directory.Exists(binDirectory))
            {
                candidates.AddRange(Directory.EnumerateFiles(binDirectory, "functions.metadata", SearchOption.AllDirectories)
                    .OrderByDescending(File.GetLastWriteTimeUtc));
            }

            return candidates.FirstOrDefault(File.Exists)
                ?? throw new FileNotFoundException("functions.metadata not found; build tests/Serverless.Functions.Tests (it builds the functions app). Looked in: " + string.Join(", ", candidates));
        }
    }

    private static string Metadata(string key) =>
        typeof(Paths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"Assembly metadata '{key}' is missing.");
}
