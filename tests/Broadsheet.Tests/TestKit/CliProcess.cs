using System.Diagnostics;

namespace Broadsheet.Tests.TestKit;

/// <summary>Runs the real executable's CLI as a child process, as a user would, with its configuration in the environment.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static Task<Result> RunAsync(TestEnvironment environment, params string[] args) =>
        RunAsync(environment, new Dictionary<string, string?>(), args);

    /// <summary>Runs with extra environment variables, which override the environment's own settings.</summary>
    public static async Task<Result> RunAsync(TestEnvironment environment, IReadOnlyDictionary<string, string?> variables, params string[] args)
    {
        using var process = Process.Start(StartInfo(environment, variables, args)) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>Starts a long-running command (e.g. <c>deliver</c>) that the test stops, kills or waits for.</summary>
    public static RunningCli Start(TestEnvironment environment, IReadOnlyDictionary<string, string?> variables, params string[] args) =>
        new(Process.Start(StartInfo(environment, variables, args)) ?? throw new InvalidOperationException("dotnet did not start"));

    private static ProcessStartInfo StartInfo(TestEnvironment environment, IReadOnlyDictionary<string, string?> variables, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = environment.DataDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Broadsheet.Web.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment.Settings())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        foreach (var (key, value) in variables)
        {
            start.Environment[key] = value;
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        return start;
    }
}
