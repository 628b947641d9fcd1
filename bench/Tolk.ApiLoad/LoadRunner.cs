using System.Diagnostics;

namespace Tolk.ApiLoad;

/// <summary>Latency statistics of one run.</summary>
internal sealed record LoadResult(string Scenario, string Mode, double RequestsPerSecond, double P50Ms, double P99Ms, double MaxMs, int Errors, int Count);

/// <summary>
/// Open-loop load at a fixed rate: requests start on a fixed schedule regardless of earlier replies,
/// and latency is measured from the scheduled start (so queueing delay is not hidden — no
/// coordinated omission). Closed-loop mode finds the maximum throughput with N workers.
/// </summary>
internal static class LoadRunner
{
    public static async Task<LoadResult> OpenLoopAsync(string scenario, Func<Task<bool>> request, int rate, TimeSpan duration)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var errors = 0;
        var tasks = new Task[total];
        var clock = Stopwatch.StartNew();
        var interval = 1.0 / rate;
        for (var i = 0; i < total; i++)
        {
            var due = i * interval;
            // Sleep (never spin) while ahead of schedule: on a small machine a spinning driver steals the
            // server's CPU. Requests that fell due meanwhile start together; latency counts from their due time.
            while (clock.Elapsed.TotalSeconds < due)
            {
                await Task.Delay(1);
            }

            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                bool ok;
                try
                {
                    ok = await request();
                }
                catch (HttpRequestException)
                {
                    ok = false;
                }

                latencies[index] = (clock.Elapsed.TotalSeconds - due) * 1000;
                if (!ok)
                {
                    Interlocked.Increment(ref errors);
                }
            });
        }

        await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed.TotalSeconds;
        return Summarise(scenario, $"open {rate}/s", latencies, total / elapsed, errors);
    }

    public static async Task<LoadResult> ClosedLoopAsync(string scenario, Func<Task<bool>> request, int workers, TimeSpan duration)
    {
        var bag = new System.Collections.Concurrent.ConcurrentBag<double>();
        var errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                var start = clock.Elapsed.TotalMilliseconds;
                bool ok;
                try
                {
                    ok = await request();
                }
                catch (HttpRequestException)
                {
                    ok = false;
                }

                bag.Add(clock.Elapsed.TotalMilliseconds - start);
                if (!ok)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })));
        var latencies = bag.ToArray();
        return Summarise(scenario, $"closed x{workers}", latencies, latencies.Length / clock.Elapsed.TotalSeconds, errors);
    }

    private static LoadResult Summarise(string scenario, string mode, double[] latencies, double rps, int errors)
    {
        Array.Sort(latencies);
        double At(double q) => latencies.Length == 0 ? 0 : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(q * latencies.Length) - 1)];
        return new LoadResult(scenario, mode, rps, At(0.50), At(0.99), latencies.Length == 0 ? 0 : latencies[^1], errors, latencies.Length);
    }
}
