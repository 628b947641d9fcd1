using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Tolk.Api.Tests;

/// <summary>
/// Dashboards and alerts select log lines by event id: an id must name one message in the whole server, not one per
/// class (docs/logging.md lists each layer's range).
/// </summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void Every_log_message_of_the_server_has_its_own_event_id()
    {
        var messages = ServerAssemblies()
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => (Id: x.Attribute!.EventId, Name: $"{x.Method.DeclaringType!.FullName}.{x.Method.Name}"))
            .ToList();

        Assert.True(messages.Count > 90, $"only {messages.Count} log messages found: the scan is missing assemblies");
        var shared = messages.GroupBy(m => m.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Name))}").ToList();
        Assert.True(shared.Count == 0, "Event ids used by more than one message:\n" + string.Join("\n", shared));
    }

    // Every layer of the server (ARCHITECTURE.md), by name: the compiler drops references an assembly does not use.
    private static IEnumerable<Assembly> ServerAssemblies() =>
        new[] { "Tolk.Sip", "Tolk.Media", "Tolk.Speech", "Tolk.Conferencing", "Tolk.Data", "Tolk.Billing", "Tolk.Api" }
            .Select(name => Assembly.Load(new AssemblyName(name)))
            .Append(typeof(Tolk.Server.Hosting.TolkServerOptions).Assembly);
}
