using Tolk.Api.Live;
using Tolk.Conferencing.Signaling;

namespace Tolk.Server.Hosting;

/// <summary>Live counters of a tenant for the API's status endpoint, read from the running call core.</summary>
public sealed class SipLiveStatus(SipServerCore core) : ITenantLiveStatus
{
    public TenantLiveCounters Get(Guid tenantId)
    {
        var calls = core.ActiveCalls.Where(c => c.Tenant.Id == tenantId).ToList();
        return new TenantLiveCounters(calls.Count, calls.Select(c => c.Room.Id).Distinct().Count(), "ok");
    }
}
