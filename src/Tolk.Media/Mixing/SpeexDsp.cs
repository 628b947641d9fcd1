using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Tolk.Media.Mixing;

/// <summary>P/Invoke into Debian's libspeexdsp (package libspeexdsp1), preprocessor only.</summary>
internal static partial class SpeexDsp
{
    private const string Library = "libspeexdsp.so.1";

    // Request codes from speex/speex_preprocess.h.
    public const int SetDenoise = 0;
    public const int SetAgc = 2;
    public const int SetVad = 4;
    public const int SetAgcLevel = 6; // float
    public const int SetDereverb = 8;
    public const int SetNoiseSuppress = 18; // int, dB (negative)
    public const int SetAgcMaxGain = 30; // int, dB
    public const int GetAgcGain = 35; // int, dB

    [LibraryImport(Library, EntryPoint = "speex_preprocess_state_init")]
    public static partial SpeexPreprocessHandle StateInit(int frameSize, int samplingRate);

    [LibraryImport(Library, EntryPoint = "speex_preprocess_state_destroy")]
    public static partial void StateDestroy(IntPtr state);

    [LibraryImport(Library, EntryPoint = "speex_preprocess_ctl")]
    public static partial int Ctl(SpeexPreprocessHandle state, int request, ref int value);

    [LibraryImport(Library, EntryPoint = "speex_preprocess_ctl")]
    public static partial int Ctl(SpeexPreprocessHandle state, int request, ref float value);

    /// <summary>Processes one frame in place; returns the preprocessor's VAD decision (1 = speech) when VAD is on.</summary>
    [LibraryImport(Library, EntryPoint = "speex_preprocess_run")]
    public static unsafe partial int Run(SpeexPreprocessHandle state, short* frame);
}

/// <summary>Owns a <c>SpeexPreprocessState*</c>; release is deferred while a call is in flight.</summary>
internal sealed class SpeexPreprocessHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SpeexPreprocessHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        SpeexDsp.StateDestroy(handle);
        return true;
    }
}
