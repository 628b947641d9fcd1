using Microsoft.Extensions.Configuration;

namespace Tolk.Server.Hosting;

/// <summary>What the operator verbs read, as `tolk serve` does: the JSON file if given, then TOLK_ variables over it.</summary>
internal static class ConfigurationSources
{
    public static IConfigurationRoot FileAndEnvironment(string? configFile)
    {
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }

        builder.AddEnvironmentVariables("TOLK_");
        return builder.Build();
    }
}
