using System.Runtime.InteropServices;

namespace Tolk.Media.Codecs;

/// <summary>P/Invoke surface of libopus (Debian libopus0).</summary>
internal static partial class OpusNative
{
    private const string Library = "libopus.so.0";

    internal const int ApplicationVoip = 2048;
    internal const int SetBitrateRequest = 4002;
    internal const int GetBitrateRequest = 4003;
    internal const int SetComplexityRequest = 4010;
    internal const int GetComplexityRequest = 4011;
    internal const int SetInbandFecRequest = 4012;
    internal const int SetPacketLossPercRequest = 4014;
    internal const int GetPacketLossPercRequest = 4015;
    internal const int SetDtxRequest = 4016;
    internal const int SetSignalRequest = 4024;
    internal const int SignalVoice = 3001;
    internal const int Ok = 0;

    [LibraryImport(Library, EntryPoint = "opus_encoder_create")]
    internal static partial OpusEncoderHandle EncoderCreate(int sampleRate, int channels, int application, out int error);

    [LibraryImport(Library, EntryPoint = "opus_encoder_destroy")]
    internal static partial void EncoderDestroy(nint encoder);

    [LibraryImport(Library, EntryPoint = "opus_encode")]
    internal static unsafe partial int Encode(OpusEncoderHandle encoder, short* pcm, int frameSize, byte* data, int maxDataBytes);

    // opus_encoder_ctl is variadic; on the System V x86-64 and AArch64 Linux ABIs an int vararg is
    // passed exactly like a fixed int argument, so a fixed signature per request type is sound.
    [LibraryImport(Library, EntryPoint = "opus_encoder_ctl")]
    internal static partial int EncoderCtl(OpusEncoderHandle encoder, int request, int value);

    [LibraryImport(Library, EntryPoint = "opus_encoder_ctl")]
    internal static partial int EncoderCtlGet(OpusEncoderHandle encoder, int request, out int value);

    [LibraryImport(Library, EntryPoint = "opus_decoder_create")]
    internal static partial OpusDecoderHandle DecoderCreate(int sampleRate, int channels, out int error);

    [LibraryImport(Library, EntryPoint = "opus_decoder_destroy")]
    internal static partial void DecoderDestroy(nint decoder);

    [LibraryImport(Library, EntryPoint = "opus_decode")]
    internal static unsafe partial int Decode(OpusDecoderHandle decoder, byte* data, int length, short* pcm, int frameSize, int decodeFec);

    [LibraryImport(Library, EntryPoint = "opus_packet_get_nb_samples")]
    internal static unsafe partial int PacketGetSamples(byte* packet, int length, int sampleRate);
}
