using System.Globalization;

namespace Tolk.Bench.Speech;

/// <summary>CPU time of this process (and its exited children) and a nearest-rank percentile, for the speech drivers.</summary>
internal static class BenchMeasure
{
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
