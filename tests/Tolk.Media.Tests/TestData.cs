using System.Globalization;

namespace Tolk.Media.Tests;

/// <summary>Reads vector files under Data/.</summary>
internal static class TestData
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name);

    public static string[] Lines(string name) => File.ReadAllLines(PathOf(name));

    /// <summary>The hex value after "<paramref name="label"/>:" in a vector file.</summary>
    public static byte[] HexField(string name, string label)
    {
        foreach (var raw in Lines(name))
        {
            var line = raw.Trim();
            if (line.StartsWith(label + ":", StringComparison.OrdinalIgnoreCase))
            {
                var value = line[(label.Length + 1)..].Trim().Split(' ')[0];
                return Convert.FromHexString(value);
            }
        }

        throw new InvalidDataException($"{label} not found in {name}");
    }

    public static int ParseHexInt(string s) => int.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
