using BenchmarkDotNet.Running;

// Load drivers take a verb; everything else goes to BenchmarkDotNet.
if (args is ["tls-load", .. var tlsArgs])
{
    return await Tolk.Bench.Transport.TlsCallLoadDriver.RunAsync(tlsArgs);
}

if (args is ["speech-latency", .. var rest])
{
    return await Tolk.Bench.Speech.SpeechLatencyDriver.RunAsync(rest);
}

if (args is ["recorded-corpus", .. var corpusArgs])
{
    return Tolk.Bench.Speech.RecordedCorpusExport.Run(corpusArgs);
}

if (args is ["asr-tuning", .. var asrArgs])
{
    return await Tolk.Bench.Speech.AsrTuningDriver.RunAsync(asrArgs);
}

if (args is ["opus-complexity", .. var opusArgs])
{
    return await Tolk.Bench.Media.OpusComplexityDriver.RunAsync(opusArgs);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
