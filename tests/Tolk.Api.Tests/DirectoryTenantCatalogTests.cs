using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tolk.Api.Tests.Infrastructure;
using Tolk.Conferencing.Tenancy;
using Tolk.Conferencing.Translation;
using Tolk.Data;
using Tolk.Data.Directory;
using Tolk.Data.Entities;
using Tolk.Server.Hosting;
using Tolk.Speech;
using Tolk.Speech.Pipeline;

namespace Tolk.Api.Tests;

/// <summary>
/// The SIP host's catalog over the real tenant directory and database: voice profiles, account voices and emotion
/// alert labels saved by the management plane reach the call path.
/// </summary>
public abstract class DirectoryTenantCatalogTests(ApiFixture f)
{
    private DirectoryTenantCatalog Catalog => new(f.Host.Services.GetRequiredService<ITenantDirectory>());

    private Guid A => Guid.Parse(f.TenantA);

    private Guid B => Guid.Parse(f.TenantB);

    // Written straight to the database, as the training job leaves a profile (no training is queued for it).
    private async Task<Guid> AddVoiceAsync(Guid tenantId, VoiceTrainingStatus status, double pitchHz, double rate, string? providerVoiceId)
    {
        await using var scope = f.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        var voice = new VoiceProfile
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            Name = $"catalog-{status}",
            Language = "en",
            Sample = Wav.Bursts(pitchHz, rate, 1),
            SampleContentType = "audio/wav",
            Status = status,
            MedianPitchHz = pitchHz,
            SpeakingRate = rate,
            ProviderVoiceId = providerVoiceId,
            CreatedUtc = DateTime.UtcNow,
        };
        db.Voices.Add(voice);
        await db.SaveChangesAsync();
        return voice.Id;
    }

    [Fact]
    public async Task A_ready_voice_profile_is_found_for_its_own_tenant_only_and_a_pending_one_not_at_all()
    {
        var readyA = await AddVoiceAsync(A, VoiceTrainingStatus.Ready, 105, 3.2, "clone-a");
        var pendingA = await AddVoiceAsync(A, VoiceTrainingStatus.Pending, 200, 4, null);
        var failedA = await AddVoiceAsync(A, VoiceTrainingStatus.Failed, 200, 4, null);
        var readyB = await AddVoiceAsync(B, VoiceTrainingStatus.Ready, 220, 5, "clone-b");

        Assert.Equal(new VoiceProfileInfo(readyA, "en", 105, 3.2, "clone-a"), Catalog.FindVoiceProfile(A, readyA));
        Assert.Equal(new VoiceProfileInfo(readyB, "en", 220, 5, "clone-b"), Catalog.FindVoiceProfile(B, readyB));
        Assert.Null(Catalog.FindVoiceProfile(B, readyA));
        Assert.Null(Catalog.FindVoiceProfile(A, readyB));
        Assert.Null(Catalog.FindVoiceProfile(A, pendingA));
        Assert.Null(Catalog.FindVoiceProfile(A, failedA));
        Assert.Null(Catalog.FindVoiceProfile(A, Guid.NewGuid()));
    }

    [Fact]
    public async Task An_accounts_voice_and_a_rooms_alert_labels_reach_the_call_path()
    {
        var voice = await AddVoiceAsync(A, VoiceTrainingStatus.Ready, 100, 3.2, "clone-vera");
        using var a = f.AdminA;
        var t = $"/api/tenants/{f.TenantA}";
        var account = await a.PostJsonAsync($"{t}/sip-accounts",
            new { username = "vera", password = "vera-secret-1", extension = "2010", language = "es", voice = voice.ToString() });
        Assert.Equal(HttpStatusCode.Created, account.Status);
        var room = await a.PostJsonAsync($"{t}/rooms", new
        {
            name = "Catalog", extension = "7510",
            languages = new[] { new { code = "en", voice = (string?)null }, new { code = "es", voice = (string?)null } },
            emotionAlerts = true, emotionLabels = new[] { "sad", "angry" },
        });
        Assert.Equal(HttpStatusCode.Created, room.Status);

        var catalog = Catalog;
        Assert.Equal(voice.ToString(), catalog.FindAccount(A, "vera")?.Voice);
        Assert.Equal(voice.ToString(), catalog.FindAccount(A, "2010")?.Voice);
        Assert.Null(catalog.FindAccount(B, "vera"));
        var info = catalog.FindRoom(A, "7510");
        Assert.NotNull(info);
        Assert.NotNull(info.EmotionAlerts);
        Assert.Equal([EmotionLabel.Sad, EmotionLabel.Angry], info.EmotionAlerts.Labels);
        Assert.Equal([EmotionLabel.Sad, EmotionLabel.Angry], info.EmotionAlerts.EffectiveLabels);

        // The conference asks the same catalog for the speaker's profile: the account's voice, measured values.
        await using var translation = new ConferenceTranslation(new NoPipelines(), catalog: catalog);
        Assert.Equal("es", translation.LanguageFor(A, info, "vera", "sip:vera@a.tenants.test"));
        Assert.Equal(new SpeakerVoiceProfile(100, 3.2, "clone-vera"), translation.VoiceProfileFor(A, info, "vera", "sip:vera@a.tenants.test"));
        // Extension 2010 as a trusted trunk asserts it (a caller merely writing 2010 in From gets no stored voice).
        Assert.Equal(new SpeakerVoiceProfile(100, 3.2, "clone-vera"), translation.VoiceProfileFor(A, info, null, "sip:2010@a.tenants.test"));
        Assert.Null(translation.VoiceProfileFor(A, info, null, null));
        Assert.Null(translation.VoiceProfileFor(A, info, "dave", "sip:dave@a.tenants.test"));
    }

    private sealed class NoPipelines : ISpeakerPipelineFactory
    {
        public Task<ISpeakerPipeline> StartAsync(TranslationPipelineOptions options, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("no call is placed in these tests");
    }
}

[Collection("sqlite")]
public sealed class SqliteDirectoryTenantCatalogTests(SqliteFixture f) : DirectoryTenantCatalogTests(f);

[Collection("postgres")]
public sealed class PostgresDirectoryTenantCatalogTests(PostgresFixture f) : DirectoryTenantCatalogTests(f);
