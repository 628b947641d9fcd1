using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Tolk.Media.Mixing;

namespace Tolk.Bench.Mixing;

/// <summary>
/// One 20 ms mixer tick for N rooms × M participants with k active talkers per room (the others send
/// line noise at about −70 dBFS, as a jitter buffer would). Extra columns give the cost per
/// participant per tick and that cost as a share of one core (a tick is 20 ms).
/// Run: <c>dotnet run -c Release --project bench/Tolk.Bench -- --filter '*MixerTick*'</c>.
/// </summary>
[Config(typeof(MixerBenchConfig))]
[MemoryDiagnoser]
public class MixerTickBenchmarks
{
    private MixerClock _clock = null!;

    [ParamsSource(nameof(Scenarios))]
    public MixScenario Scenario { get; set; } = null!;

    public static IEnumerable<MixScenario> Scenarios =>
    [
        new(2, 3, 1, 0),
        new(10, 5, 2, 0),
        new(50, 10, 2, 0),
        new(100, 10, 1, 0),
        new(100, 10, 3, 0),
        new(100, 10, 2, 2), // translation: 2 languages, a TTS extra per language, originals ducked
        new(1000, 0, 0, 0), // idle rooms only: what sleeping rooms cost
    ];

    [GlobalSetup]
    public void Setup()
    {
        // One thread: this measures the mixing kernel's CPU per tick (with workers, wall time per tick
        // would shrink while the CPU spent stays the same).
        _clock = new MixerClock(TimeProvider.System, new MixerClockOptions { Workers = 1 });
        for (int r = 0; r < Math.Max(1, Scenario.Rooms); r++)
        {
            var room = _clock.CreateRoom($"room{r}", new MixerRoomOptions { JoinLeaveTones = false });
            var participants = new List<MixerParticipant>();
            for (int p = 0; p < Scenario.Participants; p++)
            {
                bool talker = p < Scenario.Talkers;
                var source = new LoopSource(seed: (r * 1000) + p, amplitude: talker ? 8000 : 10);
                participants.Add(room.AddParticipant($"p{p}", source, NullSink.Instance));
            }
            for (int lang = 0; lang < Scenario.Languages; lang++)
            {
                var audience = participants.Where((_, i) => i % Scenario.Languages == lang).ToList();
                foreach (var listener in audience)
                {
                    foreach (var speaker in participants.Take(Scenario.Talkers))
                    {
                        if (speaker != listener)
                        {
                            listener.SetGainFrom(speaker, 0.2f);
                        }
                    }
                }
                room.AddSource(new LoopSource(seed: 99 + lang, amplitude: 8000), audience, 1f, $"tts{lang}");
            }
        }
        // Let talk detection settle and idle rooms fall asleep.
        for (int t = 0; t < 100; t++)
        {
            _clock.TickNow();
        }
    }

    [Benchmark]
    public void Tick() => _clock.TickNow();

    public sealed record MixScenario(int Rooms, int Participants, int Talkers, int Languages)
    {
        public int TotalParticipants => Rooms * Participants;

        public override string ToString() =>
            Languages > 0 ? $"{Rooms}x{Participants} k{Talkers} +{Languages}lang" : $"{Rooms}x{Participants} k{Talkers}";
    }

    /// <summary>Replays one second of pre-generated noise (no per-tick generation cost).</summary>
    private sealed class LoopSource : IAudioFrameSource
    {
        private readonly short[] _pcm = new short[16000];
        private int _position;

        public LoopSource(int seed, double amplitude)
        {
            var rng = new Random(seed);
            for (int i = 0; i < _pcm.Length; i++)
            {
                _pcm[i] = (short)(amplitude * ((rng.NextDouble() * 2) - 1));
            }
        }

        public bool TryRead(Span<short> frame)
        {
            _pcm.AsSpan(_position, frame.Length).CopyTo(frame);
            _position = (_position + frame.Length) % _pcm.Length;
            return true;
        }
    }

    private sealed class NullSink : IAudioFrameSink
    {
        public static readonly NullSink Instance = new();

        public void Write(MixedFrame frame)
        {
        }
    }
}

/// <summary>Short in-process runs (the machine is shared) plus per-participant columns.</summary>
public sealed class MixerBenchConfig : ManualConfig
{
    public MixerBenchConfig()
    {
        AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
        AddColumn(new PerParticipantColumn(false), new PerParticipantColumn(true));
    }
}

/// <summary>ns per participant per tick, or that as % of one core (20 ms per tick).</summary>
public sealed class PerParticipantColumn(bool percentOfCore) : IColumn
{
    public string Id => percentOfCore ? "CorePctPerParticipant" : "NsPerParticipant";

    public string ColumnName => percentOfCore ? "% core/participant" : "ns/participant/tick";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => percentOfCore ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => percentOfCore
        ? "Share of one core one participant costs at 50 ticks/s"
        : "Mean tick time divided by rooms × participants";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is null
            || benchmarkCase.Parameters["Scenario"] is not MixerTickBenchmarks.MixScenario scenario
            || scenario.TotalParticipants == 0)
        {
            return "-";
        }
        double ns = report.ResultStatistics.Mean / scenario.TotalParticipants;
        return percentOfCore
            ? (ns / 20_000_000.0 * 100).ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)
            : ns.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
