using System.Security.Cryptography;
using System.Text;
using Tolk.Media.Mixing;

namespace Tolk.Conferencing.Media;

/// <summary>
/// Rooms with a PIN: the caller first waits alone in a lobby (a private mixer room) hearing a prompt
/// of two short beeps, keys the PIN on the phone's keypad (RFC 4733) ending with '#', and only then
/// joins the conference. Three wrong PINs end the call.
/// </summary>
internal sealed partial class ConferenceCallMedia
{
    private const int MaxPinAttempts = 3;
    private const int MaxPinDigits = 16;

    private readonly StringBuilder _pinDigits = new();
    private volatile bool _inLobby;
    private int _pinFailures;

    /// <summary>True while the caller has not yet entered the room's PIN.</summary>
    public bool IsInLobby => _inLobby;

    private void EnterLobby()
    {
        _inLobby = true;
        var lobbyKey = "lobby/" + _call.Id.ToString("N");
        _participant = _owner.Rooms.Join(lobbyKey, _call.Id.ToString("N"), this, this);
        _owner.Rooms.Find(lobbyKey)?.AddSource(new PinPromptSource(), [_participant], gain: 1f, name: "pin-prompt");
    }

    private void OnPinDigit(char digit)
    {
        if (digit != '#')
        {
            if (_pinDigits.Length < MaxPinDigits)
            {
                _pinDigits.Append(digit);
            }
            return;
        }
        var entered = Encoding.ASCII.GetBytes(_pinDigits.ToString());
        _pinDigits.Clear();
        var expected = Encoding.ASCII.GetBytes(_call.Room.Pin ?? "");
        if (CryptographicOperations.FixedTimeEquals(entered, expected))
        {
            lock (_membership)
            {
                if (_participant is not { } lobby || Volatile.Read(ref _disposed) != 0)
                {
                    return;
                }
                _inLobby = false;
                _owner.Rooms.Leave(lobby);
                _participant = _owner.Rooms.Join(RoomKey(_call.Room), _call.Id.ToString("N"), this, this);
                JoinTranslation(_call.Room);
            }
            return;
        }
        if (++_pinFailures >= MaxPinAttempts)
        {
            Failed?.Invoke(this, "wrong conference PIN");
        }
    }

    /// <summary>Two short 600 Hz beeps every three seconds: "enter your PIN".</summary>
    private sealed class PinPromptSource : IAudioFrameSource
    {
        private const int FramesPerCycle = 150;
        private int _frame;

        public bool TryRead(Span<short> frame)
        {
            var position = _frame++ % FramesPerCycle;
            var beep = position is >= 0 and < 8 or >= 12 and < 20;
            if (!beep)
            {
                frame.Clear();
                return true;
            }
            var start = position * frame.Length;
            for (var i = 0; i < frame.Length; i++)
            {
                frame[i] = (short)(6000 * Math.Sin(2 * Math.PI * 600 * (start + i) / 16000.0));
            }
            return true;
        }
    }
}
