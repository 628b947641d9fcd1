using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Tolk.Api.Tests.Infrastructure;
using Tolk.Api.Voices;

namespace Tolk.Api.Tests;

/// <summary>Voice upload, background training and its analysis of real audio.</summary>
public abstract class VoiceTests(ApiFixture f)
{
    private async Task<JsonElement> UploadAndWaitAsync(byte[] wav, string name)
    {
        using var a = f.AdminA;
        var reply = await a.SendAsync(HttpMethod.Post, $"/api/tenants/{f.TenantA}/voices", Wav.Form(name, "en", wav));
        Assert.Equal(HttpStatusCode.Accepted, reply.Status);
        Assert.Equal("pending", reply.Json.GetProperty("status").GetString());
        var url = reply.Message.Headers.Location!.OriginalString;
        for (var i = 0; i < 200; i++)
        {
            var poll = await a.GetJsonAsync(url);
            var status = poll.Json.GetProperty("status").GetString();
            if (status is "ready" or "failed")
            {
                return poll.Json;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("voice training did not finish");
    }

    [Fact]
    public async Task Training_measures_pitch_and_rate_of_a_known_signal()
    {
        var voice = await UploadAndWaitAsync(Wav.Bursts(pitchHz: 150, burstsPerSecond: 4, seconds: 3), "Bursts");
        Assert.Equal("ready", voice.GetProperty("status").GetString());
        Assert.Equal(3.0, voice.GetProperty("durationSeconds").GetDouble(), 2);
        Assert.InRange(voice.GetProperty("medianPitchHz").GetDouble(), 147, 153);
        Assert.InRange(voice.GetProperty("speakingRate").GetDouble(), 3.5, 4.6);
        Assert.StartsWith("local:", voice.GetProperty("providerVoiceId").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Training_fails_cleanly_on_silence_and_upload_rejects_non_wav()
    {
        var silent = await UploadAndWaitAsync(Wav.Encode(new short[16000 * 2], 16000), "Silence");
        Assert.Equal("failed", silent.GetProperty("status").GetString());
        Assert.Contains("voiced", silent.GetProperty("statusDetail").GetString(), StringComparison.Ordinal);

        using var a = f.AdminA;
        var bad = await a.SendAsync(HttpMethod.Post, $"/api/tenants/{f.TenantA}/voices", Wav.Form("x", "en", "not a wav at all"u8.ToArray()));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal(["sample"], bad.ErrorFields);
        var badLanguage = await a.SendAsync(HttpMethod.Post, $"/api/tenants/{f.TenantA}/voices", Wav.Form("x", "??", Wav.Bursts(150, 4, 1)));
        Assert.Equal(["language"], badLanguage.ErrorFields);
    }

    [Fact]
    public async Task Training_on_real_speech_from_espeak_gives_a_human_pitch_and_rate()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tolk-voice-{Guid.NewGuid():N}.wav");
        var psi = new ProcessStartInfo("espeak-ng", ["-v", "en-us", "-w", path, "The quick brown fox jumps over the lazy dog. Every caller hears the others in their own language."]);
        using (var p = Process.Start(psi)!)
        {
            await p.WaitForExitAsync();
            Assert.Equal(0, p.ExitCode);
        }

        var wav = await File.ReadAllBytesAsync(path);
        File.Delete(path);
        var (samples, rate, error) = WavAnalyzer.Read(wav);
        Assert.Null(error);
        var direct = WavAnalyzer.Analyze(samples!, rate);
        var voice = await UploadAndWaitAsync(wav, "espeak");
        Assert.Equal("ready", voice.GetProperty("status").GetString());
        Assert.InRange(voice.GetProperty("medianPitchHz").GetDouble(), 80, 200);   // espeak's default male voice
        Assert.InRange(voice.GetProperty("speakingRate").GetDouble(), 2, 8);      // syllables per second of speech
        Assert.Equal(direct.MedianPitchHz!.Value, voice.GetProperty("medianPitchHz").GetDouble(), 6);
    }

    [Fact]
    public async Task Room_may_use_a_voice_profile_of_its_own_tenant_only()
    {
        using var a = f.AdminA;
        var t = $"/api/tenants/{f.TenantA}";
        var ok = await a.PostJsonAsync($"{t}/rooms", new { name = "Voiced", extension = "7400", languages = new[] { new { code = "en", voice = f.ResourcesA["voices"] } } });
        Assert.Equal(HttpStatusCode.Created, ok.Status);

        using var master = f.Master;
        using var b = f.Host.Client(f.AdminBToken);
        var foreign = await b.PostJsonAsync($"/api/tenants/{f.TenantB}/rooms", new { name = "Steal", extension = "7400", languages = new[] { new { code = "en", voice = f.ResourcesA["voices"] } } });
        Assert.Equal(["languages[0].voice"], foreign.ErrorFields);
    }

    [Fact]
    public async Task Sip_account_voice_round_trips_and_must_be_a_voice_of_its_own_tenant()
    {
        using var a = f.AdminA;
        var t = $"/api/tenants/{f.TenantA}";
        var profile = f.ResourcesA["voices"];
        var created = await a.PostJsonAsync($"{t}/sip-accounts", new { username = "ines", password = "ines-secret-1", extension = "2020", voice = profile });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(profile, created.Json.GetProperty("voice").GetString());
        var url = $"{t}/sip-accounts/{created.Id}";
        Assert.Equal(profile, (await a.GetJsonAsync(url)).Json.GetProperty("voice").GetString());

        var builtIn = await a.PutJsonAsync(url, new { username = "ines", extension = "2020", voice = "espeak:de" });
        Assert.Equal(HttpStatusCode.OK, builtIn.Status);
        Assert.Equal("espeak:de", (await a.GetJsonAsync(url)).Json.GetProperty("voice").GetString());
        var cleared = await a.PutJsonAsync(url, new { username = "ines", extension = "2020" });
        Assert.Equal(JsonValueKind.Null, cleared.Json.GetProperty("voice").ValueKind);

        foreach (var bad in new[] { "no-such-voice", Guid.NewGuid().ToString(), "espeak:??" })
        {
            var reply = await a.PostJsonAsync($"{t}/sip-accounts", new { username = "ines2", password = "ines-secret-1", voice = bad });
            Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
            Assert.Equal(["voice"], reply.ErrorFields);
        }

        var badUpdate = await a.PutJsonAsync(url, new { username = "ines", extension = "2020", voice = "nope" });
        Assert.Equal(["voice"], badUpdate.ErrorFields);

        // Tenant A's profile id is unknown to tenant B.
        using var b = f.Host.Client(f.AdminBToken);
        var foreign = await b.PostJsonAsync($"/api/tenants/{f.TenantB}/sip-accounts", new { username = "ines", password = "ines-secret-1", voice = profile });
        Assert.Equal(HttpStatusCode.BadRequest, foreign.Status);
        Assert.Equal(["voice"], foreign.ErrorFields);
    }
}

[Collection("sqlite")]
public sealed class SqliteVoiceTests(SqliteFixture f) : VoiceTests(f);

[Collection("postgres")]
public sealed class PostgresVoiceTests(PostgresFixture f) : VoiceTests(f);
