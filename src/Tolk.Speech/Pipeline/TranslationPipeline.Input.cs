using Tolk.Speech.Audio;
using Tolk.Speech.Local.Vad;

namespace Tolk.Speech.Pipeline;

public sealed partial class TranslationPipeline
{
    /// <summary>
    /// A closed phrase (or, after a provisional end, the part of it said so far). <see cref="Confirmed"/> says whether
    /// it stands: true at once for a confirmed end; for a provisional one, true when the pause reaches the end
    /// silence, false when speech resumed — then the next job continues it (<see cref="Prefix"/>, same id).
    /// </summary>
    /// <remarks>
    /// <see cref="EndArrivedAt"/> is when the frame that closed the phrase reached the pipeline (a timestamp of its
    /// clock): the phrase's sound ended <see cref="TrailingSilence"/> before that, however far behind the frame loop runs.
    /// </remarks>
    private sealed record PhraseJob(long Id, short[] Audio, DateTimeOffset Start, DateTimeOffset EndpointAt, TimeSpan TrailingSilence, long EndArrivedAt, Task<FinalResultEvent?> Recognition, RecognitionSession? Session, PhraseJob? Prefix, TaskCompletionSource<bool> Confirmation)
    {
        public Task<bool> Confirmed => Confirmation.Task;

        /// <summary>The phrase's audio from its first part on.</summary>
        public short[] AllAudio => Prefix is null ? Audio : [.. Prefix.AllAudio, .. Audio];
    }

    /// <summary>A frame of the speaker's audio and when it reached the pipeline.</summary>
    private readonly record struct InputFrame(short[] Samples, long ArrivedAt);

    private PhraseJob? _provisional;
    private PhraseJob? _continuing;
    private long _frameArrivedAt;

    // Frame loop: VAD → endpointing → audio into the recogniser; a closed phrase becomes a PhraseJob.
    private async Task InputLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var input in _input.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                var frame = input.Samples;
                _frameArrivedAt = input.ArrivedAt;
                float p;
                try
                {
                    p = _vad.Process(frame);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    p = 0; // A broken VAD must not stop the speaker; treat the frame as silence.
                }

                var wasInPhrase = _endpointer.InPhrase;
                var decision = _endpointer.Process(p);
                if (!wasInPhrase)
                {
                    if (decision == EndpointEvent.PhraseStarted)
                    {
                        _phraseStart = _time.GetUtcNow();
                        _phraseAudio = [];
                        await EnsureRecognitionAsync(cancellationToken).ConfigureAwait(false);
                        await FeedPreRollAsync(cancellationToken).ConfigureAwait(false);
                        await FeedAsync(frame, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        KeepInPreRoll(frame);
                    }

                    continue;
                }

                switch (decision)
                {
                    case EndpointEvent.PhraseTentativelyEnded:
                        await FeedAsync(frame, cancellationToken).ConfigureAwait(false);
                        await ClosePhraseAsync(_options.Endpointing.TentativeSilence, provisional: true, cancellationToken).ConfigureAwait(false);
                        continue;
                    case EndpointEvent.PhraseResumed:
                        // The pause was inside the phrase: what was recognised so far becomes the start of the next part.
                        _continuing = _provisional;
                        _provisional = null;
                        _continuing?.Confirmation.TrySetResult(false);
                        _phraseAudio = [];
                        await EnsureRecognitionAsync(cancellationToken).ConfigureAwait(false);
                        await FeedPreRollAsync(cancellationToken).ConfigureAwait(false);
                        await FeedAsync(frame, cancellationToken).ConfigureAwait(false);
                        continue;
                    case EndpointEvent.PhraseEnded when _provisional is not null:
                        _provisional.Confirmation.TrySetResult(true);
                        _provisional = null;
                        continue;
                    case EndpointEvent.None when _endpointer.Tentative:
                        // Pause after a provisional end: kept aside, fed only if speech resumes.
                        KeepInPreRoll(frame);
                        continue;
                }

                await FeedAsync(frame, cancellationToken).ConfigureAwait(false);
                if (decision is EndpointEvent.PhraseEnded or EndpointEvent.PhraseChunked)
                {
                    var silence = decision == EndpointEvent.PhraseEnded ? _options.Endpointing.EndSilence : TimeSpan.Zero;
                    await ClosePhraseAsync(silence, provisional: false, cancellationToken).ConfigureAwait(false);
                    if (decision == EndpointEvent.PhraseChunked && _endpointer.InPhrase)
                    {
                        _phraseStart = _time.GetUtcNow();
                        _phraseAudio = [];
                    }
                }
            }

