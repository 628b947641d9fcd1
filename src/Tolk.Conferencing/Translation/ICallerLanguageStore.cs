namespace Tolk.Conferencing.Translation;

/// <summary>
/// Remembers the language each caller of a tenant picked from the DTMF menu, so the next call starts in it
/// (see <see cref="ParticipantLanguages.Choose"/>). Keys come from <see cref="ParticipantLanguages.CallerKey"/>.
/// </summary>
public interface ICallerLanguageStore
{
    /// <summary>The remembered language of a caller, or null.</summary>
    ValueTask<string?> FindAsync(Guid tenantId, string callerKey, CancellationToken cancellationToken);

    /// <summary>Remembers (or replaces) a caller's language.</summary>
    ValueTask RememberAsync(Guid tenantId, string callerKey, string language, CancellationToken cancellationToken);
}
