using Microsoft.Extensions.Hosting;
using Tolk.Billing;

namespace Tolk.Server.Hosting;

/// <summary>
/// Drains the usage queue at shutdown. Registered before the SIP host so that it stops after it: the calls the
/// SIP host ends while stopping are metered before the queue closes.
/// </summary>
public sealed class UsageRecorderService(UsageRecorder recorder) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => recorder.StopAsync(TimeSpan.FromSeconds(15));
}
