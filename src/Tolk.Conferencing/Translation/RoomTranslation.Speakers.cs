using Tolk.Conferencing.Events;
using Tolk.Media.Mixing;
using Tolk.Speech;
using Tolk.Speech.Pipeline;

namespace Tolk.Conferencing.Translation;

public sealed partial class RoomTranslation
{
    private readonly IReadOnlyDictionary<string, TargetVoice>? _targetVoices;

    private void StartPipeline(Member member)
    {
        var targets = TargetsFor(member.Language);
        var generation = member.BeginGeneration(targets);
        var options = new TranslationPipelineOptions
        {
            SourceLanguage = member.Language,
            TargetLanguages = targets,
            Context = member.Context,
            HintPhrases = Room.HintPhrases is { Count: > 0 } hints ? hints : null,
            VoiceProfile = member.VoiceProfile,
            TargetVoices = VoicesFor(member, targets),
            Endpointing = _options.Endpointing,
            MaxSpokenDelay = _options.MaxSpokenDelay,
            NarrowbandSource = member.Narrowband,
        };
        _ = Task.Run(() => RunPipelineAsync(member, generation, options));
    }

    // The room's voice per target language, with the speaker's own built-in voice in place of it for its language
    // (a house voice's pitch and rate still stand in when the speaker has no profile).
    private IReadOnlyDictionary<string, TargetVoice>? VoicesFor(Member member, IReadOnlyList<string> targets)
    {
        if (member.BuiltInVoice is not { } tag || targets.FirstOrDefault(t => LanguageTags.SameLanguage(t, tag)) is not { } target)
        {
            return _targetVoices;
        }
        var voices = new Dictionary<string, TargetVoice>(StringComparer.OrdinalIgnoreCase);
        foreach (var (language, voice) in _targetVoices ?? new Dictionary<string, TargetVoice>())
        {
            if (!LanguageTags.SameLanguage(language, tag))
            {
                voices[language] = voice;
            }
        }
        var house = _targetVoices?.FirstOrDefault(kv => LanguageTags.SameLanguage(kv.Key, tag)).Value;
        voices[target] = new TargetVoice(tag, house?.Profile);
        return voices;
    }