            _provisional?.Confirmation.TrySetResult(true);
            _provisional = null;
            if (_phraseAudio is not null)
            {
                await ClosePhraseAsync(TimeSpan.Zero, provisional: false, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _provisional?.Confirmation.TrySetResult(false);
            _phrases.Writer.TryComplete();
        }
    }

    // A recogniser that failed is replaced at the next phrase start: the speaker recovers without intervention.
    private async Task EnsureRecognitionAsync(CancellationToken cancellationToken)
    {
        if (_recognition is { Fault: null })
        {
            return;
        }

        var old = _recognition;
        _recognition = null;
        if (old is not null)
        {
            _ = old.DisposeAsync().AsTask();
        }

        try
        {
            _recognition = await RecognitionSession.StartAsync(this, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.RecognitionFailed(_logger, _nextPhraseId + 1, ex.Message);
        }
    }

    private void KeepInPreRoll(short[] frame)
    {
        _preRoll.Enqueue(frame);
        while (_preRoll.Count > _preRollFrames)
        {
            _preRoll.Dequeue();
        }
    }

    private async Task FeedPreRollAsync(CancellationToken cancellationToken)
    {
        foreach (var f in _preRoll)
        {
            await FeedAsync(f, cancellationToken).ConfigureAwait(false);
        }

        _preRoll.Clear();
    }

    private async Task FeedAsync(short[] frame, CancellationToken cancellationToken)
    {
        _phraseAudio?.AddRange(frame);
        if (_recognition is null)
        {
            return;
        }

        try
        {
            await _recognition.PushAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _recognition.MarkFaulted(ex);
        }
    }

    private async Task ClosePhraseAsync(TimeSpan trailingSilence, bool provisional, CancellationToken cancellationToken)
    {
        var audio = _phraseAudio?.ToArray() ?? [];
        _phraseAudio = null;
        if (trailingSilence > TimeSpan.Zero)
        {
            // The endpointer waited for its configured silence after the VAD's end of speech; the sound itself ended
            // earlier by the VAD's hangover (Silero: 60–100 ms). Latencies and the transcript count from the sound.
            // All-quiet audio (nothing loud enough to measure from) keeps the configured value.
            var quiet = AudioMath.TrailingQuiet(audio, SpeechAudio.SampleRate);
            var whole = TimeSpan.FromSeconds((double)audio.Length / SpeechAudio.SampleRate);
            if (quiet > trailingSilence && quiet < whole)
            {
                trailingSilence = quiet;
            }
        }

        var prefix = _continuing;
        _continuing = null;
        var id = prefix?.Id ?? ++_nextPhraseId;
        // Taken before the flush: a synchronous engine finishes decoding inside FlushAsync.
        var endpointAt = _time.GetUtcNow();
        var session = _recognition;
        var result = session?.FlushAsync(cancellationToken)
            ?? Task.FromException<FinalResultEvent?>(new SpeechProviderException("No recogniser is running."));
        var confirmation = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!provisional)
        {
            confirmation.SetResult(true);
        }

        var job = new PhraseJob(id, audio, prefix?.Start ?? _phraseStart, endpointAt, trailingSilence, _frameArrivedAt, result, session, prefix, confirmation);
        if (provisional)
        {
            _provisional = job;
        }

        await _phrases.Writer.WriteAsync(job, cancellationToken).ConfigureAwait(false);
    }
}
