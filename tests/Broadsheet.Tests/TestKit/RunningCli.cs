using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Broadsheet.Tests.TestKit;

/// <summary>A child process of the real executable, with its output collected, that a test can kill or stop.</summary>
public sealed class RunningCli : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _error = new();
    private readonly StringBuilder _output = new();
    private readonly List<(Regex Pattern, TaskCompletionSource<Match> Found)> _watchers = [];
    private bool _outputEnded;

    internal RunningCli(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_error)
            {
                _error.AppendLine(e.Data);
            }
        };
        _process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The process id, e.g. to tell a test's failure message which child it was.</summary>
    public int Id => _process.Id;

    public int ExitCode => _process.ExitCode;

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>What the process wrote to standard output so far (a host's console log).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Completes with the first line of standard output (already written or still to come) that matches
    /// <paramref name="pattern"/>, e.g. the address a host reports it listens on.
    /// </summary>
    /// <exception cref="InvalidOperationException">The output ended (the process exited) without such a line.</exception>
    /// <exception cref="TimeoutException">No such line within <paramref name="timeout"/>.</exception>
    public async Task<Match> WaitForOutputAsync(Regex pattern, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var found = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            var earlier = pattern.Match(_output.ToString());
            if (earlier.Success)
            {
                return earlier;
            }

            if (_outputEnded)
            {
                throw new InvalidOperationException($"The process ended without writing a line that matches {pattern}.");
            }

            _watchers.Add((pattern, found));
        }

        try
        {
            return await found.Task.WaitAsync(timeout);
        }
        finally
        {
            lock (_output)
            {
                _watchers.Remove((pattern, found));
            }
        }
    }

    /// <summary>kill -9: no chance to finish anything, as in a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as a service manager or a container runtime stops a process, then waits for it to exit.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        // The shell's own kill, so the test needs no procps on a minimal machine.
        using (var kill = Process.Start("sh", ["-c", "kill -TERM " + _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
    }

    private void OnOutput(string? line)
    {
        lock (_output)
        {
            if (line is null)
            {
                _outputEnded = true;
                foreach (var (pattern, found) in _watchers)
                {
                    found.TrySetException(new InvalidOperationException($"The process ended without writing a line that matches {pattern}."));
                }

                return;
            }

            _output.AppendLine(line);
            foreach (var (pattern, found) in _watchers)
            {
                if (pattern.Match(line) is { Success: true } match)
                {
                    found.TrySetResult(match);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
