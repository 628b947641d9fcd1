using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Tolk.Data.Entities;

namespace Tolk.Data;

/// <summary>
/// The management-plane database. Provider-specific subclasses (<see cref="SqliteTolkDbContext"/>,
/// <see cref="PostgresTolkDbContext"/>) carry their own migrations; code uses this base type.
/// </summary>
public abstract partial class TolkDbContext : DbContext
{
    private readonly TenantContext _tenant;
    private readonly IDataChangeSink? _changeSink;
    private readonly TimeProvider _time;

    /// <summary>Creates the context.</summary>
    protected TolkDbContext(DbContextOptions options, TenantContext? tenant, IDataChangeSink? changeSink, TimeProvider? time)
        : base(options)
    {
        _tenant = tenant ?? new TenantContext();
        _changeSink = changeSink;
        _time = time ?? TimeProvider.System;
    }

    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<User> Users => Set<User>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<PhoneNumber> Numbers => Set<PhoneNumber>();
    public DbSet<SipAccount> SipAccounts => Set<SipAccount>();
    public DbSet<Trunk> Trunks => Set<Trunk>();
    public DbSet<Room> Rooms => Set<Room>();
    public DbSet<VoiceProfile> Voices => Set<VoiceProfile>();
    public DbSet<Webhook> Webhooks => Set<Webhook>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<UsageRecord> Usage => Set<UsageRecord>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<SystemSetting> Settings => Set<SystemSetting>();
    public DbSet<TranscriptUtterance> Transcripts => Set<TranscriptUtterance>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<CallerLanguage> CallerLanguages => Set<CallerLanguage>();

    /// <summary>The scope's tenant context (read by the global query filters).</summary>
    public TenantContext Scope => _tenant;

