using System.Globalization;

namespace Tolk.EndToEnd.Infrastructure;

/// <summary>
/// A headless baresip (Debian) softphone: plays a WAV through `aufile`, records what it sends and
/// hears with `sndfile`, dials one URI and hangs up when the WAV ends.
/// </summary>
public sealed class Baresip : IAsyncDisposable
{
    private readonly string _dir;

    private Baresip(string dir) => _dir = dir;

    public string RecordingDirectory => Path.Combine(_dir, "rec");

    public string Output { get; private set; } = "";

    /// <param name="account">The accounts line, e.g. &lt;sip:alice@demo.tolk.test&gt;;auth_pass=…;outbound="sip:127.0.0.1:5061;transport=tls".</param>
    /// <param name="sourceWav">8 kHz mono 16-bit WAV to send.</param>
    /// <param name="configLines">More lines for baresip's config file (e.g. <c>sip_certificate</c>).</param>
    public static Baresip Create(string account, string sourceWav, params string[] configLines)
    {
        var dir = Directory.CreateTempSubdirectory("baresip-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "rec"));
        var sipPort = FreePorts.Next();
        var rtpLow = 61000 + (sipPort % 400) * 10; // above the ephemeral range, apart from Tolk's 30000–39999
        var config = string.Join('\n',
            "poll_method epoll",
            $"sip_listen 127.0.0.1:{sipPort.ToString(CultureInfo.InvariantCulture)}",
            "net_interface 127.0.0.1",
            // The player is an aubridge device with no source attached: it never runs, so nothing plays. ALSA's
            // "null" device returns at once from every write, and its player thread spun a whole core per client.
            "audio_player aubridge,nowhere",
            $"audio_source aufile,{sourceWav}",
            "audio_alert aubridge,nowhere",
            "module_path /usr/lib/baresip/modules",
            "module g711.so",
            "module g722.so",
            "module opus.so",
            "module srtp.so",
            "module aufile.so",
            "module aubridge.so",
            "module sndfile.so",
            "module_app account.so",
            "module_app menu.so",
            $"snd_path {Path.Combine(dir, "rec")}",
            $"rtp_ports {rtpLow.ToString(CultureInfo.InvariantCulture)}-{(rtpLow + 9).ToString(CultureInfo.InvariantCulture)}",
            string.Join('\n', configLines),
            "");
        File.WriteAllText(Path.Combine(dir, "config"), config);
        File.WriteAllText(Path.Combine(dir, "accounts"), account + "\n");
        return new Baresip(dir);
    }

    /// <summary>Runs baresip until it quits (after <paramref name="seconds"/>), dialling <paramref name="uri"/> if given.</summary>
    public async Task<string> RunAsync(string? uri, int seconds)
    {
        var args = new List<string> { "-f", _dir, "-t", seconds.ToString(CultureInfo.InvariantCulture) };
        if (uri is not null)
        {
            args.AddRange(["-e", "/dial " + uri]);
        }
        await using var process = ExternalProcess.Start("baresip", args, workingDirectory: _dir);
        await process.WaitForExitAsync(TimeSpan.FromSeconds(seconds + 30));
        Output = process.Output;
        return Output;
    }

    /// <summary>The recording of what baresip heard (its decoder output).</summary>
    public string? HeardWav => Directory.GetFiles(RecordingDirectory, "*-dec.wav").FirstOrDefault();

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        return ValueTask.CompletedTask;
    }
}
