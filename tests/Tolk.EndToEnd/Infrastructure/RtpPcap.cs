using System.Buffers.Binary;

namespace Tolk.EndToEnd.Infrastructure;

/// <summary>
/// Writes a pcap (Ethernet/IPv4/UDP) of an RTP stream for SIPp's <c>play_pcap_audio</c>: A-law audio in 20 ms
/// packets and RFC 4733 telephone events, with capture times that pace the replay. SIPp takes each datagram's
/// RTP payload and replays it on the call's media port at the captured pace.
/// </summary>
public sealed class RtpPcap
{
    private const int AudioPayloadType = 8; // PCMA
    private const int EventPayloadType = 101;
    private readonly List<(long Micros, byte[] Rtp)> _packets = [];
    private readonly uint _ssrc = 0x7017_2026;
    private ushort _sequence = 1000;
    private uint _timestamp = 160_000;
    private long _micros;

    /// <summary>Appends <paramref name="seconds"/> of a sine tone (A-law, 8 kHz).</summary>
    public RtpPcap Tone(double frequency, double seconds, double amplitude = 0.3)
    {
        var frames = (int)Math.Round(seconds * 50);
        for (var f = 0; f < frames; f++)
        {
            var payload = new byte[160];
            for (var i = 0; i < 160; i++)
            {
                var n = (f * 160) + i;
                payload[i] = ALaw((short)(amplitude * 32767 * Math.Sin(2 * Math.PI * frequency * n / 8000.0)));
            }
            Add(AudioPayloadType, marker: f == 0, _timestamp, payload);
            _timestamp += 160;
            _micros += 20_000;
        }
        return this;
    }

    /// <summary>Appends one key press as RFC 4733 events: start, continuations, then three end packets, 100 ms in all.</summary>
    public RtpPcap Digit(char digit)
    {
        var eventCode = digit switch
        {
            >= '0' and <= '9' => (byte)(digit - '0'),
            '*' => (byte)10,
            '#' => (byte)11,
            _ => throw new ArgumentOutOfRangeException(nameof(digit)),
        };
        var start = _timestamp;
        for (var i = 1; i <= 5; i++)
        {
            var end = i == 5;
            var payload = new byte[4];
            payload[0] = eventCode;
            payload[1] = (byte)((end ? 0x80 : 0) | 10); // E bit, volume −10 dBm0
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(2), (ushort)(160 * i));
            // RFC 4733 §2.5.1.4: the end packet is sent three times.
            for (var copy = 0; copy < (end ? 3 : 1); copy++)
            {
                Add(EventPayloadType, marker: i == 1, start, payload);
            }
            _micros += 20_000;
            _timestamp += 160;
        }
        return this;
    }

    /// <summary>Appends silence (no packets), as a phone with DTX would.</summary>
    public RtpPcap Pause(double seconds)
    {
        _micros += (long)(seconds * 1_000_000);
        _timestamp += (uint)(seconds * 8000);
        return this;
    }

    /// <summary>Writes the capture.</summary>
    public void Save(string path)
    {
        using var file = File.Create(path);
        var header = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b2c3d4);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), 1); // LINKTYPE_ETHERNET
        file.Write(header);
        foreach (var (micros, rtp) in _packets)
        {
            var frame = Frame(rtp);
            var record = new byte[16];
            BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(1_700_000_000 + (micros / 1_000_000)));
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), (uint)(micros % 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), (uint)frame.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12), (uint)frame.Length);
            file.Write(record);
            file.Write(frame);
        }
    }

    private void Add(int payloadType, bool marker, uint timestamp, byte[] payload)
    {
        var rtp = new byte[12 + payload.Length];
        rtp[0] = 0x80;
        rtp[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(rtp.AsSpan(2), _sequence++);
        BinaryPrimitives.WriteUInt32BigEndian(rtp.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(rtp.AsSpan(8), _ssrc);
        payload.CopyTo(rtp, 12);
        _packets.Add((_micros, rtp));
    }

    private static byte[] Frame(byte[] rtp)
    {
        var udpLength = 8 + rtp.Length;
        var ipLength = 20 + udpLength;
        var frame = new byte[14 + ipLength];
        frame[12] = 0x08; // EtherType IPv4
        var ip = frame.AsSpan(14);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)ipLength);
        ip[8] = 64;
        ip[9] = 17; // UDP
        ip[12] = 127;
        ip[15] = 1;
        ip[16] = 127;
        ip[19] = 1;
        ushort sum = IpChecksum(ip[..20]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], sum);
        var udp = ip[20..];
        BinaryPrimitives.WriteUInt16BigEndian(udp, 6000);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 6002);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)udpLength);
        rtp.CopyTo(udp[8..]);
        return frame;
    }

    private static ushort IpChecksum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (var i = 0; i < header.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        }
        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (ushort)~sum;
    }

    // ITU-T G.711 A-law, written out here so the test's stimulus does not depend on the code under test.
    private static byte ALaw(short pcm)
    {
        int sign = pcm >= 0 ? 0x80 : 0;
        int magnitude = pcm >= 0 ? pcm : Math.Min(-pcm, 32767);
        magnitude >>= 3;
        int exponent = 0;
        for (var v = magnitude >> 5; v > 0 && exponent < 7; v >>= 1)
        {
            exponent++;
        }
        var mantissa = exponent == 0 ? (magnitude >> 1) & 0x0f : (magnitude >> exponent) & 0x0f;
        return (byte)((sign | (exponent << 4) | mantissa) ^ 0x55);
    }
}
