using System.Buffers;
using System.Diagnostics;
using Tolk.Sip.Message;
using Tolk.Sip.Tests.Message;
using Tolk.Sip.Tests.Torture;
using Tolk.Sip.Validation;
using Xunit.Abstractions;

namespace Tolk.Sip.Tests.Fuzz;

/// <summary>
/// Property: whatever bytes arrive, the parser, the validators and the stream framer return a result —
/// they never throw and never hang. Mutations of every torture message and of ordinary traffic, a fixed
/// seed (reproducible) plus a fresh seed per run (logged, so a failure can be replayed).
/// </summary>
public sealed class SipParserFuzzTests(ITestOutputHelper output)
{
    private const int CasesPerRun = 10_000;
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public void Mutated_messages_never_crash_or_hang_fixed_seed() => Run(4475);

    [Fact]
    public void Mutated_messages_never_crash_or_hang_random_seed()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"Fuzz seed: {seed} (replay with Run({seed}))");
        Run(seed);
    }

    private static List<byte[]> Corpus()
    {
        var corpus = new List<byte[]> { SampleMessages.InviteBytes, SampleMessages.OkBytes };
        foreach (var dir in new[] { "rfc4475", "rfc5118" })
        {
            foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Torture", "Data", dir)).Order(StringComparer.Ordinal))
            {
                corpus.Add(File.ReadAllBytes(file));
            }
        }
        return corpus;
    }

    private void Run(int seed)
    {
        var random = new Random(seed);
        var mutator = new SipMutator(random);
        var corpus = Corpus();
        var current = -1;
        var caseStarted = 0L;
        byte[]? currentInput = null;
        Exception? failure = null;
        var done = false;
        var worker = new Thread(() =>
        {
            try
            {
                for (var i = 0; i < CasesPerRun; i++)
                {
                    var input = mutator.Mutate(corpus[random.Next(corpus.Count)]);
                    Volatile.Write(ref currentInput, input);
                    Volatile.Write(ref caseStarted, Stopwatch.GetTimestamp());
                    Volatile.Write(ref current, i);
                    Exercise(input, random.Next(1, 2048));
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            finally
            {
                Volatile.Write(ref done, true);
            }
        }) { IsBackground = true };
        worker.Start();
        while (!Volatile.Read(ref done))
        {
            Thread.Sleep(20);
            var started = Volatile.Read(ref caseStarted);
            if (started != 0 && Stopwatch.GetElapsedTime(started) > CaseTimeout && !Volatile.Read(ref done))
            {
                Assert.Fail($"seed {seed}, case {Volatile.Read(ref current)} ran over {CaseTimeout}: {Convert.ToBase64String(Volatile.Read(ref currentInput)!)}");
            }
        }
        if (failure is not null)
        {
            Assert.Fail($"seed {seed}, case {current} threw {failure}\ninput: {Convert.ToBase64String(currentInput!)}");
        }
        output.WriteLine($"seed {seed}: {CasesPerRun} cases");
    }

    /// <summary>Everything a receive path does with untrusted bytes.</summary>
    private static void Exercise(byte[] input, int segmentSize)
    {
        foreach (var isStream in new[] { false, true })
        {
            var result = SipParser.Parse(input, isStream: isStream);
            Assert.True(result.IsValid || result.ErrorStatus is 0 or 400 or 505 or 513, $"unexpected status {result.ErrorStatus}");
            if (result.Message is { } message)
            {
                Touch(message);
                _ = TortureRunner.Validator.Validate(result);
            }
        }
        Frame(input, segmentSize);
    }

    private static void Touch(SipMessage message)
    {
        _ = message.From;
        _ = message.To;
        _ = message.CSeq;
        _ = message.TopVia;
        _ = message.Vias;
        _ = message.Contacts;
        _ = message.Routes;
        _ = message.RecordRoutes;
        _ = message.MaxForwards;
        _ = message.Expires;
        _ = message.OptionTags(SipHeaderNames.Require);
        if (message is SipRequest request)
        {
            _ = request.RequestUri.ToString();
            _ = request.RequestUri.UserUnescaped;
            _ = SipResponse.CreateFor(request, 400, null, "tag").ToBytes();
        }
        else if (message is SipResponse response)
        {
            _ = SipResponseValidator.Validate(response);
        }

        // Whatever was accepted must serialise and come back as a message again.
        var again = SipParser.Parse(message.ToBytes());
        Assert.NotNull(again);
    }

    private static void Frame(byte[] input, int segmentSize)
    {
        // The same bytes twice, cut into small segments as a TCP stream would deliver them.
        var stream = input.Concat(input).ToArray();
        var buffer = ToSequence(stream, segmentSize);
        var limits = SipParserLimits.Default;
        for (var guard = 0; guard < stream.Length + 4; guard++)
        {
            var kind = SipStreamFramer.TryRead(ref buffer, limits, out var frame, out var status);
            if (kind is SipFrameKind.NeedMoreData or SipFrameKind.Error)
            {
                Assert.True(kind == SipFrameKind.NeedMoreData || status is 400 or 513);
                return;
            }
            if (kind == SipFrameKind.Message)
            {
                Assert.True(frame.Length > 0);
                _ = SipParser.Parse(frame.ToArray(), isStream: true);
            }
        }
        Assert.Fail("framer made no progress");
    }

    private static ReadOnlySequence<byte> ToSequence(byte[] data, int segmentSize)
    {
        if (data.Length <= segmentSize)
        {
            return new ReadOnlySequence<byte>(data);
        }
        Segment? first = null;
        Segment? last = null;
        for (var i = 0; i < data.Length; i += segmentSize)
        {
            var chunk = data.AsMemory(i, Math.Min(segmentSize, data.Length - i));
            if (first is null)
            {
                first = last = new Segment(chunk, 0);
            }
            else
            {
                last = last!.Append(chunk);
            }
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
