using Microsoft.Extensions.DependencyInjection;
using Tolk.Api.Live;
using Tolk.Conferencing.Events;
using Tolk.Server.Hosting;
using Tolk.Speech;
using Tolk.Speech.Pipeline;

namespace Tolk.Api.Tests.Infrastructure;

/// <summary>Builds the conference's room events and publishes them through the host's real sink.</summary>
public sealed class RoomEvents(TestHost host, string tenantId, string roomId, string extension = "6000")
{
    private readonly IRoomEventSink _sink = new RoomEventFanOut(host.Services.GetRequiredService<RoomActivityPublisher>());

    public Guid Tenant { get; } = Guid.Parse(tenantId);
    public Guid Room { get; } = Guid.Parse(roomId);
    public string Participant { get; } = Guid.NewGuid().ToString("N");

    public void Publish(RoomEvent e) => _sink.Publish(e);

    public RoomParticipantEvent Joined(DateTimeOffset at, string language = "en") =>
        new(Tenant, Room, extension, at, Participant, language, Joined: true);

    public RoomInterimEvent Interim(DateTimeOffset at, string text) => new(Tenant, Room, extension, at, Participant, "en", text);

    public RoomTranscriptEvent Transcript(DateTimeOffset at, string text, string spanish, EmotionLabel? emotion = null) =>
        new(Tenant, Room, extension, at, Participant, new TranscriptEntry(at, 1, Participant, "en", text,
            new Dictionary<string, string> { ["es"] = spanish }, emotion is { } l ? Emotion(l, 0.7) : null,
            at - TimeSpan.FromSeconds(2), at - TimeSpan.FromMilliseconds(300), [], 0.8));

    public RoomEmotionAlertEvent Alert(DateTimeOffset at, string text) =>
        new(Tenant, Room, extension, at, Participant, EmotionLabel.Angry, 0.74, 0.7, Emotion(EmotionLabel.Angry, 0.74), text);

    public RoomTranslationStateEvent Unavailable(DateTimeOffset at) =>
        new(Tenant, Room, extension, at, Participant, "es", Available: false, "translator timed out");

    private static EmotionResult Emotion(EmotionLabel label, double score) =>
        new(label, -0.6, 0.8, 0.55, new Dictionary<EmotionLabel, double> { [label] = score });
}
