using BenchmarkDotNet.Running;

if (args is ["speech-latency", .. var rest])
{
    return await Tolk.Bench.Speech.SpeechLatencyDriver.RunAsync(rest);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
