using Tolk.Media.Dtmf;

namespace Tolk.Conferencing.Media;

internal sealed partial class ConferenceCallMedia
{
    private readonly DtmfDigit[] _digits = new DtmfDigit[4];
    private char _lastDigit;
    private long _lastDigitAt;
    private readonly Lock _digitGate = new();
    private Task _digitChain = Task.CompletedTask;

    /// <summary>Raised for every DTMF digit the caller presses (RFC 4733).</summary>
    public event Action<char>? DigitReceived;

    private void OnTelephoneEvent(Pipeline pipeline, uint timestamp, ReadOnlySpan<byte> payload)
    {
        var n = pipeline.Dtmf.Process(timestamp, payload, _digits);
        for (var i = 0; i < n; i++)
        {
            QueueDigit(_digits[i].Digit);
        }
    }

    /// <summary>
    /// Digits arrive on the mixer's tick (the RTP socket is drained there), but acting on one can move
    /// the call between rooms or end it: that runs off the tick, in arrival order.
    /// </summary>
    private void QueueDigit(char digit)
    {
        lock (_digitGate)
        {
            _digitChain = _digitChain.ContinueWith(
                static (_, state) =>
                {
                    var (media, d) = ((ConferenceCallMedia, char))state!;
                    if (Volatile.Read(ref media._disposed) == 0)
                    {
                        media.OnDigit(d);
                    }
                },
                (this, digit),
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default);
        }
    }

    /// <summary>"*6" toggles the caller's mute, as on most conference bridges.</summary>
    private void OnDigit(char digit)
    {
        DigitReceived?.Invoke(digit);
        if (_inLobby)
        {
            OnPinDigit(digit);
            return;
        }
        if (_participant is { } listener)
        {
            // "*N" picks the room's Nth language (the translation's DTMF menu; it ignores "*6"), for this call
            // and the caller's next ones.
            if (_owner.Translation is { } translation && translation.OnDigit(listener, digit) is { } picked)
            {
                translation.Remember(_call, picked);
            }
        }
        var now = _owner.Time.GetTimestamp();
        var recent = _owner.Time.GetElapsedTime(_lastDigitAt, now) < TimeSpan.FromSeconds(3);
        if (digit == '6' && _lastDigit == '*' && recent && _participant is { } p)
        {
            p.IsMuted = !p.IsMuted;
        }
        _lastDigit = digit;
        _lastDigitAt = now;
    }
}
