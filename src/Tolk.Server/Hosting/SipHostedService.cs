using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tolk.Conferencing.Signaling;
using Tolk.Sip.Registrar;
using Tolk.Sip.Transactions;
using Tolk.Sip.Transport;

namespace Tolk.Server.Hosting;

/// <summary>Starts the transports and pumps every inbound message into the transaction layer.</summary>
public sealed partial class SipHostedService(
    SipTransportManager transports,
    SipTransactionLayer transactions,
    SipServerCore core,
    SipRegistrar registrar,
    TimeProvider time,
    ILogger<SipHostedService> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _ = core; // the core subscribes to the transaction layer when constructed
        transports.ConnectionClosed += (_, e) => registrar.RemoveFlow(e.ConnectionId);
        await transports.StartAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var purge = time.CreateTimer(_ => registrar.Purge(), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        // Several consumers keep one slow handler from stalling every other message.
        var workers = Enumerable.Range(0, Math.Max(2, Environment.ProcessorCount)).Select(_ => PumpAsync(stoppingToken)).ToArray();
        await Task.WhenAll(workers);
    }

    private async Task PumpAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var message in transports.Inbound.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await transactions.OnMessageAsync(message);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogDispatchFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await core.EndAllCallsAsync("server shutting down");
        await core.EndAllExtensionCallsAsync("server shutting down");
        await base.StopAsync(cancellationToken);
        await transports.StopAsync();
    }

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Dispatching an inbound message failed")]
    private static partial void LogDispatchFailed(ILogger logger, Exception ex);
}