    private async Task RunPipelineAsync(Member member, Generation generation, TranslationPipelineOptions options)
    {
        ISpeakerPipeline pipeline;
        try
        {
            pipeline = await _factory.StartAsync(options, generation.Stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (!generation.Stopping.IsCancellationRequested)
            {
                SpeakerUnavailable(member, generation, $"The translation pipeline failed to start: {ex.Message}");
                UpdateRouting();
            }
            return;
        }
        if (!member.Attach(generation, pipeline))
        {
            await pipeline.DisposeAsync().ConfigureAwait(false);
            return;
        }
        if (pipeline.UnavailableReason is { } reason)
        {
            SpeakerUnavailable(member, generation, reason, pipeline.UnavailableByConfiguration);
        }
        else
        {
            Log.SpeakerTranslating(_logger, Room.Extension, member.Participant.Id, member.Language, string.Join(",", options.TargetLanguages));
        }
        UpdateRouting();

        try
        {
            await foreach (var e in pipeline.ReadEventsAsync(generation.Stopping.Token).ConfigureAwait(false))
            {
                OnEvent(member, generation, e);
            }
        }
        catch (OperationCanceledException) when (generation.Stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            SpeakerUnavailable(member, generation, $"The translation pipeline failed: {ex.Message}");
        }
        finally
        {
            // Only this run's phrases: a newer run of the same speaker (restart, language switch) may already queue.
            foreach (var o in Outputs())
            {
                o.Queue.CompleteAll(member.Participant.Id, key => key >> PhraseBits == generation.Number);
            }
        }
        if (!generation.Stopping.IsCancellationRequested && member.UnavailableReason is null)
        {
            // The event stream ended on its own: nothing will be translated any more.
            SpeakerUnavailable(member, generation, "The translation pipeline stopped.");
        }
        UpdateRouting();
    }

    /// <summary>Nothing of the speaker can be translated any more: logged, published and announced.</summary>
    private void SpeakerUnavailable(Member member, Generation generation, string reason, bool notConfigured = false)
    {
        if (!member.SetUnavailable(generation, reason))
        {
            return;
        }
        var speaker = member.Participant.Id;
        Log.SpeakerUnavailable(_logger, Room.Extension, speaker, member.Language, reason);
        Publish(new RoomTranslationStateEvent(_tenantId, Room.Id, Room.Extension, _time.GetUtcNow(), speaker, null, Available: false, reason));
        Announce(member, member.Targets ?? TargetsFor(member.Language), deferUntilSpeaking: notConfigured);
    }

    private void OnEvent(Member member, Generation generation, PipelineEvent e)
    {
        var speaker = member.Participant.Id;
        switch (e)
        {
            case TranslatedAudio a:
                EnsureOutput(a.TargetLanguage).Queue.Enqueue(speaker, Key(generation, a.PhraseId), a.Samples, a.SampleRate);
                break;
            case TranslatedPhraseCompleted c:
                QueueFor(c.TargetLanguage)?.Complete(speaker, Key(generation, c.PhraseId));
                break;
            case TranscriptEntry t:
                AddTranscript(t);
                Log.Transcript(_logger, Room.Extension, speaker, t.Language, t.Text, string.Join(" | ", t.Translations.Select(kv => kv.Key + ": " + kv.Value)));
                Publish(new RoomTranscriptEvent(_tenantId, Room.Id, Room.Extension, t.Timestamp, speaker, t));
                CheckEmotion(speaker, t);
                break;
            case InterimTranscript i:
                Publish(new RoomInterimEvent(_tenantId, Room.Id, Room.Extension, i.Timestamp, speaker, i.Language, i.Text));
                break;
            case StageLatency l:
                if (l.Stage == PipelineStage.Endpointing)
                {
                    generation.PendingTrailingSilence = l.Duration;
                }
                else if (l.Stage == PipelineStage.Recognition)
                {
                    // Speech end = endpoint decision − trailing silence; endpoint = final − recognition time.
                    generation.SpeechEnds[l.PhraseId] = l.Timestamp - l.Duration - generation.PendingTrailingSilence;
                }
                AddLatency(new TranslationLatency(speaker, l.PhraseId, l.Stage, l.TargetLanguage, l.Duration));
                Log.StageLatency(_logger, Room.Extension, speaker, l.PhraseId, l.Stage, l.TargetLanguage ?? "-", l.Duration.TotalMilliseconds);
                break;
            case TranslationUnavailable u:
                var lost = member.SetTargetAvailable(generation, u.TargetLanguage, available: false);
                if (u.PhraseId is { } phrase)
                {
                    QueueFor(u.TargetLanguage)?.Complete(speaker, Key(generation, phrase));
                }
                Log.TargetUnavailable(_logger, Room.Extension, speaker, u.TargetLanguage, u.Reason);
                UpdateRouting();
                if (lost)
                {
                    Publish(new RoomTranslationStateEvent(_tenantId, Room.Id, Room.Extension, u.Timestamp, speaker, u.TargetLanguage, Available: false, u.Reason));
                    // No route or no voice for the target at all is a configuration gap, known before anything is said.
                    Announce(member, [u.TargetLanguage], deferUntilSpeaking: u.PhraseId is null);
                }
                break;
            case TranslationRecovered r:
                var back = member.SetTargetAvailable(generation, r.TargetLanguage, available: true);
                Log.TargetRecovered(_logger, Room.Extension, speaker, r.TargetLanguage);
                UpdateRouting();
                if (back)
                {
                    // A recovery is silent for the listeners: the translation simply comes back.
                    Publish(new RoomTranslationStateEvent(_tenantId, Room.Id, Room.Extension, r.Timestamp, speaker, r.TargetLanguage, Available: true, null));
                }
                break;
            case RecognitionUnavailable ru:
                if (member.UnavailableReason != ru.Reason)
                {
                    SpeakerUnavailable(member, generation, ru.Reason, ru.NotConfigured);
                    UpdateRouting();
                }
                break;
        }
    }

    /// <summary>
    /// Raises an emotion alert when the utterance's label is one the room alerts on, scored at or above the threshold,
    /// at most once per speaker and label per <see cref="ConferenceTranslationOptions.EmotionAlertInterval"/>.
    /// </summary>
    private void CheckEmotion(string speaker, TranscriptEntry t)
    {
        if (Room.EmotionAlerts is not { } alerts || t.Emotion is not { } emotion || !alerts.EffectiveLabels.Contains(emotion.Label))
        {
            return;
        }
        var score = emotion.Scores.TryGetValue(emotion.Label, out var s) ? s : emotion.Confidence;
        var threshold = alerts.EffectiveThreshold;
        // One alert per speaker and label per interval: an upset caller is one event for a supervisor, not one per
        // sentence. The transcript still carries every utterance's emotion.
        if (score >= threshold && _lastAlert.TryClaim((speaker, emotion.Label), _time.GetUtcNow(), _options.EmotionAlertInterval))
        {
            Log.EmotionAlert(_logger, Room.Extension, speaker, emotion.Label, score, threshold);
            Publish(new RoomEmotionAlertEvent(_tenantId, Room.Id, Room.Extension, t.Timestamp, speaker, emotion.Label, score, threshold, emotion, t.Text));
        }
    }

    /// <summary>Silence pushed when a speaker's phone goes quiet without sending packets (DTX, mute).</summary>
    private const int ClosingSilenceFrames = 30;

    /// <summary>
    /// A phone with DTX (or a muted caller) stops sending frames when its user stops talking, so the tap sees no
    /// trailing silence and the phrase would stay open until the next words. When talk detection says the
    /// speaker stopped and no frame arrived for a while, the pipeline gets the silence that closes the phrase.
    /// </summary>
    private void OnSpeakingStopped(object? sender, SpeakingChangedEventArgs e)
    {
        Member? member;
        lock (_gate)
        {
            if (_disposed || !_members.TryGetValue(e.Participant, out member))
            {
                return;
            }
        }
        var seen = member.FramesSeen;
        member.ReplaceSilenceTimer(_time.CreateTimer(_ =>
        {
            if (member.FramesSeen == seen && member.HasForeignListeners && member.Pipeline is { } p)
            {
                var silence = new short[320];
                for (var i = 0; i < ClosingSilenceFrames; i++)
                {
                    p.TryPushFrame(silence);
                }
            }
        }, null, TimeSpan.FromMilliseconds(ClosingSilenceFrames * 20), Timeout.InfiniteTimeSpan));
    }

    private void OnPhraseStarted(string language, string speakerId, long phraseKey)
    {
        Member? member;
        lock (_gate)
        {
            member = _members.Values.FirstOrDefault(m => m.Participant.Id == speakerId);
        }
        var generation = member?.Current;
        var phraseId = phraseKey & PhraseMask;
        if (generation is null || generation.Number != phraseKey >> PhraseBits || !generation.SpeechEnds.TryGetValue(phraseId, out var end))
        {
            return;
        }
        var latency = _time.GetUtcNow() - end;
        AddLatency(new TranslationLatency(speakerId, phraseId, null, language, latency));
        Log.MixLatency(_logger, Room.Extension, speakerId, phraseId, language, latency.TotalMilliseconds);
    }

    // A restarted pipeline counts phrases from zero again: the queue key carries the generation.
    private const int PhraseBits = 40;
    private const long PhraseMask = (1L << PhraseBits) - 1;

    private static long Key(Generation generation, long phraseId) => (generation.Number << PhraseBits) | (phraseId & PhraseMask);
}
