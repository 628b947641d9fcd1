using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tolk.Media.Mixing;

namespace Tolk.Conferencing.Media;

/// <summary>
/// The live mixer rooms of the host, one per (tenant, room), created on first join and removed when
/// the last participant leaves. One <see cref="MixerClock"/> drives them all.
/// </summary>
public sealed class ConferenceRooms : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, MixerRoom> _rooms = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ILoggerFactory _loggers;

    public ConferenceRooms(MixerClock clock, ILoggerFactory? loggers = null, MixerRoomOptions? roomOptions = null)
    {
        Clock = clock;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        RoomOptions = roomOptions ?? new MixerRoomOptions();
    }

    /// <summary>The mixer settings every room is created with.</summary>
    public MixerRoomOptions RoomOptions { get; }

    public MixerClock Clock { get; }

    public int RoomCount => _rooms.Count;

    public static string Key(Guid tenantId, Guid roomId) => tenantId.ToString("N") + "/" + roomId.ToString("N");

    /// <summary>Adds a participant to the room, creating the room if it is not live.</summary>
    public MixerParticipant Join(string roomKey, string participantId, IAudioFrameSource input, IAudioFrameSink output)
    {
        lock (_gate)
        {
            var room = _rooms.GetOrAdd(roomKey, key => Clock.CreateRoom(key, RoomOptions, _loggers.CreateLogger<MixerRoom>()));
            return room.AddParticipant(participantId, input, output);
        }
    }

    /// <summary>Removes a participant; an empty room is dropped from the clock.</summary>
    public void Leave(MixerParticipant participant)
    {
        lock (_gate)
        {
            var room = participant.Room;
            participant.Leave();
            if (room.Participants.Count == 0 && _rooms.TryRemove(new KeyValuePair<string, MixerRoom>(room.Id, room)))
            {
                Clock.RemoveRoom(room);
            }
        }
    }

    public MixerRoom? Find(string roomKey) => _rooms.TryGetValue(roomKey, out var r) ? r : null;

    public async ValueTask DisposeAsync() => await Clock.DisposeAsync();
}
