using System.CommandLine;

namespace Tolk.Server.Cli;

/// <summary>The `tolk` command line: verbs for operators on the box.</summary>
public static class TolkCli
{
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("Tolk: multilingual voice conferencing over SIP.");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(SpeechCommands.Create());
        root.Subcommands.Add(Demo.DemoTranslateCommand.Create());
        foreach (var command in AdminCommands.Create())
        {
            root.Subcommands.Add(command);
        }
        return root;
    }
}
