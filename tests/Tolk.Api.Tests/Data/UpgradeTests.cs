using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Tolk.Data;
using Tolk.Data.Entities;
using Tolk.Data.Security;

namespace Tolk.Api.Tests.Data;

/// <summary>A database at schema version 1 migrates to version 2 with its data, and its plain webhook secrets still read.</summary>
public sealed class UpgradeTests
{
    [Fact]
    public async Task Version_1_database_upgrades_in_place_and_keeps_its_webhooks()
    {
        var file = Path.Combine(Path.GetTempPath(), $"tolk-upgrade-{Guid.NewGuid():N}.db");
        var options = new DbContextOptionsBuilder<SqliteTolkDbContext>().UseSqlite($"Data Source={file};Pooling=False").Options;
        try
        {
            var tenant = Guid.NewGuid();
            var hook = Guid.NewGuid();
            await using (var v1 = new SqliteTolkDbContext(options))
            {
                await v1.GetService<IMigrator>().MigrateAsync("20261122000100_Initial");
                Assert.Equal(["20261122000100_Initial"], await v1.Database.GetAppliedMigrationsAsync());
                // Rows as version 1 wrote them: the webhook secret in plain text.
                await v1.Database.ExecuteSqlRawAsync(
                    "INSERT INTO \"Tenants\" (\"Id\",\"Name\",\"Domains\",\"Status\",\"Plan\",\"MaxConcurrentCalls\",\"MaxRooms\",\"CreatedUtc\",\"Version\") VALUES ({0},'T','[\"t.test\"]',0,'standard',10,20,'2026-01-01 00:00:00',1)",
                    tenant.ToString().ToUpperInvariant());
                await v1.Database.ExecuteSqlRawAsync(
                    "INSERT INTO \"Webhooks\" (\"Id\",\"TenantId\",\"Url\",\"Events\",\"Secret\",\"Disabled\",\"Version\") VALUES ({0},{1},'https://h.test/x','[\"*\"]','whsec_plain-old-secret',0,1)",
                    hook.ToString().ToUpperInvariant(), tenant.ToString().ToUpperInvariant());
            }

            await using (var v2 = new SqliteTolkDbContext(options))
            {
                await v2.Database.MigrateAsync();
                Assert.Equal(["20261122000100_Initial", "20261122000200_Transcripts", "20261204000300_CallerPreferences"], await v2.Database.GetAppliedMigrationsAsync());
                var webhook = await v2.Webhooks.SingleAsync();
                Assert.Equal(hook, webhook.Id);
                Assert.False(SecretProtector.IsProtected(webhook.Secret));
                Assert.Equal("whsec_plain-old-secret", new SecretProtector(new byte[32]).Unprotect(webhook.Secret!));

                v2.Transcripts.Add(new TranscriptUtterance { TenantId = tenant, RoomId = Guid.NewGuid(), ParticipantId = "p", Language = "en", Text = "hi",
                    Translations = new() { ["es"] = "hola" }, TimestampUtc = DateTime.UtcNow });
                v2.WebhookDeliveries.Add(new WebhookDelivery { TenantId = tenant, WebhookId = hook, EventId = Guid.NewGuid(), Event = "call.ended", CreatedUtc = DateTime.UtcNow });
                await v2.SaveChangesAsync();
                Assert.Equal("hola", (await v2.Transcripts.AsNoTracking().SingleAsync()).Translations["es"]);

                // Deleting the webhook takes its delivery log with it.
                v2.Webhooks.Remove(webhook);
                await v2.SaveChangesAsync();
                Assert.Equal(0, await v2.WebhookDeliveries.CountAsync());
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Secrets_round_trip_and_tampering_or_a_wrong_key_is_detected()
    {
        var key = new byte[32];
        key[0] = 7;
        var protector = new SecretProtector(key);
        var stored = protector.Protect("whsec_top-secret");
        Assert.StartsWith("enc:v1:", stored, StringComparison.Ordinal);
        Assert.NotEqual(stored, protector.Protect("whsec_top-secret"));
        Assert.Equal("whsec_top-secret", protector.Unprotect(stored));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => new SecretProtector(new byte[32]).Unprotect(stored));
        var bytes = Convert.FromBase64String(stored["enc:v1:".Length..]);
        bytes[15] ^= 1;
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => protector.Unprotect("enc:v1:" + Convert.ToBase64String(bytes)));
    }
}
