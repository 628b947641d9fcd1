namespace Tolk.EndToEnd.Infrastructure;

/// <summary>Runs a SIPp scenario (Debian sip-tester) against a server and reports how its calls went.</summary>
public static class Sipp
{
    public sealed record Result(int ExitCode, int Successful, int Failed, string Output, string Errors);

    public static async Task<Result> RunAsync(
        string scenario,
        string transport,
        int serverPort,
        int calls = 1,
        double rate = 10,
        IEnumerable<string>? extraArguments = null,
        TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? replacements = null,
        string? injection = null,
        string remoteHost = "127.0.0.1",
        string localIp = "127.0.0.1")
    {
        var work = Directory.CreateTempSubdirectory("sipp-").FullName;
        var text = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Scenarios", scenario));
        foreach (var (k, v) in replacements ?? new Dictionary<string, string>())
        {
            text = text.Replace("{{" + k + "}}", v, StringComparison.Ordinal);
        }
        text = text.Replace("{{DOMAIN}}", TolkServerProcess.Domain, StringComparison.Ordinal);
        // Headers a test adds to a request: "\n      Name: value" lines after the placeholder's line, or nothing.
        text = text.Replace("{{EXTRA_HEADERS}}", "", StringComparison.Ordinal);
        var scenarioPath = Path.Combine(work, scenario);
        await File.WriteAllTextAsync(scenarioPath, text);
        var args = new List<string>
        {
            remoteHost + ":" + serverPort,
            "-sf", scenarioPath,
            "-t", transport == "tcp" ? "t1" : "u1",
            "-i", localIp,
            "-p", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-m", calls.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-r", rate.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-nostdin",
            "-trace_err",
            "-trace_stat", "-stf", Path.Combine(work, "stat.csv"),
            "-error_file", Path.Combine(work, "errors.log"),
            "-timeout", "30s",
            "-timeout_error",
        };
        if (injection is not null)
        {
            var csv = Path.Combine(work, "users.csv");
            await File.WriteAllTextAsync(csv, "SEQUENTIAL\n" + injection + "\n");
            args.AddRange(["-inf", csv]);
        }
        if (extraArguments is not null)
        {
            args.AddRange(extraArguments);
        }
        await using var process = ExternalProcess.Start("sipp", args, workingDirectory: work);
        var exit = await process.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(60));
        var (ok, failed) = ReadStats(Path.Combine(work, "stat.csv"));
        var errors = File.Exists(Path.Combine(work, "errors.log")) ? await File.ReadAllTextAsync(Path.Combine(work, "errors.log")) : "";
        Directory.Delete(work, recursive: true);
        return new Result(exit, ok, failed, process.Output, errors);
    }

    /// <summary>Reads the last row of SIPp's statistics CSV: columns SuccessfulCall(C) and FailedCall(C).</summary>
    private static (int Successful, int Failed) ReadStats(string path)
    {
        if (!File.Exists(path))
        {
            return (0, 0);
        }
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        if (lines.Count < 2)
        {
            return (0, 0);
        }
        var header = lines[0].Split(';');
        var last = lines[^1].Split(';');
        var ok = Array.IndexOf(header, "SuccessfulCall(C)");
        var failed = Array.IndexOf(header, "FailedCall(C)");
        return (int.Parse(last[ok], System.Globalization.CultureInfo.InvariantCulture), int.Parse(last[failed], System.Globalization.CultureInfo.InvariantCulture));
    }
}
