using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "tls-load")
{
    return await Tolk.Bench.Transport.TlsCallLoadDriver.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
