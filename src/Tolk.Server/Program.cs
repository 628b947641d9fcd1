using Tolk.Server.Cli;

return await TolkCli.CreateRootCommand().Parse(args).InvokeAsync();
