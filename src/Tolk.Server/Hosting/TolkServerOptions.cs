namespace Tolk.Server.Hosting;

/// <summary>
/// The `tolk serve` configuration, bound from the JSON config file, TOLK_-prefixed environment
/// variables (e.g. TOLK_Sip__Udp__0) and command-line overrides, in that order of precedence.
/// </summary>
public sealed class TolkServerOptions
{
    public SipSection Sip { get; set; } = new();

    public HttpSection Http { get; set; } = new();

    /// <summary>Directory for the SQLite database, TLS material and other state.</summary>
    public string DataDirectory { get; set; } = "./data";

    public DemoSection Demo { get; set; } = new();

    public MediaSection Media { get; set; } = new();

    public TranslationSection Translation { get; set; } = new();

    public SpeechSection Speech { get; set; } = new();

    public sealed class SpeechSection
    {
        public VadSection Vad { get; set; } = new();

        public EndpointingSection Endpointing { get; set; } = new();

        public RecognitionSection Recognition { get; set; } = new();
    }

    /// <summary>The local recogniser (pocketsphinx, English).</summary>
    public sealed class RecognitionSection
    {
        /// <summary>
        /// Words searched: the language model's most probable ones (0, the default = all ≈ 72,000; else 1,000–200,000).
        /// Fewer cost less CPU per speaker but cannot recognise the rest unless a room's hint phrases name them.
        /// </summary>
        public int VocabularySize { get; set; }

        /// <summary>
        /// Audio handed to the decoder at once, in ms (20–1000, rounded down to 20 ms frames; default 200). Smaller
        /// blocks cost more CPU per speaker (20: up to twice in a real-time bench, less through calls); the block's
        /// rest is decoded when a phrase ends.
        /// </summary>
        public int? DecodeBlockMs { get; set; }

        /// <summary>
        /// MLLR transform for telephone-band callers (a path; unset: the telephone-band transform shipped with Tolk,
        /// estimated from real G.711 speech; empty: none). Another one can be made with SphinxTrain from the operator's
        /// own transcribed calls (scripts/adaptation/adapt-narrowband.sh shows how).
        /// </summary>
        public string? NarrowbandMllr { get; set; }
    }

    /// <summary>When a speaker's phrase counts as ended (every translated speaker); unset: the VAD's defaults.</summary>
    public sealed class EndpointingSection
    {
        /// <summary>Silence that closes a phrase (100–3000 ms; default 320 with Silero, 400 with the spectral VAD): lower is faster, higher splits fewer sentences.</summary>
        public int? EndSilenceMs { get; set; }

        /// <summary>
        /// Silence after which translation starts speculatively, its audio held until <see cref="EndSilenceMs"/>
        /// confirms the end (0–3000 ms; default 120 with Silero, 200 with the spectral VAD; at or above the end silence
        /// speculation is off).
        /// </summary>
        public int? TentativeSilenceMs { get; set; }
    }

    public sealed class VadSection
    {
        /// <summary>
        /// "silero", "spectral", or empty/"auto" (default): Silero when its model loads, else spectral. Silero that
        /// cannot be loaded falls back to spectral with a warning.
        /// </summary>
        public string? Engine { get; set; }

        /// <summary>The Silero ONNX model (scripts/fetch-models.sh); a relative path is looked for under the working
        /// directory, then under the binaries' directory and its parents.</summary>
        public string? SileroModelPath { get; set; }
    }

    public sealed class TranslationSection
    {
        /// <summary>Live translation in rooms with two or more languages (local engines).</summary>
        public bool Enabled { get; set; } = true;

        /// <summary>Shortest time between two emotion alerts for the same speaker and label (0: every utterance).</summary>
        public int EmotionAlertIntervalSeconds { get; set; } = 60;

        /// <summary>
        /// Tell a caller whose language nothing said (no room mapping, remembered menu choice or account language)
        /// the DTMF language menu as it joins a translated room.
        /// </summary>
        public bool JoinMenuPrompt { get; set; } = true;

        /// <summary>
        /// Longest after a speaker stops that a phrase's translation may start and still be spoken (0: always speak
        /// it, however late). When the server falls further behind, listeners hear the speaker's original instead
        /// (with the "not translated" notice) until the translations are in time again; transcripts keep every phrase.
        /// </summary>
        public double MaxSpokenDelaySeconds { get; set; } = 5;

        /// <summary>
        /// Days a caller's remembered menu choice is kept after it was last chosen or used (0: for ever). It holds the
        /// caller's number, which is personal data.
        /// </summary>
        public int CallerLanguageRetentionDays { get; set; } = 365;
    }

    public sealed class MediaSection
    {
        /// <summary>RTP ports are taken in even/odd pairs from this range.</summary>
        public int RtpPortLow { get; set; } = 30000;

        public int RtpPortHigh { get; set; } = 39999;

        /// <summary>A call that sends no RTP for this long is ended.</summary>
        public int RtpTimeoutSeconds { get; set; } = 30;