    // Read by the query filters; EF Core parameterises these per query.
    private bool IsScoped => _tenant.TenantId.HasValue;
    private Guid ScopedTenantId => _tenant.TenantId ?? Guid.Empty;

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Tenant>(b =>
        {
            b.Property(t => t.Name).HasMaxLength(Limits.Name);
            b.Property(t => t.Plan).HasMaxLength(Limits.Short);
            JsonColumn(b.Property(t => t.Domains));
            b.Property(t => t.Version).IsConcurrencyToken();
        });
        modelBuilder.Entity<User>(b =>
        {
            b.Property(u => u.Email).HasMaxLength(Limits.Email);
            b.Property(u => u.Role).HasMaxLength(Limits.Short);
            b.Property(u => u.PasswordHash).HasMaxLength(Limits.Long);
            b.HasIndex(u => u.Email).IsUnique();
            b.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId).OnDelete(DeleteBehavior.Cascade);
            b.Property(u => u.Version).IsConcurrencyToken();
            b.HasQueryFilter(u => !IsScoped || u.TenantId == ScopedTenantId);
        });
        modelBuilder.Entity<RefreshToken>(b =>
        {
            b.Property(r => r.TokenHash).HasMaxLength(Limits.Short);
            b.HasIndex(r => r.TokenHash).IsUnique();
            b.HasOne<User>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<ApiKey>(b =>
        {
            b.Property(k => k.Name).HasMaxLength(Limits.Name);
            b.Property(k => k.Prefix).HasMaxLength(Limits.Short);
            b.Property(k => k.KeyHash).HasMaxLength(Limits.Short);
            b.Property(k => k.Role).HasMaxLength(Limits.Short);
            b.HasIndex(k => k.KeyHash).IsUnique();
            Owned(b);
        });
        modelBuilder.Entity<PhoneNumber>(b =>
        {
            b.Property(n => n.Did).HasMaxLength(Limits.Short);
            b.Property(n => n.Target).HasMaxLength(Limits.Name);
            b.HasIndex(n => n.Did).IsUnique();
            Owned(b);
        });
        modelBuilder.Entity<SipAccount>(b =>
        {
            b.Property(a => a.Username).HasMaxLength(Limits.Short);
            b.Property(a => a.Extension).HasMaxLength(Limits.Short);
            b.Property(a => a.DisplayName).HasMaxLength(Limits.Name);
            b.Property(a => a.Realm).HasMaxLength(Limits.Domain);
            b.Property(a => a.Ha1Md5).HasMaxLength(32);
            b.Property(a => a.Ha1Sha256).HasMaxLength(64);
            b.Property(a => a.Language).HasMaxLength(Limits.Short);
            b.Property(a => a.Voice).HasMaxLength(Limits.Name);
            b.HasIndex(a => new { a.TenantId, a.Username }).IsUnique();
            Owned(b);
        });
        modelBuilder.Entity<Trunk>(b =>
        {
            b.Property(t => t.Name).HasMaxLength(Limits.Name);
            b.Property(t => t.Domain).HasMaxLength(Limits.Domain);
            b.Property(t => t.TlsFingerprint).HasMaxLength(Limits.Long);
            JsonColumn(b.Property(t => t.AllowedAddresses));
            Owned(b);
        });
        modelBuilder.Entity<Room>(b =>
        {
            b.Property(r => r.Name).HasMaxLength(Limits.Name);
            b.Property(r => r.Extension).HasMaxLength(Limits.Short);
            b.Property(r => r.Pin).HasMaxLength(Limits.Short);
            JsonColumn(b.Property(r => r.Languages));
            JsonColumn(b.Property(r => r.Participants));
            JsonColumn(b.Property(r => r.HintPhrases));
            JsonColumn(b.Property(r => r.EmotionLabels));
            b.HasIndex(r => new { r.TenantId, r.Extension }).IsUnique();
            Owned(b);
        });
        modelBuilder.Entity<VoiceProfile>(b =>
        {
            b.Property(v => v.Name).HasMaxLength(Limits.Name);
            b.Property(v => v.Language).HasMaxLength(Limits.Short);
            b.Property(v => v.SampleContentType).HasMaxLength(Limits.Short);
            b.Property(v => v.StatusDetail).HasMaxLength(Limits.Long);
            b.Property(v => v.ProviderVoiceId).HasMaxLength(Limits.Name);
            Owned(b);
        });
        modelBuilder.Entity<Webhook>(b =>
        {
            b.Property(w => w.Url).HasMaxLength(Limits.Url);
            b.Property(w => w.Secret).HasMaxLength(Limits.Long);
            JsonColumn(b.Property(w => w.Events));
            Owned(b);
        });
        modelBuilder.Entity<AuditEntry>(b =>
        {
            b.Property(a => a.Actor).HasMaxLength(Limits.Name);
            b.Property(a => a.Action).HasMaxLength(Limits.Short);
            b.Property(a => a.EntityType).HasMaxLength(Limits.Short);
            b.Property(a => a.EntityId).HasMaxLength(Limits.Short);
            b.HasIndex(a => new { a.TenantId, a.TimestampUtc });
            b.HasQueryFilter(a => !IsScoped || a.TenantId == ScopedTenantId);
        });
        modelBuilder.Entity<UsageRecord>(b =>
        {
            b.Property(u => u.Kind).HasMaxLength(Limits.Short);
            b.Property(u => u.Unit).HasMaxLength(Limits.Short);
            b.Property(u => u.CallId).HasMaxLength(Limits.Name);
            b.Property(u => u.Quantity).HasPrecision(18, 6);
            b.HasIndex(u => new { u.TenantId, u.TimestampUtc });
            b.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId).OnDelete(DeleteBehavior.Cascade);
            b.HasQueryFilter(u => !IsScoped || u.TenantId == ScopedTenantId);
        });
        modelBuilder.Entity<IdempotencyRecord>(b =>
        {
            b.Property(i => i.Key).HasMaxLength(Limits.Name);
            b.Property(i => i.Path).HasMaxLength(Limits.Url);
            b.Property(i => i.RequestHash).HasMaxLength(Limits.Short);
            b.Property(i => i.Location).HasMaxLength(Limits.Url);
            b.HasIndex(i => new { i.Scope, i.Key }).IsUnique();
        });
        modelBuilder.Entity<SystemSetting>(b =>
        {
            b.HasKey(s => s.Key);
            b.Property(s => s.Key).HasMaxLength(Limits.Short);
        });
        modelBuilder.Entity<TranscriptUtterance>(b =>
        {
            b.Property(t => t.ParticipantId).HasMaxLength(Limits.Short);
            b.Property(t => t.Language).HasMaxLength(Limits.Short);
            b.Property(t => t.Emotion).HasMaxLength(Limits.Short);
            JsonColumn(b.Property(t => t.Translations));
            // The transcript endpoint reads one room in time order, optionally from/to a time.
            b.HasIndex(t => new { t.TenantId, t.RoomId, t.TimestampUtc });
            b.HasOne<Tenant>().WithMany().HasForeignKey(t => t.TenantId).OnDelete(DeleteBehavior.Cascade);
            b.HasQueryFilter(t => !IsScoped || t.TenantId == ScopedTenantId);
        });
        modelBuilder.Entity<WebhookDelivery>(b =>
        {
            b.Property(d => d.Event).HasMaxLength(Limits.Short);
            b.Property(d => d.LastError).HasMaxLength(Limits.Long);
            b.HasIndex(d => new { d.WebhookId, d.Id });
            b.HasOne<Webhook>().WithMany().HasForeignKey(d => d.WebhookId).OnDelete(DeleteBehavior.Cascade);
            b.HasQueryFilter(d => !IsScoped || d.TenantId == ScopedTenantId);
        });
        modelBuilder.Entity<CallerLanguage>(b =>
        {
            b.Property(c => c.CallerKey).HasMaxLength(Limits.Name);
            b.Property(c => c.Language).HasMaxLength(Limits.Short);
            b.HasIndex(c => new { c.TenantId, c.CallerKey }).IsUnique();
            b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Cascade);
            b.HasQueryFilter(c => !IsScoped || c.TenantId == ScopedTenantId);
        });
    }

    private void Owned<T>(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<T> b)
        where T : class, ITenantOwned, IVersioned
    {
        b.HasOne<Tenant>().WithMany().HasForeignKey(e => e.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.Property(e => e.Version).IsConcurrencyToken();
        b.HasQueryFilter(e => !IsScoped || e.TenantId == ScopedTenantId);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    // A string map as a JSON text column, like the lists below.
    private static void JsonColumn(Microsoft.EntityFrameworkCore.Metadata.Builders.PropertyBuilder<Dictionary<string, string>> property)
    {
        property.HasConversion(
            new ValueConverter<Dictionary<string, string>, string>(
                v => JsonSerializer.Serialize(v, JsonOptions),
                s => JsonSerializer.Deserialize<Dictionary<string, string>>(s, JsonOptions) ?? new Dictionary<string, string>()),
            new ValueComparer<Dictionary<string, string>>(
                (a, b) => JsonSerializer.Serialize(a, JsonOptions) == JsonSerializer.Serialize(b, JsonOptions),
                v => JsonSerializer.Serialize(v, JsonOptions).GetHashCode(StringComparison.Ordinal),
                v => new Dictionary<string, string>(v)));
    }

    // Lists are stored as a JSON text column on both providers: one schema shape, no provider-specific types.
    private static void JsonColumn<T>(Microsoft.EntityFrameworkCore.Metadata.Builders.PropertyBuilder<List<T>> property)
    {
        property.HasConversion(
            new ValueConverter<List<T>, string>(
                v => JsonSerializer.Serialize(v, JsonOptions),
                s => JsonSerializer.Deserialize<List<T>>(s, JsonOptions) ?? new List<T>()),
            new ValueComparer<List<T>>(
                (a, b) => JsonSerializer.Serialize(a, JsonOptions) == JsonSerializer.Serialize(b, JsonOptions),
                v => JsonSerializer.Serialize(v, JsonOptions).GetHashCode(StringComparison.Ordinal),
                v => JsonSerializer.Deserialize<List<T>>(JsonSerializer.Serialize(v, JsonOptions), JsonOptions)!));
    }
}
