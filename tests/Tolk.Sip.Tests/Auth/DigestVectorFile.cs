using System.Runtime.CompilerServices;

namespace Tolk.Sip.Tests.Auth;

/// <summary>Reads the RFC example files in Vectors/: "Name: value" headers with folded continuation lines.</summary>
internal static class DigestVectorFile
{
    public static List<KeyValuePair<string, string>> Read(string fileName, [CallerFilePath] string callerPath = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(callerPath)!, "Vectors", fileName);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.StartsWith('#') || line.Trim().Length == 0)
            {
                continue;
            }
            if (char.IsWhiteSpace(line[0]))
            {
                // RFC 3261 §7.3.1 / RFC 7230 line folding: a continuation joins with one space.
                var last = headers[^1];
                headers[^1] = new(last.Key, last.Value + " " + line.Trim());
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }
        return headers;
    }

    public static string Single(this List<KeyValuePair<string, string>> headers, string name) =>
        headers.Single(h => h.Key == name).Value;

    public static IEnumerable<string> All(this List<KeyValuePair<string, string>> headers, string name) =>
        headers.Where(h => h.Key == name).Select(h => h.Value);
}
