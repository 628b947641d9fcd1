using System.Globalization;

namespace Tolk.Bench.Speech;

/// <summary>
/// CPU time of this process (and its exited children), a nearest-rank percentile, and real-time pacing, for the
/// speech drivers.
/// </summary>
internal static class BenchMeasure
{
    /// <summary>
    /// Waits until the 16 kHz audio up to sample <paramref name="end"/> has been spoken, counting from when
    /// <paramref name="clock"/> started: frames then arrive as a call delivers them.
    /// </summary>
    public static Task PaceAsync(System.Diagnostics.Stopwatch clock, int end)
    {
        var wait = Tolk.Speech.SpeechAudio.Duration(end) - clock.Elapsed;
        return wait > TimeSpan.Zero ? Task.Delay(wait) : Task.CompletedTask;
    }

    public static double CpuSeconds()
    {
        // /proc/self/stat fields 14–17: utime, stime, cutime, cstime in clock ticks (100 Hz on Linux).
        var fields = File.ReadAllText("/proc/self/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
            + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture)) / 100.0;
    }

    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        var s = values.Order().ToArray();
        return s.Length == 0 ? double.NaN : s[Math.Min(s.Length - 1, (int)Math.Ceiling(p * s.Length) - 1)];
    }
}
