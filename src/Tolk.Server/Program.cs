using System.CommandLine;
using Tolk.Server.Cli;

try
{
    return await TolkCli.CreateRootCommand().Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (FormatException ex)
{
    // A configuration value the checks refused: the message names the key; a stack trace would only bury it.
    await Console.Error.WriteLineAsync("error: " + ex.Message);
    return 2;
}
catch (Exception ex) when (ex is not OperationCanceledException)
{
    await Console.Error.WriteLineAsync("Unhandled exception: " + ex);
    return 1;
}
