using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Tolk.Media.Resampling;

/// <summary>
/// Mono 16-bit sample-rate converter over speexdsp's windowed-sinc resampler. Stateful: one per
/// stream and direction, fed contiguous audio. Not thread-safe.
/// </summary>
public sealed partial class SpeexResampler : IAudioResampler
{
    private const string Library = "libspeexdsp.so.1";

    private readonly StateHandle _state;

    /// <param name="inputRate">Input rate in Hz.</param>
    /// <param name="outputRate">Output rate in Hz.</param>
    /// <param name="quality">0 (cheapest) .. 10 (best); speexdsp's VoIP default is 3, 5 is the desktop default.</param>
    public SpeexResampler(int inputRate, int outputRate, int quality = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputRate);
        ArgumentOutOfRangeException.ThrowIfNegative(quality);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 10);
        _state = Init(1, (uint)inputRate, (uint)outputRate, quality, out var error);
        if (_state.IsInvalid || error != 0)
        {
            _state.Dispose();
            throw new InvalidOperationException($"speex_resampler_init failed with {error}");
        }

        InputRate = inputRate;
        OutputRate = outputRate;
        Quality = quality;
    }

    /// <summary>Input rate in Hz.</summary>
    public int InputRate { get; }

    /// <summary>Output rate in Hz.</summary>
    public int OutputRate { get; }

    /// <summary>Quality 0..10.</summary>
    public int Quality { get; }

    /// <summary>Delay the filter adds, in input samples.</summary>
    public int InputLatency => GetInputLatency(_state);

    /// <summary>
    /// Converts <paramref name="input"/>; returns the number of output samples written. Output for 20 ms of
    /// input is 20 ms at the output rate (the filter delay is carried inside the state, not dropped).
    /// </summary>
    public unsafe int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        ObjectDisposedException.ThrowIf(_state.IsClosed, this);
        var inLength = (uint)input.Length;
        var outLength = (uint)output.Length;
        fixed (short* i = input)
        fixed (short* o = output)
        {
            var error = ProcessInt(_state, 0, i, ref inLength, o, ref outLength);
            if (error != 0)
            {
                throw new InvalidOperationException($"speex_resampler_process_int failed with {error}");
            }
        }

        return (int)outLength;
    }

    /// <summary>Clears the filter memory (after a stream restart).</summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_state.IsClosed, this);
        _ = ResetMem(_state);
    }

    /// <inheritdoc />
    public void Dispose() => _state.Dispose();

    [LibraryImport(Library, EntryPoint = "speex_resampler_init")]
    private static partial StateHandle Init(uint channels, uint inRate, uint outRate, int quality, out int error);

    [LibraryImport(Library, EntryPoint = "speex_resampler_process_int")]
    private static unsafe partial int ProcessInt(StateHandle state, uint channel, short* input, ref uint inLength, short* output, ref uint outLength);

    [LibraryImport(Library, EntryPoint = "speex_resampler_get_input_latency")]
    private static partial int GetInputLatency(StateHandle state);

    [LibraryImport(Library, EntryPoint = "speex_resampler_reset_mem")]
    private static partial int ResetMem(StateHandle state);

    [LibraryImport(Library, EntryPoint = "speex_resampler_destroy")]
    private static partial void Destroy(nint state);

    /// <summary>
    /// Owns the <c>SpeexResamplerState*</c>: a P/Invoke holds a reference for its duration, so a dispose on another
    /// thread defers the free until the call returns instead of freeing memory speexdsp is still using.
    /// </summary>
    private sealed class StateHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public StateHandle()
            : base(ownsHandle: true)
        {
        }

        protected override bool ReleaseHandle()
        {
            Destroy(handle);
            return true;
        }
    }
}
