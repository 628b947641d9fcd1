using System.Collections.Concurrent;
using Tolk.Speech.Local.Emotion;

namespace Tolk.Speech.Pipeline;

public sealed partial class TranslationPipeline
{
    private readonly ConcurrentDictionary<string, bool> _targetDown = new(StringComparer.OrdinalIgnoreCase);

    // Phrase loop: recognition result → emotion, voice adaptation → per target (in parallel) MT → TTS.
    // Phrases are handled in order, so each target's audio never overlaps itself.
    private async Task PhraseLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var job in _phrases.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await ProcessPhraseAsync(job, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    // A provisional phrase is recognised, translated and synthesised at once; its audio, latencies and transcript
    // wait for the confirmation (Confirmed), so a phrase that goes on costs only discarded work.
    private async Task ProcessPhraseAsync(PhraseJob job, CancellationToken cancellationToken)
    {
        FinalResultEvent? final;
        try
        {
            final = await RecognizeAsync(job, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = ex is TimeoutException ? "speech recognition timed out" : $"speech recognition failed: {ex.Message}";
            Log.RecognitionFailed(_logger, job.Id, reason);
            job.Session?.MarkFaulted(ex);
            if (await job.Confirmed.WaitAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var t in _targets)
                {
                    MarkDown(t, job.Id, reason);
                }
            }

            return;
        }

        var recognizedAt = _time.GetUtcNow();
        if (final is null || string.IsNullOrWhiteSpace(final.Text))
        {
            return;
        }

        var confirmed = ConfirmAsync(job, final.Text, recognizedAt, cancellationToken);
        var audio = job.AllAudio;
        var features = ProsodyFeatures.Measure(audio, SpeechAudio.SampleRate);
        var adapter = _voice.With(features);

        var chunks = TextChunker.Split(final.Text, final.Words, _options.MaxChunkWords);
        var behind = _time.GetElapsedTime(job.EndArrivedAt) + job.TrailingSilence;
        var speak = _options.MaxSpokenDelay is not { } limit || behind <= limit;
        var translations = Task.WhenAll(_targets.Select(t => TranslateTargetAsync(job, confirmed, t, chunks, VoiceFrom(adapter, t), speak, cancellationToken)));
        if (!await confirmed.ConfigureAwait(false))
        {
            await translations.ConfigureAwait(false);
            return;
        }

        if (!speak)
        {
            Log.PhraseTooLate(_logger, job.Id, behind.TotalMilliseconds, _options.MaxSpokenDelay!.Value.TotalMilliseconds);
            foreach (var t in _targets)
            {
                MarkDown(t, job.Id, $"the translation fell {behind.TotalSeconds:F1} s behind the speaker; the original is heard until it catches up");
            }
        }

        _voice.Observe(features);
        var emotion = await DetectEmotionAsync(audio, final.Text, cancellationToken).ConfigureAwait(false);
        var texts = await translations.ConfigureAwait(false);
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < _targets.Count; i++)
        {
            if (texts[i] is { } text)
            {
                map[_targets[i]] = text;
            }
        }

        Emit(new TranscriptEntry(_time.GetUtcNow(), job.Id, _options.Context.ParticipantId, _options.SourceLanguage, final.Text, map, emotion, job.Start, job.EndpointAt - job.TrailingSilence, final.Words, final.Confidence));
    }