        /// <summary>
        /// At most this many simultaneous talkers are mixed, the loudest (0, the default = all). Everyone else hears one
        /// shared mix of them, which keeps a room where many talk at once intelligible and cheap to encode.
        /// </summary>
        public int MaxMixedTalkers { get; set; }

        /// <summary>
        /// Mixer threads receive and send their callers' RTP in batches through io_uring (one system call per batch
        /// instead of one per datagram). Where the kernel forbids io_uring, plain system calls are used anyway.
        /// </summary>
        public bool IoUring { get; set; } = true;

        /// <summary>
        /// 1–99 runs the mixer threads under the kernel's real-time FIFO scheduler at that priority, so other processes on
        /// the host cannot delay a 20 ms tick (needs root, CAP_SYS_NICE or LimitRTPRIO). 0 (the default): normal scheduling.
        /// </summary>
        public int RealtimePriority { get; set; }

        /// <summary>Opus encoder complexity (0–10) for a mix only one caller hears (someone talking).</summary>
        public int OpusPersonalComplexity { get; set; } = 0;

        /// <summary>Opus encoder complexity (0–10) for a mix shared by every listener who is not talking (one encode serves them all).</summary>
        public int OpusSharedComplexity { get; set; } = 5;
    }

    public sealed class SipSection
    {
        /// <summary>UDP listeners as host:port ("0.0.0.0:5060", "[::]:5060").</summary>
        public List<string> Udp { get; set; } = [];

        public List<string> Tcp { get; set; } = [];

        public List<string> Tls { get; set; } = [];

        /// <summary>PEM certificate (with <see cref="TlsKey"/>) or PFX file; self-signed in the data directory when empty.</summary>
        public string? TlsCertificate { get; set; }

        public string? TlsKey { get; set; }

        public string? TlsPfxPassword { get; set; }

        /// <summary>
        /// Require a client certificate on TLS that chains to a trusted root (every TLS client, phones included).
        /// </summary>
        public bool RequireClientCertificate { get; set; }

        /// <summary>
        /// Ask TLS clients for a certificate without requiring one, so a tenant trunk that pins its PBX's certificate
        /// (self-signed is fine) is recognised by it. Phones without one are unaffected.
        /// </summary>
        public bool RequestClientCertificate { get; set; } = true;

        /// <summary>
        /// PEM file of the roots TLS client certificates must chain to (a private CA for customers' PBXs) instead of the
        /// system's. A trunk identified by its domain needs a certificate that chains to one of them.
        /// </summary>
        public string? ClientCaFile { get; set; }

        /// <summary>
        /// Recognise tenant trunks by source address on UDP as well as TCP/TLS. Off: a UDP source can be forged, and a
        /// trunk's calls skip digest and have their caller identity believed. Only where the network drops forged sources.
        /// </summary>
        public bool TrustTrunksOverUdp { get; set; }

        /// <summary>
        /// Addresses or CIDR blocks of the SBCs in front of the server (docs/sip.md). Trunks are matched on the source
        /// such an SBC reports in X-Tolk-Source, which the SBC must strip from what it receives.
        /// </summary>
        public List<string> TrustedProxies { get; set; } = [];

        /// <summary>Believe a UDP datagram's source when it is a trusted SBC's: only on a private link to the SBC.</summary>
        public bool TrustProxiesOverUdp { get; set; }

        /// <summary>Address written into Via, Contact and SDP when listening on a wildcard address.</summary>
        public string? AdvertisedAddress { get; set; }

        /// <summary>New INVITE/REGISTER requests per second allowed from one source address.</summary>
        public double RateLimitPerSecond { get; set; } = 20;

        public int RateLimitBurst { get; set; } = 40;

        public bool RateLimitEnabled { get; set; } = true;

        /// <summary>Kernel receive buffer asked for each UDP listener (capped by net.core.rmem_max).</summary>
        public int UdpReceiveBufferBytes { get; set; } = 8 * 1024 * 1024;

        /// <summary>
        /// Digest algorithms challenged with, in order of preference (RFC 8760 §2.4). SHA-256 alone is
        /// the strongest; some deployed clients abort on any challenge that is not MD5, so the default
        /// is MD5 alone (see docs/sip.md).
        /// </summary>
        public List<string> DigestAlgorithms { get; set; } = [];
    }

    public sealed class HttpSection
    {
        /// <summary>The management API and portal listener, host:port.</summary>
        public string Listen { get; set; } = "127.0.0.1:8080";
    }

    public sealed class DemoSection
    {
        public bool Enabled { get; set; } = true;

        public string Domain { get; set; } = "demo.tolk.test";

        /// <summary>Passwords of the demo accounts alice, bob and carol; generated and printed when absent.</summary>
        public Dictionary<string, string> Passwords { get; set; } = new(StringComparer.Ordinal);

        public string RoomExtension { get; set; } = "5000";

        /// <summary>A room that requires digest authentication with a tenant account.</summary>
        public string PrivateRoomExtension { get; set; } = "5001";
    }
}
