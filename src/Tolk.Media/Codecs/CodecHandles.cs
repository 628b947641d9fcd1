using Microsoft.Win32.SafeHandles;

namespace Tolk.Media.Codecs;

// Native codec states are owned by SafeHandles: a P/Invoke that receives one holds a reference for the length of
// the call, so a hang-up on another thread can never free the state while the mixer or a receive is inside it —
// the release waits for the call to return, and later calls throw ObjectDisposedException instead of corrupting
// the native heap.

/// <summary>An <c>OpusEncoder*</c>.</summary>
internal sealed class OpusEncoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public OpusEncoderHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        OpusNative.EncoderDestroy(handle);
        return true;
    }
}

/// <summary>An <c>OpusDecoder*</c>.</summary>
internal sealed class OpusDecoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public OpusDecoderHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        OpusNative.DecoderDestroy(handle);
        return true;
    }
}

/// <summary>A spandsp <c>g722_encode_state_t*</c>.</summary>
internal sealed class G722EncodeHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public G722EncodeHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => SpanDspNative.G722EncodeFree(handle) == 0;
}

/// <summary>A spandsp <c>g722_decode_state_t*</c>.</summary>
internal sealed class G722DecodeHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public G722DecodeHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => SpanDspNative.G722DecodeFree(handle) == 0;
}

/// <summary>A spandsp <c>plc_state_t*</c>.</summary>
internal sealed class PlcHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public PlcHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => SpanDspNative.PlcFree(handle) == 0;
}
