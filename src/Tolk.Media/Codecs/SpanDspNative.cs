using System.Runtime.InteropServices;

namespace Tolk.Media.Codecs;

/// <summary>P/Invoke surface of spandsp (Debian libspandsp2): G.722 and packet loss concealment.</summary>
internal static partial class SpanDspNative
{
    private const string Library = "libspandsp.so.2";

    [LibraryImport(Library, EntryPoint = "g722_encode_init")]
    internal static partial G722EncodeHandle G722EncodeInit(nint state, int rate, int options);

    [LibraryImport(Library, EntryPoint = "g722_encode")]
    internal static unsafe partial int G722Encode(G722EncodeHandle state, byte* g722Data, short* amp, int length);

    [LibraryImport(Library, EntryPoint = "g722_encode_free")]
    internal static partial int G722EncodeFree(nint state);

    [LibraryImport(Library, EntryPoint = "g722_decode_init")]
    internal static partial G722DecodeHandle G722DecodeInit(nint state, int rate, int options);

    [LibraryImport(Library, EntryPoint = "g722_decode")]
    internal static unsafe partial int G722Decode(G722DecodeHandle state, short* amp, byte* g722Data, int length);

    [LibraryImport(Library, EntryPoint = "g722_decode_free")]
    internal static partial int G722DecodeFree(nint state);

    [LibraryImport(Library, EntryPoint = "plc_init")]
    internal static partial PlcHandle PlcInit(nint state);

    [LibraryImport(Library, EntryPoint = "plc_rx")]
    internal static unsafe partial int PlcRx(PlcHandle state, short* amp, int length);

    [LibraryImport(Library, EntryPoint = "plc_fillin")]
    internal static unsafe partial int PlcFillIn(PlcHandle state, short* amp, int length);

    [LibraryImport(Library, EntryPoint = "plc_free")]
    internal static partial int PlcFree(nint state);
}
