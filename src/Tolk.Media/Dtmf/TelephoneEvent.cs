using System.Buffers.Binary;

namespace Tolk.Media.Dtmf;

/// <summary>The 4-octet RFC 4733 §2.3 telephone-event payload.</summary>
/// <param name="Event">Event code (0–9 digits, 10 '*', 11 '#', 12–15 A–D, 16 flash).</param>
/// <param name="End">E bit: the last packet(s) of the event.</param>
/// <param name="Volume">Power level in -dBm0 (0..63).</param>
/// <param name="Duration">Duration so far, in RTP timestamp units.</param>
public readonly record struct TelephoneEventPayload(byte Event, bool End, byte Volume, ushort Duration)
{
    /// <summary>Payload size.</summary>
    public const int Size = 4;

    /// <summary>Parses a payload; false when shorter than 4 octets. Extra octets (multiple events) are ignored.</summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, out TelephoneEventPayload value)
    {
        value = default;
        if (payload.Length < Size)
        {
            return false;
        }

        value = new TelephoneEventPayload(payload[0], (payload[1] & 0x80) != 0, (byte)(payload[1] & 0x3F),
            BinaryPrimitives.ReadUInt16BigEndian(payload[2..]));
        return true;
    }

    /// <summary>Writes the payload.</summary>
    public bool TryWrite(Span<byte> destination)
    {
        if (destination.Length < Size || Volume > 63)
        {
            return false;
        }

        destination[0] = Event;
        destination[1] = (byte)((End ? 0x80 : 0) | Volume);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Duration);
        return true;
    }

    /// <summary>Maps a DTMF character to its event code; false for anything else.</summary>
    public static bool TryGetEventCode(char digit, out byte code)
    {
        code = char.ToUpperInvariant(digit) switch
        {
            >= '0' and <= '9' => (byte)(digit - '0'),
            '*' => 10,
            '#' => 11,
            >= 'A' and <= 'D' => (byte)(char.ToUpperInvariant(digit) - 'A' + 12),
            _ => 255,
        };
        return code != 255;
    }

    /// <summary>Maps an event code to its DTMF character ('!' for flash, '\0' for unknown codes).</summary>
    public static char ToDigit(byte code) => code switch
    {
        <= 9 => (char)('0' + code),
        10 => '*',
        11 => '#',
        <= 15 => (char)('A' + code - 12),
        16 => '!',
        _ => '\0',
    };
}

/// <summary>One RTP packet to send for a telephone event.</summary>
/// <param name="Marker">RTP marker bit (set on the first packet of an event, RFC 4733 §2.5.1.1).</param>
/// <param name="Timestamp">RTP timestamp: the event's start, identical for all its packets.</param>
/// <param name="Payload">The payload fields.</param>
public readonly record struct TelephoneEventPacket(bool Marker, uint Timestamp, TelephoneEventPayload Payload);

/// <summary>
/// Generates the packets of one DTMF event, one per call to <see cref="TryNext"/> (every packet
/// interval, usually 20 ms): a first packet with the marker bit, continuation packets with a growing
/// duration, and the final packet with the E bit sent three times (RFC 4733 §2.5.1.4).
/// </summary>
public sealed class TelephoneEventSender
{
    private readonly int _clockRate;
    private readonly int _step;
    private byte _code;
    private byte _volume;
    private uint _startTimestamp;
    private int _totalDuration;
    private int _elapsed;
    private int _endsSent;
    private bool _active;

    /// <param name="clockRate">Clock rate of the telephone-event payload type (8000 unless negotiated otherwise).</param>
    /// <param name="packetInterval">Time between packets.</param>
    public TelephoneEventSender(int clockRate = 8000, TimeSpan? packetInterval = null)
    {
        _clockRate = clockRate;
        _step = (int)(clockRate * (packetInterval ?? TimeSpan.FromMilliseconds(20)).TotalSeconds);
    }

    /// <summary>True while an event is being sent.</summary>
    public bool IsActive => _active;

