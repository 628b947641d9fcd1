using Microsoft.Extensions.DependencyInjection;
using Tolk.Conferencing.Calls;
using Tolk.Conferencing.Events;
using Microsoft.AspNetCore.Builder;
using Tolk.Conferencing.Translation;
using Tolk.Server.Hosting;
using Tolk.Speech.Local;
using Tolk.Speech.Local.Vad;

namespace Tolk.Api.Tests;

/// <summary>The `tolk serve` host wires the room-event sink and the call fan-out (built, not started).</summary>
public sealed class HostWiringTests
{
    [Fact]
    public async Task The_server_host_resolves_the_room_event_sink_and_the_call_event_fan_out()
    {
        await WithHostAsync(null, (app, dir) =>
        {
            var sink = app.Services.GetRequiredService<IRoomEventSink>();
            Assert.IsType<RoomEventFanOut>(sink);
            Assert.Same(sink, app.Services.GetRequiredService<RoomEventFanOut>());
            Assert.IsType<CallEventFanOut>(app.Services.GetRequiredService<ICallEventSink>());
            // The key that encrypts webhook secrets lives in the data directory, readable by the owner only.
            app.Services.GetRequiredService<Tolk.Data.Security.SecretProtector>();
            var key = Path.Combine(dir, "secrets.key");
            Assert.True(File.Exists(key));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
            }
        });
    }

    [Fact]
    public async Task Phrase_detection_settings_reach_the_conference_translation()
    {
        await WithHostAsync(("Speech:Endpointing:EndSilenceMs", "110"), (app, _) =>
        {
            var endpointing = app.Services.GetRequiredService<ConferenceTranslation>().Options.Endpointing;
            Assert.NotNull(endpointing);
            Assert.Equal(TimeSpan.FromMilliseconds(110), endpointing.EndSilence);
            // The default speculation lead (120 or 200 ms) is capped at a shorter end silence.
            Assert.Equal(TimeSpan.FromMilliseconds(110), endpointing.TentativeSilence);
        });
    }

    [Theory]
    [InlineData(null, 5.0)]
    [InlineData("2.5", 2.5)]
    [InlineData("0", null)]
    public async Task The_spoken_delay_limit_reaches_the_conference_translation(string? value, double? seconds)
    {
        await WithHostAsync(value is null ? null : ("Translation:MaxSpokenDelaySeconds", value), (app, _) =>
            Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, app.Services.GetRequiredService<ConferenceTranslation>().Options.MaxSpokenDelay));
    }

    [Fact]
    public async Task The_talker_cap_reaches_every_rooms_mixer()
    {
        await WithHostAsync(("Media:MaxMixedTalkers", "4"), (app, _) =>
            Assert.Equal(4, app.Services.GetRequiredService<Tolk.Conferencing.Media.ConferenceRooms>().RoomOptions.MaxMixedTalkers));
    }

    [Fact]
    public async Task Without_phrase_detection_settings_the_chosen_VADs_defaults_apply()
    {
        await WithHostAsync(("Speech:Endpointing:TentativeSilenceMs", "150"), (app, _) =>
        {
            var vad = app.Services.GetRequiredService<LocalSpeechEngines>().Vad.Engine;
            var endpointing = app.Services.GetRequiredService<ConferenceTranslation>().Options.Endpointing;
            Assert.NotNull(endpointing);
            Assert.Equal(vad == VadEngine.Silero ? 320 : 400, endpointing.EndSilence.TotalMilliseconds);
            Assert.Equal(150, endpointing.TentativeSilence.TotalMilliseconds);
        });
    }

    [Theory]
    [InlineData("Speech:Endpointing:EndSilenceMs", "50", "EndSilenceMs must be 100–3000 ms (was 50)")]
    [InlineData("Speech:Endpointing:EndSilenceMs", "3001", "EndSilenceMs must be 100–3000 ms (was 3001)")]
    [InlineData("Speech:Endpointing:TentativeSilenceMs", "-1", "TentativeSilenceMs must be 0–3000 ms (was -1)")]
    [InlineData("Speech:Recognition:VocabularySize", "500", "Speech:Recognition:VocabularySize must be 0 (every word) or 1000–200000 (was 500)")]
    [InlineData("Speech:Recognition:DecodeBlockMs", "10", "Speech:Recognition:DecodeBlockMs must be 20–1000 ms (was 10)")]
    [InlineData("Speech:Recognition:DecodeBlockMs", "1001", "Speech:Recognition:DecodeBlockMs must be 20–1000 ms (was 1001)")]
    [InlineData("Speech:Recognition:NarrowbandMllr", "/nonexistent/narrowband.mllr", "Speech:Recognition:NarrowbandMllr: no such file (/nonexistent/narrowband.mllr)")]
    [InlineData("Media:MaxMixedTalkers", "-1", "Media:MaxMixedTalkers must be 0 (every talker) or more (was -1)")]
    [InlineData("Media:RealtimePriority", "100", "Media:RealtimePriority must be 0 (normal scheduling) or 1–99 (was 100)")]
    [InlineData("Translation:MaxSpokenDelaySeconds", "-1", "Translation:MaxSpokenDelaySeconds must be 0 (always speak) or more (was -1)")]
    [InlineData("Translation:EmotionAlertIntervalSeconds", "-5", "Translation:EmotionAlertIntervalSeconds must be 0 or more (was -5)")]
    public async Task A_bad_setting_stops_the_start_and_names_its_key(string key, string value, string message)
    {
        var ex = await Assert.ThrowsAsync<FormatException>(() => WithHostAsync((key, value), (_, _) => { }));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_decode_block_is_set_in_ms_and_defaults_to_200()
    {
        Assert.Equal(10, SpeechSettings.BuildRecognition(new TolkServerOptions.RecognitionSection()).DecodeBlockFrames);
        Assert.Equal(3, SpeechSettings.BuildRecognition(new TolkServerOptions.RecognitionSection { DecodeBlockMs = 70 }).DecodeBlockFrames);
        Assert.Equal(1, SpeechSettings.BuildRecognition(new TolkServerOptions.RecognitionSection { DecodeBlockMs = 20 }).DecodeBlockFrames);
    }

    [Fact]
    public void Telephone_band_callers_get_the_shipped_transform_unless_told_otherwise()
    {
        var shipped = SpeechSettings.BuildRecognition(new TolkServerOptions.RecognitionSection()).NarrowbandMllr;
        Assert.Equal(Tolk.Speech.Local.PocketSphinx.PocketSphinxOptions.DefaultNarrowbandMllr, shipped);
        Assert.True(File.Exists(shipped), $"{shipped} is not deployed beside the server");
        Assert.Null(SpeechSettings.BuildRecognition(new TolkServerOptions.RecognitionSection { NarrowbandMllr = "" }).NarrowbandMllr);
    }

    /// <summary>Builds (does not start) the server host, with one extra setting if given, in a throw-away data directory.</summary>
    private static async Task WithHostAsync((string Key, string Value)? setting, Action<WebApplication, string> check)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"tolk-wiring-{Guid.NewGuid():N}");
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["DataDirectory"] = dir,
                ["Http:Listen"] = "127.0.0.1:0",
                ["Sip:Udp:0"] = "127.0.0.1:0",
            };
            if (setting is var (key, value))
            {
                settings[key] = value;
            }
            await using var app = TolkServer.Build(null, settings);
            check(app, dir);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