    // The final result of a job joined to those of the parts it continues (each part is one recogniser utterance).
    private async Task<FinalResultEvent?> RecognizeAsync(PhraseJob job, CancellationToken cancellationToken)
    {
        var own = await job.Recognition.WaitAsync(_options.RecognitionTimeout, cancellationToken).ConfigureAwait(false);
        if (job.Prefix is null)
        {
            return own;
        }

        FinalResultEvent? before;
        try
        {
            before = await RecognizeAsync(job.Prefix, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            before = null; // The earlier part is lost; what follows still counts.
        }

        if (before is null || string.IsNullOrWhiteSpace(before.Text))
        {
            return own;
        }

        if (own is null || string.IsNullOrWhiteSpace(own.Text))
        {
            return before;
        }

        var words = before.Words.Concat(own.Words).ToList();
        var confidence = words.Count == 0 ? (before.Confidence + own.Confidence) / 2 : words.Average(w => w.Confidence);
        return own with { Text = before.Text + " " + own.Text, Words = words, Confidence = confidence, UtteranceStart = before.UtteranceStart };
    }

    // Completes true once the phrase stands, after announcing its endpointing and recognition latencies (which the
    // listeners' side needs before the first translated audio); false when the speaker went on.
    private async Task<bool> ConfirmAsync(PhraseJob job, string text, DateTimeOffset recognizedAt, CancellationToken cancellationToken)
    {
        if (!await job.Confirmed.WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        Log.PhraseRecognized(_logger, job.Id, text);
        Emit(new StageLatency(recognizedAt, job.Id, PipelineStage.Endpointing, null, job.TrailingSilence));
        Emit(new StageLatency(recognizedAt, job.Id, PipelineStage.Recognition, null, recognizedAt - job.EndpointAt));
        return true;
    }

    private async Task<EmotionResult?> DetectEmotionAsync(short[] audio, string text, CancellationToken cancellationToken)
    {
        if (_engines.Emotion is null)
        {
            return null;
        }

        try
        {
            return await _engines.Emotion.DetectAsync(audio, SpeechAudio.SampleRate, text, _options.Context, cancellationToken)
                .AsTask().WaitAsync(_options.TranslationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return null; // Emotion is an extra: its failure never blocks translation.
        }
    }

    // Returns the full translated text, or null when the target failed for this phrase (or the phrase went on).
    // Unless told to speak, it only translates (a phrase too late to be heard still belongs in the transcript).
    private async Task<string?> TranslateTargetAsync(PhraseJob job, Task<bool> confirmed, string target, IReadOnlyList<string> chunks, VoiceSettings voice, bool speak, CancellationToken cancellationToken)
    {
        var parts = new List<string>();
        var first = true;
        try
        {
            foreach (var chunk in chunks)
            {
                var mtStart = _time.GetUtcNow();
                var result = await _engines.Translator.TranslateAsync(chunk, _options.SourceLanguage, target, _options.Context, cancellationToken)
                    .AsTask().WaitAsync(_options.TranslationTimeout, cancellationToken).ConfigureAwait(false);
                var translated = result.Text;
                if (LooksLikeGarbage(chunk, translated))
                {
                    throw new SpeechProviderException("the translator returned unusable text");
                }

                var mtEnd = _time.GetUtcNow();
                parts.Add(translated);
                if (!speak)
                {
                    continue;
                }

                var gate = first ? new FirstAudioGate(confirmed, new StageLatency(mtEnd, job.Id, PipelineStage.Translation, target, mtEnd - mtStart)) : null;
                await SpeakAsync(job, target, translated, voice, gate, mtEnd, cancellationToken).ConfigureAwait(false);
                first = false;
            }

            if (!speak)
            {
                return string.Join(' ', parts);
            }

            Emit(new TranslatedPhraseCompleted(_time.GetUtcNow(), target, job.Id));
            if (_targetDown.TryRemove(target, out _))
            {
                Emit(new TranslationRecovered(_time.GetUtcNow(), target));
            }

            return string.Join(' ', parts);
        }
        catch (PhraseWentOnException)
        {
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (await confirmed.ConfigureAwait(false))
            {
                MarkDown(target, job.Id, ex is TimeoutException ? "the engine did not answer in time" : ex.Message);
            }

            return null;
        }
    }

    /// <summary>Holds a phrase's first translated audio until the phrase is confirmed; carries the MT latency to report then.</summary>
    private sealed record FirstAudioGate(Task<bool> Confirmed, StageLatency Translation);

    /// <summary>The speaker went on after a provisional end: the speculative translation is dropped.</summary>
    private sealed class PhraseWentOnException : Exception;

    private async Task SpeakAsync(PhraseJob job, string target, string text, VoiceSettings voice, FirstAudioGate? gate, DateTimeOffset requested, CancellationToken cancellationToken)
    {
        var firstAudio = true;
        var produced = 0;
        var enumerator = _engines.Synthesizer.SynthesizeAsync(text, SynthesisLanguageOf(target), voice, _options.Context, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var abandon = false;
        try
        {
            while (true)
            {
                var move = enumerator.MoveNextAsync().AsTask();
                bool has;
                try
                {
                    has = await move.WaitAsync(_options.SynthesisTimeout, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    abandon = true;
                    _ = move.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
                    throw;
                }

                if (!has)
                {
                    break;
                }

                var chunk = enumerator.Current;
                if (chunk.SampleRate != SpeechAudio.SampleRate || chunk.Samples.Length == 0)
                {
                    if (chunk.Samples.Length == 0)
                    {
                        continue;
                    }

                    throw new SpeechProviderException($"the synthesiser returned {chunk.SampleRate} Hz audio");
                }

                var now = _time.GetUtcNow();
                var opensPhrase = firstAudio && gate is not null;
                if (opensPhrase)
                {
                    var synthesized = now;
                    if (!await gate!.Confirmed.WaitAsync(cancellationToken).ConfigureAwait(false))
                    {
                        throw new PhraseWentOnException();
                    }

                    now = _time.GetUtcNow();
                    Emit(gate.Translation);
                    Emit(new StageLatency(synthesized, job.Id, PipelineStage.SynthesisFirstChunk, target, synthesized - requested));
                    Emit(new StageLatency(now, job.Id, PipelineStage.FirstAudio, target, now - job.EndpointAt));
                }

                produced += chunk.Samples.Length;
                Emit(new TranslatedAudio(now, target, job.Id, chunk.Samples, chunk.SampleRate, opensPhrase));
                firstAudio = false;
            }
        }
        finally
        {
            if (!abandon)
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (produced == 0)
        {
            throw new SpeechProviderException("the synthesiser produced no audio");
        }
    }

    private void MarkDown(string target, long phraseId, string reason)
    {
        Log.TranslationFailed(_logger, target, phraseId, reason);
        _targetDown[target] = true;
        Emit(new TranslationUnavailable(_time.GetUtcNow(), target, phraseId, reason));
    }

    // Rejects output no listener should hear: empty, absurdly long, or full of replacement/control characters.
    internal static bool LooksLikeGarbage(string source, string translated)
    {
        if (string.IsNullOrWhiteSpace(translated))
        {
            return true;
        }

        if (translated.Length > (source.Length * 4) + 40)
        {
            return true;
        }

        var bad = translated.Count(c => c == '\uFFFD' || (char.IsControl(c) && c is not '\n' and not '\t'));
        var letters = translated.Count(char.IsLetter);
        return bad > 0 || letters < Math.Max(1, translated.Length / 3);
    }
}
