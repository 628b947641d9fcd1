using System.Runtime.CompilerServices;
using Tolk.Sip.Sdp;

namespace Tolk.Sip.Tests.Sdp;

/// <summary>Realistic offers in Offers/*.sdp (stored with LF; sent on the wire with CRLF).</summary>
internal static class SdpSamples
{
    public static string Directory([CallerFilePath] string callerPath = "") =>
        Path.Combine(Path.GetDirectoryName(callerPath)!, "Offers");

    public static IEnumerable<string> Names() =>
        System.IO.Directory.GetFiles(Directory(), "*.sdp").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    public static string Text(string name) =>
        File.ReadAllText(Path.Combine(Directory(), name)).ReplaceLineEndings("\r\n");

    public static SdpSessionDescription Parse(string text) =>
        SdpSessionDescription.TryParse(text, out var sdp, out var error) ? sdp! : throw new InvalidOperationException(error);

    public static SdpSessionDescription Load(string name) => Parse(Text(name));
}