    /// <summary>Starts an event at RTP timestamp <paramref name="startTimestamp"/>; false for an unknown digit or while busy.</summary>
    public bool Begin(char digit, TimeSpan duration, uint startTimestamp, byte volume = 10)
    {
        if (_active || !TelephoneEventPayload.TryGetEventCode(digit, out _code) || volume > 63)
        {
            return false;
        }

        _volume = volume;
        _startTimestamp = startTimestamp;
        // Durations beyond 16 bits would need segmented events (§2.5.1.3); keep DTMF within one.
        _totalDuration = Math.Clamp((int)(duration.TotalSeconds * _clockRate), _step, ushort.MaxValue);
        _elapsed = 0;
        _endsSent = 0;
        _active = true;
        return true;
    }

    /// <summary>Produces the next packet of the event; false once the three end packets were sent.</summary>
    public bool TryNext(out TelephoneEventPacket packet)
    {
        packet = default;
        if (!_active)
        {
            return false;
        }

        var first = _elapsed == 0;
        if (_elapsed < _totalDuration)
        {
            _elapsed = Math.Min(_elapsed + _step, _totalDuration);
        }

        var end = _elapsed >= _totalDuration;
        if (end)
        {
            _endsSent++;
            if (_endsSent >= 3)
            {
                _active = false;
            }
        }

        packet = new TelephoneEventPacket(first, _startTimestamp,
            new TelephoneEventPayload(_code, end, _volume, (ushort)_elapsed));
        return true;
    }
}

/// <summary>A DTMF digit detected from telephone-event packets.</summary>
/// <param name="Digit">The character.</param>
/// <param name="Duration">Its duration.</param>
/// <param name="Timestamp">RTP timestamp of its start.</param>
public readonly record struct DtmfDigit(char Digit, TimeSpan Duration, uint Timestamp);

/// <summary>
/// Turns received telephone-event packets into digits. An event is keyed by its RTP timestamp
/// (RFC 4733 §2.5.2.1); its retransmitted end packets are reported once; an event whose end packets
/// were all lost is closed when the next event starts or by <see cref="Flush"/>.
/// </summary>
public sealed class TelephoneEventReceiver(int clockRate = 8000)
{
    private bool _inEvent;
    private uint _currentTimestamp;
    private TelephoneEventPayload _current;
    private bool _haveLastEnded;
    private uint _lastEndedTimestamp;

    /// <summary>
    /// Processes one packet; returns the digit(s) completed by it: at most one from a previous event
    /// whose end was lost, and the current one if this packet ends it.
    /// </summary>
    public int Process(uint timestamp, ReadOnlySpan<byte> payload, Span<DtmfDigit> completed)
    {
        if (!TelephoneEventPayload.TryParse(payload, out var p) || completed.Length < 2)
        {
            return 0;
        }

        if (_haveLastEnded && timestamp == _lastEndedTimestamp)
        {
            return 0; // retransmitted end packet of an event already reported
        }

        var count = 0;
        if (_inEvent && timestamp != _currentTimestamp)
        {
            completed[count++] = Complete();
        }

        if (!_inEvent || p.Duration >= _current.Duration)
        {
            _current = p;
        }

        _inEvent = true;
        _currentTimestamp = timestamp;
        if (p.End)
        {
            completed[count++] = Complete();
        }

        return count;
    }

    /// <summary>Closes an event whose end never arrived (call on a timeout or at stream end).</summary>
    public bool Flush(out DtmfDigit digit)
    {
        digit = default;
        if (!_inEvent)
        {
            return false;
        }

        digit = Complete();
        return true;
    }

    private DtmfDigit Complete()
    {
        _inEvent = false;
        _haveLastEnded = true;
        _lastEndedTimestamp = _currentTimestamp;
        return new DtmfDigit(TelephoneEventPayload.ToDigit(_current.Event),
            TimeSpan.FromSeconds((double)_current.Duration / clockRate), _currentTimestamp);
    }
}
