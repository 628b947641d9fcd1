using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tolk.Data.Directory;

/// <summary>
/// The <see cref="ITenantDirectory"/> implementation: an immutable snapshot swapped atomically. A save
/// marks it stale and starts a background reload; a lookup that sees a stale snapshot reloads first,
/// so a change is visible to the very next lookup after the save returned.
/// </summary>
public sealed partial class TenantDirectory : ITenantDirectory, IDataChangeSink
{
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<TenantDirectory> _logger;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile DirectorySnapshot _snapshot = DirectorySnapshot.Empty;
    private long _changeCount = 1;   // starts stale: the first lookup loads
    private long _loadedChangeCount;
    private long _generation;

    /// <summary>Creates the directory; it loads lazily on first use.</summary>
    public TenantDirectory(IServiceScopeFactory scopes, ILogger<TenantDirectory> logger)
    {
        _scopes = scopes;
        _logger = logger;
    }

    /// <inheritdoc />
    public event EventHandler<DirectoryChangedEventArgs>? DirectoryChanged;

    /// <inheritdoc />
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>
    /// Counts saves of configuration (not usage, transcripts or deliveries), raised synchronously when a save
    /// commits: a cache stamped with it is stale as soon as it differs, before the snapshot has reloaded.
    /// </summary>
    public long ChangeCount => Interlocked.Read(ref _changeCount);

    /// <inheritdoc />
    public TenantEntry? FindTenantByDomain(string domain) =>
        Current.TenantsByDomain.GetValueOrDefault(domain.TrimEnd('.'));

    /// <inheritdoc />
    public TenantEntry? FindTenant(Guid tenantId) => Current.Tenants.GetValueOrDefault(tenantId);

    /// <inheritdoc />
    public SipAccountEntry? FindSipAccount(Guid tenantId, string username) =>
        Current.SipAccounts.GetValueOrDefault((tenantId, username));

    /// <inheritdoc />
    public SipAccountEntry? FindSipAccountByExtension(Guid tenantId, string extension) =>
        Current.SipAccountsByExtension.GetValueOrDefault((tenantId, extension));

    /// <inheritdoc />
    public RoomEntry? FindRoomByExtension(Guid tenantId, string extension) =>
        Current.RoomsByExtension.GetValueOrDefault((tenantId, extension));

    /// <inheritdoc />
    public RoomEntry? FindRoom(Guid tenantId, Guid roomId) =>
        Current.Rooms.TryGetValue(roomId, out var room) && room.TenantId == tenantId ? room : null;

    /// <inheritdoc />
    public VoiceProfileEntry? FindVoiceProfile(Guid tenantId, Guid voiceProfileId) =>
        Current.VoiceProfiles.GetValueOrDefault((tenantId, voiceProfileId));

    /// <inheritdoc />
    public NumberEntry? FindNumber(string did) =>
        Current.Numbers.GetValueOrDefault(DirectorySnapshot.NormalizeDid(did));

    /// <inheritdoc />
    public IReadOnlyList<TrunkEntry> GetTrunks(Guid tenantId) =>
        Current.Trunks.TryGetValue(tenantId, out var trunks) ? trunks : [];

    /// <summary>A user principal by id (for token checks); null when unknown.</summary>
    public UserPrincipalEntry? FindUser(Guid userId) => Current.Users.GetValueOrDefault(userId);

    /// <summary>A live (not revoked, tenant enabled) API key by the SHA-256 hex of the presented key.</summary>
    public ApiKeyEntry? FindApiKeyByHash(string keyHash) => Current.ApiKeys.GetValueOrDefault(keyHash);

    /// <inheritdoc />
    public void OnDataChanged(IReadOnlyCollection<Type> entityTypes)
    {
        Interlocked.Increment(ref _changeCount);
        _ = Task.Run(async () =>
        {
            try
            {
                await RefreshAsync();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogReloadFailed(_logger, ex);
            }
        });
    }

    /// <inheritdoc />
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        long? generation;
        await _reload.WaitAsync(cancellationToken);
        try
        {
            generation = await ReloadIfStaleAsync(cancellationToken);
        }
        finally
        {
            _reload.Release();
        }

        Raise(generation);
    }

    // Raised outside the reload lock: a handler may look things up, which may need the lock itself.
    private void Raise(long? generation)
    {
        if (generation is { } g)
        {
            DirectoryChanged?.Invoke(this, new DirectoryChangedEventArgs(g));
        }
    }

    private DirectorySnapshot Current
    {
        get
        {
            if (Interlocked.Read(ref _changeCount) != Interlocked.Read(ref _loadedChangeCount))
            {
                // A change is pending: load it before answering, so no caller sees stale data after a save.
                long? generation;
                _reload.Wait();
                try
                {
                    generation = ReloadIfStaleAsync(CancellationToken.None).GetAwaiter().GetResult();
                }
                finally
                {
                    _reload.Release();
                }

                Raise(generation);
            }

            return _snapshot;
        }
    }

    private async Task<long?> ReloadIfStaleAsync(CancellationToken cancellationToken)
    {
        var target = Interlocked.Read(ref _changeCount);
        if (target == Interlocked.Read(ref _loadedChangeCount))
        {
            return null;
        }

        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        _snapshot = await DirectorySnapshot.LoadAsync(db, cancellationToken);
        Interlocked.Exchange(ref _loadedChangeCount, target);
        var generation = Interlocked.Increment(ref _generation);
        LogReloaded(_logger, generation, _snapshot.Tenants.Count);
        return generation;
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "Tenant directory reloaded: generation {Generation}, {TenantCount} tenants")]
    private static partial void LogReloaded(ILogger logger, long generation, int tenantCount);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "Tenant directory reload failed")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}
