namespace Tolk.Media.Codecs;

/// <summary>
/// Waveform-substitution packet loss concealment from spandsp (plc_rx / plc_fillin): it keeps a
/// history of good audio, repeats the last pitch period on loss with a fade, and smooths the
/// transition back. spandsp tunes its pitch search for 8 kHz; at 16 kHz (G.722) it still finds
/// periods of 133–400 Hz voices, which covers most speech. Not thread-safe.
/// </summary>
public sealed class PacketLossConcealer : IDisposable
{
    private readonly PlcHandle _state;

    /// <summary>Allocates the spandsp state.</summary>
    public PacketLossConcealer()
    {
        _state = SpanDspNative.PlcInit(0);
        if (_state.IsInvalid)
        {
            throw new InvalidOperationException("plc_init failed");
        }
    }

    /// <summary>Feeds good audio (modified in place when it follows a concealed gap, to smooth the join).</summary>
    public unsafe void Received(Span<short> pcm)
    {
        ObjectDisposedException.ThrowIf(_state.IsClosed, this);
        fixed (short* p = pcm)
        {
            _ = SpanDspNative.PlcRx(_state, p, pcm.Length);
        }
    }

    /// <summary>Synthesises <paramref name="pcm"/>.Length samples for lost audio; returns the count.</summary>
    public unsafe int FillIn(Span<short> pcm)
    {
        ObjectDisposedException.ThrowIf(_state.IsClosed, this);
        fixed (short* p = pcm)
        {
            return SpanDspNative.PlcFillIn(_state, p, pcm.Length);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _state.Dispose();
}
