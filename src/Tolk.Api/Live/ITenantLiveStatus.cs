namespace Tolk.Api.Live;

/// <summary>Live counters of a tenant, reported by the SIP/conferencing host.</summary>
public sealed record TenantLiveCounters(int ActiveCalls, int ActiveRooms, string Health);

/// <summary>Implemented by the host to report live state; the default reports zeros and "ok".</summary>
public interface ITenantLiveStatus
{
    /// <summary>The tenant's live counters.</summary>
    TenantLiveCounters Get(Guid tenantId);
}

/// <summary>The default when no SIP host is wired: nothing is live.</summary>
public sealed class IdleTenantLiveStatus : ITenantLiveStatus
{
    /// <inheritdoc />
    public TenantLiveCounters Get(Guid tenantId) => new(0, 0, "ok");
}

/// <summary>A dial-out request: the parties to call and the room to bridge them into.</summary>
public sealed record DialOutRequest(Guid TenantId, Guid RoomId, IReadOnlyList<string> Parties, string? CallerId);

/// <summary>The outcome of a dial-out request.</summary>
public sealed record DialOutResult(string CallGroupId, IReadOnlyList<string> CallIds);

/// <summary>Implemented by the host once the SIP core can place calls.</summary>
public interface ICallDialer
{
    /// <summary>True when outbound calls can be placed.</summary>
    bool IsAvailable { get; }

    /// <summary>Starts calls to the parties and bridges them into the room.</summary>
    Task<DialOutResult> DialAsync(DialOutRequest request, CancellationToken ct);
}

/// <summary>The default until the SIP host provides dial-out.</summary>
public sealed class UnavailableCallDialer : ICallDialer
{
    /// <inheritdoc />
    public bool IsAvailable => false;

    /// <inheritdoc />
    public Task<DialOutResult> DialAsync(DialOutRequest request, CancellationToken ct) =>
        throw new NotSupportedException("Dial-out is not available in this host.");
}
