using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tolk.Api.Tests.Infrastructure;

/// <summary>
/// The host's log lines at Error and above, with their category and event id: an operator alerts on these, so a
/// handled condition that still logs one is a defect a test can catch.
/// </summary>
public sealed class ErrorLog : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, EventId Event)> _entries = new();

    public int Count(string category, int eventId) => _entries.Count(e => e.Category == category && e.Event.Id == eventId);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ErrorLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log._entries.Enqueue((category, eventId));
            }
        }
    }
}
