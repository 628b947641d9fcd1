using System.Buffers;
using System.Text;
using Tolk.Sip.Message;
using Tolk.Sip.Tests.Torture;

namespace Tolk.Sip.Tests.Fuzz;

/// <summary>
/// Inputs built to expose super-linear work (long parameter runs, deep quoting, huge lists, deep folding,
/// many headers), parsed with limits raised far above the defaults. A linear parser finishes each in
/// milliseconds; a quadratic one would need hours, which the watchdog turns into a failure.
/// </summary>
public sealed class PathologicalInputTests
{
    private static readonly SipParserLimits Huge = new() { MaxHeadBytes = 8_000_000, MaxMessageBytes = 8_000_000, MaxHeaderCount = 500_000 };

    public static TheoryData<string> Cases() =>
    [
        "Via: SIP/2.0/UDP h;branch=z9hG4bK" + Repeat(";a", 300_000) + "\r\n",
        "To: \"" + Repeat("\\\"", 300_000) + "\" <sip:a@b>\r\n",
        "Contact: " + Repeat("<sip:a@b>,", 100_000) + "<sip:a@b>\r\n",
        "Subject: " + Repeat("x\r\n ", 200_000) + "x\r\n",
        Repeat("X-A: 1\r\n", 200_000),
        "Route: " + Repeat("<", 500_000) + "\r\n",
        "Record-Route: " + Repeat("\"", 500_000) + "\r\n",
        "Require: " + Repeat("x,", 300_000) + "\r\n",
        "From: <sip:" + Repeat("%41", 300_000) + "@b>;tag=1\r\n",
        "Via: " + Repeat("SIP/2.0/UDP [::1]:5060,", 100_000) + "SIP/2.0/UDP h\r\n",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Pathological_header_finishes(string header)
    {
        var text = "INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:b@c>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n"
            + header + "Content-Length: 0\r\n\r\n";
        var bytes = Encoding.UTF8.GetBytes(text);
        var task = Task.Run(() =>
        {
            var result = SipParser.Parse(bytes, Huge);
            if (result.Message is { } m)
            {
                _ = TortureRunner.Validator.Validate(result);
                _ = m.Vias;
                _ = m.Contacts;
                _ = m.Routes;
                _ = m.RecordRoutes;
                _ = m.From?.Uri.UserUnescaped;
                _ = m.To;
                _ = SipParser.Parse(m.ToBytes(), Huge);
            }
            var buffer = new ReadOnlySequence<byte>(bytes);
            _ = SipStreamFramer.TryRead(ref buffer, Huge, out _, out _);
        });
        var finished = await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(finished == task, "did not finish: super-linear work");
        await task;
    }

    private static string Repeat(string s, int n) => new StringBuilder(s.Length * n).Insert(0, s, n).ToString();
}
