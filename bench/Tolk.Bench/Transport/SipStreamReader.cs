using System.Buffers;
using Tolk.Sip.Message;

namespace Tolk.Bench.Transport;

/// <summary>Reads framed SIP messages from a client stream (skipping CRLF keep-alives).</summary>
internal sealed class SipStreamReader(Stream stream)
{
    private byte[] _buffer = new byte[16 * 1024];
    private int _count;

    public async Task<SipMessage> ReadAsync(CancellationToken token)
    {
        while (true)
        {
            var seq = new ReadOnlySequence<byte>(_buffer, 0, _count);
            var kind = SipStreamFramer.TryRead(ref seq, SipParserLimits.Default, out var frame, out _);
            if (kind == SipFrameKind.Error)
            {
                throw new InvalidDataException("unframeable stream from the server");
            }
            if (kind != SipFrameKind.NeedMoreData)
            {
                var consumed = _count - (int)seq.Length;
                SipMessage? message = null;
                if (kind == SipFrameKind.Message)
                {
                    var result = SipParser.Parse(frame.FirstSpan, isStream: true);
                    message = result.IsValid ? result.Message : throw new InvalidDataException("bad message from the server: " + result.ErrorReason);
                }
                Buffer.BlockCopy(_buffer, consumed, _buffer, 0, _count - consumed);
                _count -= consumed;
                if (message is not null)
                {
                    return message;
                }
                continue;
            }
            if (_count == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            var n = await stream.ReadAsync(_buffer.AsMemory(_count), token);
            if (n == 0)
            {
                throw new IOException("server closed the connection");
            }
            _count += n;
        }
    }
}
