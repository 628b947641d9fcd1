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

    private async Task ProcessPhraseAsync(PhraseJob job, CancellationToken cancellationToken)
    {
        FinalResultEvent? final;
        try
        {
            final = await job.Recognition.WaitAsync(_options.RecognitionTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = ex is TimeoutException ? "speech recognition timed out" : $"speech recognition failed: {ex.Message}";
            Log.RecognitionFailed(_logger, job.Id, reason);
            job.Session?.MarkFaulted(ex);
            foreach (var t in _targets)
            {
                MarkDown(t, job.Id, reason);
            }

            return;
        }

        var recognizedAt = _time.GetUtcNow();
        if (final is null || string.IsNullOrWhiteSpace(final.Text))
        {
            return;
        }

        Log.PhraseRecognized(_logger, job.Id, final.Text);
        Emit(new StageLatency(recognizedAt, job.Id, PipelineStage.Endpointing, null, job.TrailingSilence));
        Emit(new StageLatency(recognizedAt, job.Id, PipelineStage.Recognition, null, recognizedAt - job.EndpointAt));

        var features = ProsodyFeatures.Measure(job.Audio, SpeechAudio.SampleRate);
        _voice.Observe(features);
        var voice = CurrentVoice;

        var emotionTask = DetectEmotionAsync(job, final.Text, cancellationToken);
        var chunks = TextChunker.Split(final.Text, final.Words, _options.MaxChunkWords);
        var translations = await Task.WhenAll(_targets.Select(t => TranslateTargetAsync(job, t, chunks, voice, cancellationToken))).ConfigureAwait(false);
        var emotion = await emotionTask.ConfigureAwait(false);

        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < _targets.Count; i++)
        {
            if (translations[i] is { } text)
            {
                map[_targets[i]] = text;
            }
        }

        Emit(new TranscriptEntry(_time.GetUtcNow(), job.Id, _options.Context.ParticipantId, _options.SourceLanguage, final.Text, map, emotion, job.Start, job.EndpointAt - job.TrailingSilence, final.Words, final.Confidence));
    }

    private async Task<EmotionResult?> DetectEmotionAsync(PhraseJob job, string text, CancellationToken cancellationToken)
    {
        if (_engines.Emotion is null)
        {
            return null;
        }

        try
        {
            return await _engines.Emotion.DetectAsync(job.Audio, SpeechAudio.SampleRate, text, _options.Context, cancellationToken)
                .AsTask().WaitAsync(_options.TranslationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return null; // Emotion is an extra: its failure never blocks translation.
        }
    }

    // Returns the full translated text, or null when the target failed for this phrase.
    private async Task<string?> TranslateTargetAsync(PhraseJob job, string target, IReadOnlyList<string> chunks, VoiceSettings voice, CancellationToken cancellationToken)
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
                if (first)
                {
                    Emit(new StageLatency(mtEnd, job.Id, PipelineStage.Translation, target, mtEnd - mtStart));
                }

                parts.Add(translated);
                await SpeakAsync(job, target, translated, voice, first, mtEnd, cancellationToken).ConfigureAwait(false);
                first = false;
            }

            Emit(new TranslatedPhraseCompleted(_time.GetUtcNow(), target, job.Id));
            if (_targetDown.TryRemove(target, out _))
            {
                Emit(new TranslationRecovered(_time.GetUtcNow(), target));
            }

            return string.Join(' ', parts);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = ex is TimeoutException ? "the engine did not answer in time" : ex.Message;
            MarkDown(target, job.Id, reason);
            return null;
        }
    }

    private async Task SpeakAsync(PhraseJob job, string target, string text, VoiceSettings voice, bool firstChunkOfPhrase, DateTimeOffset requested, CancellationToken cancellationToken)
    {
        var firstAudio = true;
        var produced = 0;
        var enumerator = _engines.Synthesizer.SynthesizeAsync(text, target, voice, _options.Context, cancellationToken).GetAsyncEnumerator(cancellationToken);
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
                if (firstAudio)
                {
                    if (firstChunkOfPhrase)
                    {
                        Emit(new StageLatency(now, job.Id, PipelineStage.SynthesisFirstChunk, target, now - requested));
                        Emit(new StageLatency(now, job.Id, PipelineStage.FirstAudio, target, now - job.EndpointAt));
                    }
                }

                produced += chunk.Samples.Length;
                Emit(new TranslatedAudio(now, target, job.Id, chunk.Samples, chunk.SampleRate, firstAudio && firstChunkOfPhrase));
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
