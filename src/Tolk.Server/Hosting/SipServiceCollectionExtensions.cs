using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tolk.Conferencing.Calls;
using Tolk.Conferencing.Events;
using Tolk.Conferencing.Media;
using Tolk.Media.Mixing;
using Tolk.Media.Rtp;
using Tolk.Conferencing.Signaling;
using Tolk.Conferencing.Tenancy;
using Tolk.Conferencing.Translation;
using Tolk.Speech;
using Tolk.Speech.Local;
using Tolk.Speech.Local.Vad;
using Tolk.Sip.Auth;
using Tolk.Sip.Registrar;
using Tolk.Sip.Transactions;
using Tolk.Sip.Transport;

namespace Tolk.Server.Hosting;

public static class SipServiceCollectionExtensions
{
    /// <summary>Registers the SIP stack and the call core as singletons, started by <see cref="SipHostedService"/>.</summary>
    public static IServiceCollection AddTolkSip(this IServiceCollection services, TolkServerOptions options)
    {
        // One instance for the call core and the rate limiter: both ask it which sources are trusted SBCs.
        var serverOptions = ServerOptions(options.Sip);
        services.AddSingleton(sp => new SipTransportManager(
            BuildTransportOptions(options, serverOptions, Console.Out),
            sp.GetRequiredService<ILogger<SipTransportManager>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IMeterFactory>()));
        services.AddSingleton<ISipMessageSender>(sp => sp.GetRequiredService<SipTransportManager>());
        services.AddSingleton(sp => new SipTransactionLayer(
            sp.GetRequiredService<ISipMessageSender>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SipTransactionLayer>>()));
        services.AddSingleton(sp => new DigestAuthenticator(DigestOptions(options), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DigestAuthenticator>>()));
        services.AddSingleton(sp => new SipRegistrar(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ITenantCatalog, DirectoryTenantCatalog>();
        services.AddSingleton<DatabaseCallerLanguageStore>();
        services.AddSingleton<UsageCallEventSink>();
        services.AddSingleton<ICallEventSink, CallEventFanOut>();
        // Room events (live feed, stored transcripts, webhooks). Needs AddTolkApi's RoomActivityPublisher.
        services.AddSingleton<RoomEventFanOut>();
        services.AddSingleton<IRoomEventSink>(sp => sp.GetRequiredService<RoomEventFanOut>());
        services.AddSingleton(sp =>
        {
            RtpSocketBatching.Enabled = options.Media.IoUring;
            var clock = new MixerClock(sp.GetRequiredService<TimeProvider>(), new MixerClockOptions { RealtimePriority = options.Media.RealtimePriority > 0 ? options.Media.RealtimePriority : null }, sp.GetRequiredService<ILogger<MixerClock>>(), sp.GetService<IMeterFactory>());
            clock.Start();
            return new ConferenceRooms(clock, sp.GetRequiredService<ILoggerFactory>(), new MixerRoomOptions { MaxMixedTalkers = options.Media.MaxMixedTalkers });
        });
        SpeechSettings.Check(options.Speech);
        if (options.Translation.EmotionAlertIntervalSeconds < 0)
        {
            throw new FormatException($"Translation:EmotionAlertIntervalSeconds must be 0 or more (was {options.Translation.EmotionAlertIntervalSeconds}).");
        }
        if (options.Translation.MaxSpokenDelaySeconds < 0 || !double.IsFinite(options.Translation.MaxSpokenDelaySeconds))
        {
            throw new FormatException($"Translation:MaxSpokenDelaySeconds must be 0 (always speak) or more (was {options.Translation.MaxSpokenDelaySeconds}).");
        }

        if (options.Media.RealtimePriority is < 0 or > 99)
        {
            throw new FormatException($"Media:RealtimePriority must be 0 (normal scheduling) or 1–99 (was {options.Media.RealtimePriority}).");
        }

        if (options.Media.MaxMixedTalkers < 0)
        {
            throw new FormatException($"Media:MaxMixedTalkers must be 0 (every talker) or more (was {options.Media.MaxMixedTalkers}).");
        }
        // One engine set per process: it owns the resident Apertium pipelines every speaker shares.
        services.AddSingleton<LedgerSpeechUsageSink>();
        services.AddSingleton(sp => SpeechSettings.CreateEngines(
            options.Speech,
            sp.GetRequiredService<LedgerSpeechUsageSink>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<LocalSpeechEngines>>()));
        services.AddSingleton(sp => new ConferenceTranslation(
            new EngineSpeakerPipelineFactory(sp.GetRequiredService<LocalSpeechEngines>().ForPipeline(), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>()),
            new ConferenceTranslationOptions
            {
                Enabled = options.Translation.Enabled,
                EmotionAlertInterval = TimeSpan.FromSeconds(options.Translation.EmotionAlertIntervalSeconds),
                JoinMenuPrompt = options.Translation.JoinMenuPrompt,
                MaxSpokenDelay = options.Translation.MaxSpokenDelaySeconds > 0 ? TimeSpan.FromSeconds(options.Translation.MaxSpokenDelaySeconds) : null,
                Endpointing = SpeechSettings.BuildEndpointing(options.Speech.Endpointing, sp.GetRequiredService<LocalSpeechEngines>().Vad.Engine),
            },
            sp.GetRequiredService<ITenantCatalog>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            events: sp.GetRequiredService<IRoomEventSink>(),
            noticeSynthesizer: sp.GetRequiredService<LocalSpeechEngines>().Synthesizer,
            callerLanguages: sp.GetRequiredService<DatabaseCallerLanguageStore>()));
        services.AddSingleton<ICallMediaProvider>(sp => new ConferenceMediaProvider(
            sp.GetRequiredService<ConferenceRooms>(),
            new RtpPortAllocator(options.Media.RtpPortLow, options.Media.RtpPortHigh),
            sp.GetRequiredService<TimeProvider>(),
            new ConferenceMediaOptions
            {
                RtpInactivityTimeout = TimeSpan.FromSeconds(options.Media.RtpTimeoutSeconds),
                PersonalMixOpusComplexity = options.Media.OpusPersonalComplexity,
                SharedMixOpusComplexity = options.Media.OpusSharedComplexity,
            },
            sp.GetRequiredService<ILoggerFactory>(),
            options.Translation.Enabled ? sp.GetRequiredService<ConferenceTranslation>() : null));
        services.AddSingleton(sp => new SipServerCore(
            sp.GetRequiredService<SipTransactionLayer>(),
            sp.GetRequiredService<ISipMessageSender>(),
            sp.GetRequiredService<ITenantCatalog>(),
            sp.GetRequiredService<ICallMediaProvider>(),
            sp.GetRequiredService<DigestAuthenticator>(),
            sp.GetRequiredService<SipRegistrar>(),
            serverOptions,
            sp.GetService<ICallEventSink>(),
            sp.GetRequiredService<ILogger<SipServerCore>>()));
        services.AddHostedService<SipHostedService>();
        if (options.Translation.CallerLanguageRetentionDays is < 0 or > 36500)
        {
            throw new InvalidOperationException(
                $"Translation:CallerLanguageRetentionDays must be between 0 (keep forever) and 36500; it is {options.Translation.CallerLanguageRetentionDays}.");
        }
        if (options.Translation.CallerLanguageRetentionDays > 0)
        {
            services.AddHostedService(sp => new CallerLanguageRetentionService(
                sp.GetRequiredService<DatabaseCallerLanguageStore>(),
                sp.GetRequiredService<TimeProvider>(),
                TimeSpan.FromDays(options.Translation.CallerLanguageRetentionDays),
                sp.GetRequiredService<ILogger<CallerLanguageRetentionService>>()));
        }
        if (options.Translation.Enabled)
        {
            services.AddHostedService<SpeechWarmupService>();
        }
        return services;
    }

    private static DigestAuthenticatorOptions DigestOptions(TolkServerOptions options)
    {
        // MD5 alone by default: widely deployed clients (libre-based softphones, SIPp) abort on any
        // SHA-256 challenge, even next to an MD5 one. Operators enable SHA-256 with Sip:DigestAlgorithms.
        var algorithms = options.Sip.DigestAlgorithms.Count > 0 ? options.Sip.DigestAlgorithms : ["MD5"];
        return new DigestAuthenticatorOptions { Algorithms = algorithms.Select(ParseAlgorithm).ToList() };
    }

    private static DigestAlgorithm ParseAlgorithm(string name) => name.Trim().ToUpperInvariant() switch
    {
        "SHA-256" => DigestAlgorithm.Sha256,
        "MD5" => DigestAlgorithm.Md5,
        _ => throw new FormatException($"Unknown digest algorithm '{name}' in Sip:DigestAlgorithms (use SHA-256 and/or MD5)."),
    };

    private static SipTransportOptions BuildTransportOptions(TolkServerOptions options, SipServerOptions server, TextWriter console)
    {
        var sip = options.Sip;
        var transport = new SipTransportOptions();
        foreach (var hp in sip.Udp)
        {
            transport.Listeners.Add(SipListenerOptions.Parse(SipTransportKind.Udp, hp));
        }
        foreach (var hp in sip.Tcp)
        {
            transport.Listeners.Add(SipListenerOptions.Parse(SipTransportKind.Tcp, hp));
        }
        foreach (var hp in sip.Tls)
        {
            transport.Listeners.Add(SipListenerOptions.Parse(SipTransportKind.Tls, hp));
        }
        if (sip.AdvertisedAddress is { } advertised)
        {
            transport.AdvertisedAddress = IPAddress.Parse(advertised);
        }
        transport.RateLimit.Enabled = sip.RateLimitEnabled;
        transport.RateLimit.PermitsPerSecond = sip.RateLimitPerSecond;
        transport.RateLimit.Burst = sip.RateLimitBurst;
        if (server.TrustedProxies.Count > 0)
        {
            transport.RateLimit.Exempt = server.IsTrustedProxy;
        }
        transport.UdpReceiveBufferBytes = sip.UdpReceiveBufferBytes;

        if (sip.Tls.Count > 0)
        {
            System.Security.Cryptography.X509Certificates.X509Certificate2 certificate;
            if (sip.TlsCertificate is { } certPath)
            {
                certificate = sip.TlsKey is { } keyPath
                    ? SipCertificates.LoadPem(certPath, keyPath)
                    : SipCertificates.LoadPfx(certPath, sip.TlsPfxPassword);
            }
            else
            {
                var generated = SelfSignedCertificate.CreateOrLoad(options.DataDirectory, [options.Demo.Domain, "localhost"]);
                certificate = generated.Certificate;
                console.WriteLine($"TLS certificate {(generated.Created ? "generated" : "loaded")}: {generated.CertificatePath}");
                console.WriteLine($"TLS certificate SHA-256 fingerprint: {generated.Sha256Fingerprint}");
            }
            transport.TlsServer = new SipTlsServerOptions(new SipServerCertificateSelector(certificate))
            {
                RequireClientCertificate = sip.RequireClientCertificate,
                RequestClientCertificate = sip.RequestClientCertificate,
                TrustedClientRoots = sip.ClientCaFile is { } caFile ? LoadRoots(caFile) : null,
            };
        }
        return transport;
    }

    /// <summary>The SIP core's options from configuration; trusted SBCs are held to the rules of trunk addresses.</summary>
    private static SipServerOptions ServerOptions(TolkServerOptions.SipSection sip)
    {
        foreach (var entry in sip.TrustedProxies)
        {
            if (Tolk.Api.Infrastructure.Validator.AddressOrCidrProblem(entry) is { } problem)
            {
                throw new FormatException($"Sip:TrustedProxies entry '{entry}': {problem}");
            }
        }
        return new SipServerOptions
        {
            TrustTrunksOverUdp = sip.TrustTrunksOverUdp,
            TrustProxiesOverUdp = sip.TrustProxiesOverUdp,
            TrustedProxies = sip.TrustedProxies,
        };
    }

    private static X509Certificate2Collection LoadRoots(string path)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(path);
        return roots.Count > 0 ? roots : throw new InvalidOperationException($"Sip:ClientCaFile '{path}' holds no certificate.");
    }
}
