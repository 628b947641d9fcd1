namespace Tolk.Data.Entities;

/// <summary>Where a number's calls go.</summary>
public enum NumberTargetType
{
    None = 0,
    Room = 1,
    Extension = 2,
    Agent = 3,
    Ivr = 4,
}

/// <summary>A DID assigned by the provider to a tenant and routed by the tenant.</summary>
public sealed class PhoneNumber : IEntity, ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    /// <summary>E.164 with leading '+'; unique across all tenants.</summary>
    public required string Did { get; set; }
    public NumberTargetType TargetType { get; set; }
    /// <summary>Room id, extension, agent name or IVR name, by <see cref="TargetType"/>.</summary>
    public string? Target { get; set; }
    public long Version { get; set; }
}

/// <summary>A SIP account (extension). Only digest HA1 hashes are stored (RFC 7616 §3.4.2).</summary>
public sealed class SipAccount : IEntity, ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Username { get; set; }
    public string? Extension { get; set; }
    public string? DisplayName { get; set; }
    /// <summary>The realm the hashes were computed for (the tenant's first domain at the time).</summary>
    public required string Realm { get; set; }
    /// <summary>Hex MD5(username:realm:password).</summary>
    public required string Ha1Md5 { get; set; }
    /// <summary>Hex SHA-256(username:realm:password).</summary>
    public required string Ha1Sha256 { get; set; }
    /// <summary>Preferred language (BCP 47) of the person behind this account.</summary>
    public string? Language { get; set; }
    /// <summary>Voice of the person behind this account: a voice profile id (its translations speak with it).</summary>
    public string? Voice { get; set; }
    public bool Disabled { get; set; }
    public long Version { get; set; }
}

/// <summary>A trunk from the customer's own PBX.</summary>
public sealed class Trunk : IEntity, ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public string? Domain { get; set; }
    /// <summary>IP addresses or CIDR blocks allowed to send on this trunk.</summary>
    public List<string> AllowedAddresses { get; set; } = [];
    /// <summary>SHA-256 fingerprint of the PBX's TLS certificate (hex, colon-separated).</summary>
    public string? TlsFingerprint { get; set; }
    public bool Disabled { get; set; }
    public long Version { get; set; }
}

/// <summary>A language spoken in a room with the default voice used for it.</summary>
public sealed class RoomLanguage
{
    public required string Code { get; set; }
    public string? Voice { get; set; }
}

/// <summary>Maps a participant (by extension or caller number) to a language and voice.</summary>
public sealed class ParticipantMapping
{
    public string? Extension { get; set; }
    public string? CallerNumber { get; set; }
    public required string Language { get; set; }
    public string? Voice { get; set; }
}

/// <summary>A conference room profile: languages, mappings, and translation settings.</summary>
public sealed class Room : IEntity, ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public required string Extension { get; set; }
    public List<RoomLanguage> Languages { get; set; } = [];
    public List<ParticipantMapping> Participants { get; set; } = [];
    public int DelayMs { get; set; }
    public int OriginalMixPercent { get; set; }
    public bool EmotionAlerts { get; set; }
    /// <summary>Lowest emotion score that alerts; 0 means the platform's default.</summary>
    public double EmotionThreshold { get; set; }
    /// <summary>Emotion labels that alert (angry, fearful, sad); empty means angry only.</summary>
    public List<string> EmotionLabels { get; set; } = [];
    public List<string> HintPhrases { get; set; } = [];
    public bool RequireSrtp { get; set; }
    public string? Pin { get; set; }
    public bool RequireAuth { get; set; }
    public long Version { get; set; }
}

/// <summary>Training status of a voice profile.</summary>
public enum VoiceTrainingStatus
{
    Pending = 0,
    Training = 1,
    Ready = 2,
    Failed = 3,
}

/// <summary>A voice adapted from a speaker's sample.</summary>
public sealed class VoiceProfile : IEntity, ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public required string Language { get; set; }
    public byte[]? Sample { get; set; }
    public string? SampleContentType { get; set; }
    public VoiceTrainingStatus Status { get; set; }
    public string? StatusDetail { get; set; }
    public string? ProviderVoiceId { get; set; }
    public double? DurationSeconds { get; set; }
    public double? MedianPitchHz { get; set; }
    public double? SpeakingRate { get; set; }
    public DateTime CreatedUtc { get; set; }
    public long Version { get; set; }
}

/// <summary>An HTTP endpoint of the tenant notified of events.</summary>
public sealed class Webhook : IEntity, ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Url { get; set; }
    public List<string> Events { get; set; } = [];
    public string? Secret { get; set; }
    public bool Disabled { get; set; }
    public long Version { get; set; }
}
