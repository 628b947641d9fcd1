using Tolk.Speech.Local.Vad;

namespace Tolk.Speech.Pipeline;

public sealed partial class TranslationPipeline
{
    private sealed record PhraseJob(long Id, short[] Audio, DateTimeOffset Start, DateTimeOffset EndpointAt, TimeSpan TrailingSilence, Task<FinalResultEvent?> Recognition, RecognitionSession? Session);

    // Frame loop: VAD → endpointing → audio into the recogniser; a closed phrase becomes a PhraseJob.
    private async Task InputLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var frame in _input.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
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
                        foreach (var f in _preRoll)
                        {
                            await FeedAsync(f, cancellationToken).ConfigureAwait(false);
                        }

                        _preRoll.Clear();
                        await FeedAsync(frame, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        _preRoll.Enqueue(frame);
                        while (_preRoll.Count > _preRollFrames)
                        {
                            _preRoll.Dequeue();
                        }
                    }

                    continue;
                }

                await FeedAsync(frame, cancellationToken).ConfigureAwait(false);
                if (decision is EndpointEvent.PhraseEnded or EndpointEvent.PhraseChunked)
                {
                    var silence = decision == EndpointEvent.PhraseEnded ? _options.Endpointing.EndSilence : TimeSpan.Zero;
                    await ClosePhraseAsync(silence, cancellationToken).ConfigureAwait(false);
                    if (decision == EndpointEvent.PhraseChunked && _endpointer.InPhrase)
                    {
                        _phraseStart = _time.GetUtcNow();
                        _phraseAudio = [];
                    }
                }
            }

            if (_phraseAudio is not null)
            {
                await ClosePhraseAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
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

    private async Task ClosePhraseAsync(TimeSpan trailingSilence, CancellationToken cancellationToken)
    {
        var audio = _phraseAudio?.ToArray() ?? [];
        _phraseAudio = null;
        var id = ++_nextPhraseId;
        // Taken before the flush: a synchronous engine finishes decoding inside FlushAsync.
        var endpointAt = _time.GetUtcNow();
        var session = _recognition;
        var result = session?.FlushAsync(cancellationToken)
            ?? Task.FromException<FinalResultEvent?>(new SpeechProviderException("No recogniser is running."));
        await _phrases.Writer.WriteAsync(new PhraseJob(id, audio, _phraseStart, endpointAt, trailingSilence, result, session), cancellationToken).ConfigureAwait(false);
    }
}
