namespace Tolk.Conferencing.Tests.Media;

/// <summary>
/// The RTP port ranges this assembly's tests allocate from, kept in one place so that they cannot overlap: test
/// classes run in parallel and the churn test sprays RTP at whatever its range hands out.
/// All sit below Linux's ephemeral range (32768–60999), where other test processes' port-0 sockets land, and apart
/// from the other assemblies' fixed ports: Tolk.EndToEnd's FreePorts (10000–19999) and its servers' RTP (the product
/// default 30000–39999), Tolk.Sip.Tests' baresip SIP ports (20000–23999).
/// </summary>
internal static class TestRtpPorts
{
    public const int DtmfMuteLow = 24000, DtmfMuteHigh = 24199;
    public const int DtmfPinLow = 24200, DtmfPinHigh = 24399;
    public const int TeardownLow = 24400, TeardownHigh = 24899;
    // OpusComplexityTests only construct providers; nothing is bound.
    public const int OpusLow = 24900, OpusHigh = 24999;
    // RtpPortRaceTests: a squatter's port, the racing allocator's range, and an unbound two-pair range.
    public const int SquatterLow = 25000, SquatterHigh = 25099;
    public const int RaceLow = 25100, RaceHigh = 25199;
    public const int HoldLow = 25200, HoldHigh = 25203;
    public const int LateOfferLow = 25300, LateOfferHigh = 25399;
    public const int LossReportLow = 25400, LossReportHigh = 25499;
    public const int LanguageMemoryLow = 25500, LanguageMemoryHigh = 25599;
    public const int AssertedMappingLow = 25600, AssertedMappingHigh = 25699;
    public const int RenegotiationLow = 25700, RenegotiationHigh = 25799;
    public const int ChurnLow = 26000, ChurnHigh = 26399;
}
